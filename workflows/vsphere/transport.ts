/**
 * HTTPS transport to vCenter's /sdk endpoint: one undici Agent per client (so one connection pool
 * per worker process) for calls, and one for long polls, TLS policy, per-request deadlines, and
 * classification of network failures. Long polls (WaitForUpdatesEx: every task and guest wait)
 * hold their connection for up to their wait time; in the calls' pool, 8 concurrent waits took
 * every connection and each other call queued behind them for seconds (issue 16: 50 clones
 * provisioned at once mostly timed out waiting for their guests).
 */
import type { TLSSocket } from 'node:tls';
import { Agent, buildConnector, request } from 'undici';
import { TimeoutError, TlsError, TransportError, VSphereError } from './errors.js';
import type { Logger } from './logger.js';
import { isSoapFault } from './soap.js';

export interface TlsOptions {
  /** Labs only: accept any certificate. Logged as a warning every time a client is created. */
  insecure?: boolean;
  /** PEM CA bundle to verify vCenter's certificate with (the VMCA root, typically), instead of the system store. */
  caPem?: string;
  /**
   * Pinned SHA-256 fingerprint of vCenter's certificate ("AB:CD:..." or plain hex). Trusts exactly
   * that certificate, whoever issued it, as `govc -thumbprint` does; combined with caPem both must pass.
   */
  thumbprintSha256?: string;
}

export interface TransportOptions {
  url: string;
  tls?: TlsOptions;
  logger: Logger;
  requestTimeoutMs: number;
  /** Upper bound of concurrent HTTP connections to vCenter from this process for calls (default 8). */
  maxConnections?: number;
  /** Upper bound of concurrent long polls (default 256; each is one idle connection while it waits). */
  maxLongPolls?: number;
}

export interface SoapExchange {
  /** Response body; for HTTP 500 it holds the SOAP fault. */
  body: string;
  /** Value of the vmware_soap_session cookie when the server set one (Login). */
  sessionCookie: string | undefined;
}

const SESSION_COOKIE = 'vmware_soap_session';

/** Accepts "ab:cd:..", "AB CD ..", "abcd..." and returns Node's fingerprint256 format, "AB:CD:...". */
export function normalizeThumbprint(thumbprint: string): string {
  const hex = thumbprint.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
  if (hex.length !== 64) {
    throw new TypeError('tls.thumbprintSha256 must be a SHA-256 fingerprint (64 hex digits)');
  }
  return hex.match(/../g)!.join(':');
}

/** Normalises the configured URL to the SOAP endpoint: "https://vc" and "https://vc/sdk" both mean https://vc/sdk. */
export function sdkEndpoint(url: string): URL {
  const endpoint = new URL(url);
  if (endpoint.username || endpoint.password) {
    throw new TypeError('put the vSphere credentials in username/password, not in the URL');
  }
  if (!endpoint.pathname.endsWith('/sdk')) endpoint.pathname = endpoint.pathname.replace(/\/?$/, '/sdk');
  return endpoint;
}

function createAgent(options: TransportOptions, connections: number): Agent {
  const tls = options.tls ?? {};
  if (tls.insecure) return new Agent({ connections, connect: { rejectUnauthorized: false } });
  if (!tls.thumbprintSha256) {
    return new Agent({ connections, connect: tls.caPem ? { ca: tls.caPem } : {} });
  }

  const pin = normalizeThumbprint(tls.thumbprintSha256);
  // A pin replaces chain verification unless a CA is also given. Sessions are not cached so that
  // every connection presents, and is checked against, the full certificate.
  const base = buildConnector({
    rejectUnauthorized: Boolean(tls.caPem),
    ...(tls.caPem ? { ca: tls.caPem } : {}),
    maxCachedSessions: 0,
  });
  const connect: buildConnector.connector = (connectOptions, callback) => {
    base(connectOptions, (error, socket) => {
      if (error) return callback(error, null);
      const presented = (socket as TLSSocket).getPeerCertificate?.().fingerprint256;
      if (presented !== pin) {
        socket!.destroy();
        return callback(
          new TlsError(`vCenter certificate thumbprint ${presented ?? '(none)'} does not match the pinned ${pin}`, {
            code: 'CERT_THUMBPRINT_MISMATCH',
          }),
          null,
        );
      }
      callback(null, socket!);
    });
  };
  return new Agent({ connections, connect });
}

