/**
 * One vSphere session (one vmware_soap_session cookie) shared by every call of a client.
 *
 * A worker process creates one client and runs many activities on it at once, so:
 * - calls run concurrently on the same cookie;
 * - when vCenter says NotAuthenticated (idle timeout, vpxd restart, an admin terminating the
 *   session) the call logs in again and is repeated once; concurrent callers that hit the same
 *   dead session share one Login instead of each creating a session;
 * - calls that are safe to repeat are retried with backoff on network errors and 5xx answers.
 */
import { NotAuthenticatedError, TimeoutError, TransportError, VSphereError } from './errors.js';
import { inSpan, noMetrics, outcomeOf, type VSphereMetrics } from './instrumentation.js';
import type { Logger } from './logger.js';
import { formatRef, type MoRef } from './refs.js';
import { buildEnvelope, parseResponse } from './soap.js';
import type { SoapTransport } from './transport.js';
import { one, refOf, textOf, type XmlInputObject, type XmlNode } from './xml.js';

export interface ServiceContent {
  rootFolder: MoRef;
  propertyCollector: MoRef;
  viewManager: MoRef;
  sessionManager: MoRef;
  searchIndex: MoRef;
  /** Absent on a standalone ESXi host (it keeps no event history). */
  eventManager: MoRef | undefined;
  apiType: string;
  apiVersion: string;
  fullName: string;
}

export interface CallOptions {
  /** Safe to send again when the outcome is unknown (reads, property retrievals); task-starting calls are not. */
  idempotent?: boolean;
  /** Per-request deadline; long polls (WaitForUpdatesEx) pass more than their wait time. */
  timeoutMs?: number;
  /**
   * Inspects a successful answer and may throw NotAuthenticatedError, for the case where a server
   * reports a dead session inside the result (vcsim's RetrievePropertiesEx MissingSet).
   */
  check?: (returnval: XmlNode | undefined) => void;
  /** Aborts the HTTP request (and the call fails with the signal's reason). */
  signal?: AbortSignal;
  /** A long poll (WaitForUpdatesEx): sent on connections of its own, so waits never queue short calls. */
  longPoll?: boolean;
}

export interface RetryPolicy {
  /** Attempts in total for idempotent calls (1 = no retry). */
  attempts: number;
  /** First backoff delay; each further delay triples, with jitter. */
  baseDelayMs: number;
}

/** The newest vim25 version this client is written against; older servers are spoken to in their own version. */
export const PREFERRED_API_VERSION = '8.0.1.0';

