// A two-route router on the History API: `/` (the Clones page) and `/clones/<id>` (a clone's page).
// The API answers index.html for these paths, so a reload or a shared link works.
import { useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';

export type Route = { page: 'clones' } | { page: 'clone'; id: string } | { page: 'notFound' };

export function parseRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '') return { page: 'clones' };
  const match = /^\/clones\/([^/]+)\/?$/.exec(pathname);
  if (match) return { page: 'clone', id: decodeURIComponent(match[1]!) };
  return { page: 'notFound' };
}

export const clonePath = (id: string) => `/clones/${encodeURIComponent(id)}`;

export function navigate(path: string) {
  window.history.pushState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.pathname));
  useEffect(() => {
    const onPop = () => setRoute(parseRoute(window.location.pathname));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  return route;
}

/** A link that navigates without reloading (and still opens in a new tab with a modifier key). */
export function Link({ href, ...props }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={onClick} {...props} />;
}
