// Login: username and password; a wrong login and the API's rate limit each get a clear message.
// The login runs on a client of its own (no token yet); the token then goes to the session.
import { useMemo, useState, type FormEvent } from 'react';
import { Client, fetchExchange } from 'urql';
import { GRAPHQL_PATH } from '../client';
import { apiError } from '../errors';
import { LoginMutation } from '../operations';
import { useSession } from '../session';

export function LoginPage() {
  const { signIn, notice } = useSession();
  const client = useMemo(() => new Client({ url: GRAPHQL_PATH, preferGetMethod: false, exchanges: [fetchExchange] }), []);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setMessage(null);
    const result = await client.mutation(LoginMutation, { username: username.trim(), password }).toPromise();
    setBusy(false);
    const error = apiError(result.error);
    if (result.data?.login) {
      signIn(result.data.login.token);
      return;
    }
    if (error?.code === 'RATE_LIMITED') setMessage('Too many failed logins. Wait 15 minutes and try again.');
    else if (error?.code === 'UNAUTHENTICATED' || error?.code === 'VALIDATION') setMessage('Wrong username or password.');
    else setMessage(error?.message ?? 'Login failed.');
  };

  return (
    <main className="centered login">
      <form onSubmit={onSubmit} aria-labelledby="login-title" className="card">
        <h1 id="login-title">Enclave</h1>
        <p className="muted">Failover clones: log in to continue.</p>
        {notice && <p role="status" className="notice">{notice}</p>}
        <label htmlFor="login-username">Username</label>
        <input id="login-username" name="username" autoComplete="username" required autoFocus value={username} onChange={(e) => setUsername(e.target.value)} />
        <label htmlFor="login-password">Password</label>
        <input id="login-password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        <div role="alert" className="error" id="login-error">{message}</div>
        <button type="submit" disabled={busy}>{busy ? 'Logging in…' : 'Log in'}</button>
      </form>
    </main>
  );
}
