// RDP credentials, revealed on demand (each reveal is a query the API records as a
// `clone.rdp_revealed` event, so nothing is fetched before the button is pressed, and the answer
// is never cached), with a button that copies the password.
import { useState } from 'react';
import { useClient } from 'urql';
import { apiError, type ApiError } from '../errors';
import { RdpCredentialsQuery } from '../operations';

interface Credentials {
  available: boolean;
  unavailableReason: string | null;
  protocol: string | null;
  host: string | null;
  port: number | null;
  username: string | null;
  password: string | null;
}

export function RdpCredentials({ cloneId }: { cloneId: string }) {
  const client = useClient();
  const [credentials, setCredentials] = useState<Credentials | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState('');

  const reveal = async () => {
    setBusy(true);
    setError(null);
    const result = await client.query(RdpCredentialsQuery, { id: cloneId }, { requestPolicy: 'network-only' }).toPromise();
    setBusy(false);
    const found = result.data?.clone?.rdpCredentials;
    if (found) setCredentials(found);
    else setError(apiError(result.error) ?? { code: 'NOT_FOUND', message: 'This clone has no credentials.', problems: [] });
  };
  const copy = async () => {
    if (!credentials?.password) return;
    try {
      await navigator.clipboard.writeText(credentials.password);
      setCopied('Password copied to the clipboard.');
    } catch {
      setCopied('The browser refused the clipboard: select the password and copy it.');
    }
  };

  if (!credentials) {
    return (
      <div>
        <p>Revealing the credentials is recorded in the audit trail with your name.</p>
        <button type="button" onClick={reveal} disabled={busy}>{busy ? 'Revealing…' : 'Reveal credentials'}</button>
        {error && <p role="alert" className="error">{error.message} ({error.code})</p>}
      </div>
    );
  }
  if (!credentials.available) {
    // A Linux or other non-Windows image (no customization sets a login), or Windows still
    // customizing: the API says which, and offers nothing that would not work.
    return (
      <p role="status" data-testid="rdp-unavailable">
        No login is offered{credentials.protocol ? ` (${credentials.protocol})` : ''}: {credentials.unavailableReason}
      </p>
    );
  }
  return (
    <div>
      <dl className="credentials">
        <dt>Host</dt><dd data-testid="rdp-host">{credentials.host ?? 'not known yet (no guest IP)'}{credentials.host ? `:${credentials.port}` : ''}</dd>
        <dt>Username</dt><dd data-testid="rdp-username">{credentials.username}</dd>
        <dt>Password</dt><dd><code data-testid="rdp-password">{credentials.password}</code></dd>
      </dl>
      <button type="button" onClick={copy}>Copy password</button>
      <p role="status">{copied}</p>
    </div>
  );
}
