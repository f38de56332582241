// Live status without reloading: one subscription to every clone's status changes (graphcache
// writes each change into the Clone record every row and page shows), and, for clones being built,
// one to their events, which carry the provisioning phase and percent as they advance.
import { useSubscription } from 'urql';
import { CloneEventsSubscription, CloneStatusSubscription } from '../operations';

/** At most this many per-clone feeds (the API allows 20 subscriptions per connection). */
export const MAX_PROGRESS_FEEDS = 15;

export function LiveStatus({ cloneId }: { cloneId?: string }) {
  useSubscription({ query: CloneStatusSubscription, variables: { cloneId: cloneId ?? null } });
  return null;
}

export function LiveEvents({ cloneId }: { cloneId: string }) {
  useSubscription({ query: CloneEventsSubscription, variables: { cloneId } });
  return null;
}
