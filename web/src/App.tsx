// The shell: the login page without a session; with one, a urql client holding its token, the
// header (who is logged in, logout) and the routed page.
import { useEffect, useMemo, useState } from 'react';
import { Provider, useMutation, useQuery } from 'urql';
import { createApiClient } from './client';
import { LogoutMutation, MeQuery } from './operations';
import { ClonePage } from './pages/ClonePage';
import { ClonesPage } from './pages/ClonesPage';
import { LoginPage } from './pages/LoginPage';
import { Link, useRoute } from './router';
import { useSession } from './session';
import { MeContext, type Me } from './me';

export function App() {
  const { token, signOut } = useSession();
  const api = useMemo(
    () => (token ? createApiClient(token, () => signOut('Your session has ended. Log in again.')) : null),
    [token, signOut],
  );
  useEffect(() => () => api?.close(), [api]);
  if (!api) return <LoginPage />;
  return (
    <Provider value={api.client}>
      <SignedIn />
    </Provider>
  );
}

function SignedIn() {
  const { signOut } = useSession();
  const [{ data, fetching, error }] = useQuery({ query: MeQuery, requestPolicy: 'network-only' });
  const [, logout] = useMutation(LogoutMutation);
  const [leaving, setLeaving] = useState(false);
  const route = useRoute();
  const me = data?.me ?? null;

  useEffect(() => {
    // A token the API no longer knows (expired, logged out elsewhere): back to the login page.
    if (!fetching && data && !data.me) signOut('Your session has ended. Log in again.');
  }, [fetching, data, signOut]);

  if (!me) {
    return (
      <main className="centered" aria-busy={fetching}>
        <p role="status">{error ? `Could not load your account: ${error.message}` : 'Loading…'}</p>
      </main>
    );
  }
  const onLogout = async () => {
    setLeaving(true);
    await logout({});
    signOut();
  };
  return (
    <MeContext.Provider value={me as Me}>
      <a className="skip-link" href="#main">Skip to content</a>
      <header className="app-header">
        <Link href="/" className="brand">Enclave</Link>
        <nav aria-label="Main">
          <Link href="/" aria-current={route.page === 'clones' ? 'page' : undefined}>Clones</Link>
        </nav>
        <div className="who">
          <span data-testid="current-user">{me.name} ({me.username}, {roleLabel(me.role)})</span>
          <button type="button" onClick={onLogout} disabled={leaving}>Log out</button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {route.page === 'clones' && <ClonesPage />}
        {route.page === 'clone' && <ClonePage id={route.id} />}
        {route.page === 'notFound' && (
          <section>
            <h1>Page not found</h1>
            <p><Link href="/">Back to the clones</Link></p>
          </section>
        )}
      </main>
    </MeContext.Provider>
  );
}

export function roleLabel(role: string): string {
  return { GLOBAL_ADMIN: 'global admin', MACHINE_ADMIN: 'machine admin', DEVELOPER: 'developer' }[role] ?? role;
}