const SERVICE_INSTANCE: MoRef = { type: 'ServiceInstance', value: 'ServiceInstance' };

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class SoapSession {
  private serviceContent: ServiceContent | undefined;
  private apiVersion = PREFERRED_API_VERSION;
  private cookie: string | undefined;
  private key: string | undefined;
  private loginInFlight: Promise<void> | undefined;
  /** Increases with every Login; session-scoped objects (views, collectors) die with their generation. */
  private generationCounter = 0;

  constructor(
    private readonly transport: SoapTransport,
    private readonly credentials: { username: string; password: string },
    private readonly logger: Logger,
    private readonly retry: RetryPolicy,
    readonly metrics: VSphereMetrics = noMetrics,
  ) {}

  /** The default per-request deadline; long polls add their wait time to it. */
  get requestTimeoutMs(): number {
    return this.transport.requestTimeoutMs;
  }

  get generation(): number {
    return this.generationCounter;
  }

  /** The server's key of the current session (what SessionManager.TerminateSession takes). */
  get sessionKey(): string | undefined {
    return this.key;
  }

  get content(): ServiceContent {
    if (!this.serviceContent) throw new Error('vSphere session not connected yet; call login() first');
    return this.serviceContent;
  }

  /** Logs in unless a session exists (or a login is under way); returns the service content. */
  async ensureLoggedIn(): Promise<ServiceContent> {
    if (this.loginInFlight) await this.loginInFlight;
    if (!this.cookie) await this.startLogin();
    return this.content;
  }

  async logout(): Promise<void> {
    if (this.loginInFlight) await this.loginInFlight.catch(() => undefined);
    const cookie = this.cookie;
    if (!cookie || !this.serviceContent) return;
    this.cookie = undefined;
    this.key = undefined;
    try {
      await this.exchange('Logout', this.serviceContent.sessionManager, {}, { cookie });
    } catch (error) {
      // A session that is already gone needs no logout.
      if (!(error instanceof NotAuthenticatedError)) throw error;
    }
    this.logger.info('vSphere session closed', { url: this.transport.endpoint.origin });
  }

  /** Invokes a vim25 method with the shared session, renewing it once if vCenter no longer knows it. */
  async call(method: string, thisRef: MoRef, args: XmlInputObject = {}, options: CallOptions = {}): Promise<XmlNode | undefined> {
    await this.ensureLoggedIn();
    const cookie = this.cookie;
    try {
      return await this.exchange(method, thisRef, args, { ...options, cookie });
    } catch (error) {
      if (!(error instanceof NotAuthenticatedError)) throw error;
      this.logger.info('vSphere session no longer valid; logging in again', { method });
      await this.renew(cookie);
      return await this.exchange(method, thisRef, args, { ...options, cookie: this.cookie });
    }
  }

  /**
   * Runs a multi-call read that uses session-scoped objects (a container view, a private property
   * collector). If the session was renewed while it ran, those objects died with the old session,
   * so the whole sequence is run once more.
   */
  async run<T>(sequence: () => Promise<T>): Promise<T> {
    await this.ensureLoggedIn();
    const generation = this.generation;
    try {
      return await sequence();
    } catch (error) {
      if (this.generation === generation || !(error instanceof VSphereError)) throw error;
      this.logger.debug('repeating a read interrupted by a session renewal', { error: error.message });
      return await sequence();
    }
  }

  private async renew(staleCookie: string | undefined): Promise<void> {
    if (this.loginInFlight) return this.loginInFlight;
    // Another caller already replaced the session this call used.
    if (this.cookie !== undefined && this.cookie !== staleCookie) return;
    this.cookie = undefined;
    return this.startLogin();
  }

  private startLogin(): Promise<void> {
    this.loginInFlight ??= this.login().finally(() => {
      this.loginInFlight = undefined;
    });
    return this.loginInFlight;
  }

  private async login(): Promise<void> {
    if (!this.serviceContent) await this.retrieveServiceContent();
    const content = this.content;
    const { returnval, sessionCookie } = await this.exchangeRaw(
      'Login',
      content.sessionManager,
      { userName: this.credentials.username, password: this.credentials.password },
      { idempotent: true },
    );
    if (!sessionCookie) {
      throw new VSphereError('vCenter accepted the login but set no vmware_soap_session cookie', {
        faultType: 'InvalidResponse',
        retryable: false,
      });
    }
    this.cookie = sessionCookie;
    this.key = textOf(returnval, 'key');
    this.generationCounter++;
    this.logger.info('vSphere session established', {
      url: this.transport.endpoint.origin,
      user: this.credentials.username,
      server: content.fullName,
      apiVersion: this.apiVersion,
    });
  }

  private async retrieveServiceContent(): Promise<void> {
    const { returnval } = await this.exchangeRaw('RetrieveServiceContent', SERVICE_INSTANCE, {}, { idempotent: true });
    const ref = (name: string): MoRef => {
      const value = refOf(returnval, name);
      if (!value) {
        throw new VSphereError(`ServiceContent has no ${name}; is this a vCenter?`, { faultType: 'InvalidResponse', retryable: false });
      }
      return value;
    };
    const aboutNode = one(returnval, 'about');
    const serverVersion = textOf(aboutNode, 'apiVersion') ?? PREFERRED_API_VERSION;
    this.apiVersion = compareVersions(serverVersion, PREFERRED_API_VERSION) < 0 ? serverVersion : PREFERRED_API_VERSION;
    this.serviceContent = {
      rootFolder: ref('rootFolder'),
      propertyCollector: ref('propertyCollector'),
      viewManager: ref('viewManager'),
      sessionManager: ref('sessionManager'),
      searchIndex: ref('searchIndex'),
      eventManager: refOf(returnval, 'eventManager'),
      apiType: textOf(aboutNode, 'apiType') ?? '',
      apiVersion: serverVersion,
      fullName: textOf(aboutNode, 'fullName') ?? '',
    };
  }

  private async exchange(
    method: string,
    thisRef: MoRef,
    args: XmlInputObject,
    options: CallOptions & { cookie?: string | undefined },
  ): Promise<XmlNode | undefined> {
    return (await this.exchangeRaw(method, thisRef, args, options)).returnval;
  }

  /** One request, in a span and timed by method and outcome (never its arguments: Login carries the password). */
  private async exchangeRaw(
    method: string,
    thisRef: MoRef,
    args: XmlInputObject,
    options: CallOptions & { cookie?: string | undefined },
  ): Promise<{ returnval: XmlNode | undefined; sessionCookie: string | undefined }> {
    const started = performance.now();
    const attributes = { 'rpc.system': 'vsphere-soap', 'rpc.method': method, 'vsphere.object': formatRef(thisRef) };
    return inSpan(`vsphere ${method}`, attributes, async () => {
      try {
        const result = await this.exchangeWithRetries(method, thisRef, args, options);
        this.metrics.call(method, 'ok', (performance.now() - started) / 1000);
        return result;
      } catch (error) {
        this.metrics.call(method, outcomeOf(error), (performance.now() - started) / 1000);
        throw error;
      }
    });
  }

  /** One request, with backoff retries when the call is idempotent and the failure transient. */
  private async exchangeWithRetries(
    method: string,
    thisRef: MoRef,
    args: XmlInputObject,
    options: CallOptions & { cookie?: string | undefined },
  ): Promise<{ returnval: XmlNode | undefined; sessionCookie: string | undefined }> {
    const envelope = buildEnvelope(method, thisRef, args);
    const attempts = options.idempotent ? Math.max(1, this.retry.attempts) : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await this.transport.send(envelope, {
          soapAction: `urn:vim25/${this.apiVersion}`,
          ...(options.cookie ? { cookie: options.cookie } : {}),
          ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.longPoll ? { longPoll: true } : {}),
        });
        const returnval = parseResponse(method, response.body);
        options.check?.(returnval);
        return { returnval, sessionCookie: response.sessionCookie };
      } catch (error) {
        const transient = error instanceof TransportError || error instanceof TimeoutError;
        if (!transient || attempt >= attempts) throw error;
        const delay = this.retry.baseDelayMs * 3 ** (attempt - 1) * (0.75 + Math.random() / 2);
        this.logger.warn('vSphere request failed; retrying', {
          method,
          object: formatRef(thisRef),
          attempt,
          delayMs: Math.round(delay),
          error: error.message,
        });
        await sleep(delay);
      }
    }
  }
}
