/**
 * Guest customization progress of a VM, read from its events: vCenter posts
 * CustomizationStartedEvent when the guest begins the customization and CustomizationSucceeded
 * (or one of the failure events) when it ends — on Windows after Sysprep has set the password,
 * which is later than the guest's first IP address. Read through an EventHistoryCollector
 * (CreateCollectorForEvents, its latestPage property, DestroyCollector).
 */
import { VSphereError } from './errors.js';
import type { OperationContext } from './operations.js';
import { retrieveOne } from './properties.js';
import type { MoRef } from './refs.js';
import { many, moRefXml, numberOf, textOf, toRef, xsiType } from './xml.js';

export type CustomizationState =
  /** No customization event yet: not begun (or the VM was never customized). */
  | { state: 'none' }
  | { state: 'started' }
  | { state: 'succeeded' }
  | { state: 'failed'; message: string };

const STARTED = 'CustomizationStartedEvent';
const SUCCEEDED = 'CustomizationSucceeded';
const FAILED = [
  'CustomizationFailed',
  'CustomizationSysprepFailed',
  'CustomizationLinuxIdentityFailed',
  'CustomizationNetworkSetupFailed',
  'CustomizationUnknownFailure',
];

/** The VM's latest customization event, as a state. */
export async function customizationState(ctx: OperationContext, vm: MoRef): Promise<CustomizationState> {
  const { eventManager } = await ctx.session.ensureLoggedIn();
  if (!eventManager) throw new VSphereError('this endpoint keeps no events (standalone ESXi?)', { faultType: 'NotSupported', retryable: false });
  const collector = toRef(
    await ctx.session.call('CreateCollectorForEvents', eventManager, {
      filter: { entity: { entity: moRefXml(vm), recursion: 'self' }, eventTypeId: [STARTED, SUCCEEDED, ...FAILED] },
    }),
  );
  if (!collector) throw new VSphereError('CreateCollectorForEvents returned no collector', { faultType: 'InvalidResponse', retryable: false });
  try {
    const page = (await retrieveOne(ctx.session, collector, ['latestPage'])).props.get('latestPage');
    const events = many(page, 'Event')
      .map((event) => ({ type: xsiType(event) ?? '', key: numberOf(event, 'key') ?? 0, message: textOf(event, 'fullFormattedMessage') ?? '' }))
      .sort((a, b) => a.key - b.key);
    const latest = events.at(-1);
    if (!latest) return { state: 'none' };
    if (latest.type === SUCCEEDED) return { state: 'succeeded' };
    if (FAILED.includes(latest.type)) return { state: 'failed', message: latest.message || latest.type };
    return { state: 'started' };
  } finally {
    await ctx.session.call('DestroyCollector', collector, {}, { idempotent: true }).catch(() => undefined);
  }
}