const TLS_CODE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS|ERR_SSL|HOSTNAME/;
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/** Maps what undici/Node throw to our typed errors. */
export function classifyNetworkError(error: unknown, endpoint: URL): VSphereError {
  if (error instanceof VSphereError) return error;
  const code = (error as { code?: unknown })?.code;
  const codeText = typeof code === 'string' ? code : '';
  const message = error instanceof Error ? error.message : String(error);
  if (TLS_CODE.test(codeText)) {
    return new TlsError(`TLS verification of ${endpoint.host} failed: ${message}`, { code: codeText, cause: error });
  }
  if (TIMEOUT_CODES.has(codeText)) {
    return new TimeoutError(`request to ${endpoint.host} timed out (${codeText})`, { cause: error });
  }
  return new TransportError(`request to ${endpoint.host} failed: ${message}${codeText ? ` (${codeText})` : ''}`, {
    cause: error,
  });
}

export class SoapTransport {
  readonly endpoint: URL;
  private readonly agent: Agent;
  private readonly longPollAgent: Agent;
  readonly requestTimeoutMs: number;

  constructor(options: TransportOptions) {
    this.endpoint = sdkEndpoint(options.url);
    this.requestTimeoutMs = options.requestTimeoutMs;
    if (options.tls?.insecure) {
      options.logger.warn('TLS certificate verification is DISABLED for vSphere (tls.insecure); use only in labs', { url: options.url });
    }
    this.agent = createAgent(options, options.maxConnections ?? 8);
    this.longPollAgent = createAgent(options, options.maxLongPolls ?? 256);
  }

  /**
   * POSTs one envelope. Returns the body for 200 and for SOAP faults (HTTP 500); throws
   * TransportError for other statuses (a 502/503 from the reverse proxy while vpxd restarts) and
   * for network failures.
   */
  async send(
    envelope: string,
    options: { soapAction: string; cookie?: string; timeoutMs?: number; signal?: AbortSignal; longPoll?: boolean },
  ): Promise<SoapExchange> {
    const timeout = options.timeoutMs ?? this.requestTimeoutMs;
    let response;
    try {
      response = await request(this.endpoint, {
        method: 'POST',
        dispatcher: options.longPoll ? this.longPollAgent : this.agent,
        headers: {
          'content-type': 'text/xml; charset=utf-8',
          soapaction: options.soapAction,
          'user-agent': 'enclave-vsphere',
          ...(options.cookie ? { cookie: `${SESSION_COOKIE}=${options.cookie}` } : {}),
        },
        body: envelope,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw classifyNetworkError(error, this.endpoint);
    }

    let body: string;
    try {
      body = await response.body.text();
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw classifyNetworkError(error, this.endpoint);
    }

    const status = response.statusCode;
    if (status !== 200 && !(status === 500 && isSoapFault(body))) {
      const detail = `${this.endpoint.host} answered HTTP ${status}`;
      if (status >= 500) throw new TransportError(detail, { statusCode: status });
      throw new VSphereError(detail, { faultType: 'HttpStatus', retryable: false });
    }
    return { body, sessionCookie: readSessionCookie(response.headers['set-cookie']) };
  }

  async close(): Promise<void> {
    await Promise.all([this.agent.close(), this.longPollAgent.close()]);
  }
}

function readSessionCookie(header: string | string[] | undefined): string | undefined {
  for (const cookie of [header ?? []].flat()) {
    if (cookie.startsWith(`${SESSION_COOKIE}=`)) {
      return cookie.slice(SESSION_COOKIE.length + 1).split(';')[0];
    }
  }
  return undefined;
}
