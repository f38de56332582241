/**
 * Test support: runs govmomi's vcsim (the vSphere API simulator) as a child process, and sets the
 * guest facts vcsim does not simulate. Only tests and the local lab use this module.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect as tlsConnect } from 'node:tls';
import { VSphereClient, type VSphereClientOptions } from '../client.js';
import type { Logger } from '../logger.js';
import { formatRef, parseRef } from '../refs.js';
import { moRefXml, toRef, typed } from '../xml.js';

export interface VcsimOptions {
  /** Path of the vcsim binary (the project's scripts install it: scripts/lib/tools.mjs). */
  binary: string;
  /** vcsim -method-delay, e.g. "CloneVM_Task:3000" or, for the task body itself, "CloneVm:3000". */
  methodDelay?: string;
  /** Extra vcsim flags, e.g. ['-cluster', '2']. */
  args?: string[];
  /** Listen port on 127.0.0.1; default 0 (any free port). */
  port?: number;
  /** The login's password (default: a random one); a restart on the same port keeps the old one. */
  password?: string;
  /** How long to wait for vcsim to print its URL and answer (default 30 s). */
  startTimeoutMs?: number;
}

export interface Vcsim {
  /** https://127.0.0.1:<port>/sdk, without credentials. */
  url: string;
  username: string;
  password: string;
  /** SHA-256 fingerprint of vcsim's (self-signed) certificate, read from the server. */
  thumbprintSha256?: string;
  /** The certificate in PEM, to test verification with a CA bundle. */
  certificatePem?: string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Kills every vcsim still running when this process exits, even if a test forgot stop(). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

async function readCertificate(host: string, port: number): Promise<{ thumbprint: string; pem: string }> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host, port, rejectUnauthorized: false }, () => {
      const certificate = socket.getPeerCertificate();
      socket.end();
      const base64 = certificate.raw.toString('base64').match(/.{1,64}/g)!.join('\n');
      resolve({ thumbprint: certificate.fingerprint256, pem: `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n` });
    });
    socket.once('error', reject);
  });
}

export async function startVcsim(options: VcsimOptions): Promise<Vcsim> {
  const { binary } = options;
  const username = 'enclave';
  const password = options.password ?? randomBytes(12).toString('base64url');
  const args = [
    '-l', `127.0.0.1:${options.port ?? 0}`,
    '-username', username,
    '-password', password,
    // vcsim exits when its stdin closes, so it cannot outlive this process even after a SIGKILL.
    '-stdinexit',
    ...(options.methodDelay ? ['-method-delay', options.methodDelay] : []),
    ...(options.args ?? []),
  ];
  const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  running.add(child);
  installExitHook();

  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => running.delete(child));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };

  try {
    const sdkUrl = await new Promise<URL>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`vcsim did not start within ${options.startTimeoutMs ?? 30_000} ms:\n${output}`)),
        options.startTimeoutMs ?? 30_000,
      );
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /GOVC_URL=(\S+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(new URL(match[1]!));
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-20_000);
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`vcsim exited early (${code ?? signal}):\n${output}`));
      });
    });
    // The URL is printed once the listener is up; reading the certificate proves it answers.
    const { thumbprint, pem } = await readCertificate(sdkUrl.hostname, Number(sdkUrl.port));
    sdkUrl.username = '';
    sdkUrl.password = '';
    return { url: sdkUrl.toString(), username, password, thumbprintSha256: thumbprint, certificatePem: pem, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export interface GuestFacts {
  ipAddress?: string;
  /** guestToolsRunning or guestToolsNotRunning. */
  toolsRunningStatus?: string;
}

/**
 * Makes vcsim report guest facts, through its `SET.<property>` extraConfig convention (vcsim
 * assigns the property instead of storing the key). Against a real vCenter this would only add
 * meaningless extraConfig entries, which is why product code never calls it.
 */
export async function setGuestInfo(client: VSphereClient, ref: string, facts: GuestFacts): Promise<void> {
  const option = (key: string, value: string | undefined) =>
    value === undefined ? undefined : typed('OptionValue', { key, value: typed('xsd:string', { '#text': value }) });
  const extraConfig = [option('SET.guest.ipAddress', facts.ipAddress), option('SET.guest.toolsRunningStatus', facts.toolsRunningStatus)].filter(
    (entry) => entry !== undefined,
  );
  if (extraConfig.length === 0) return;
  const task = toRef(await client.call('ReconfigVM_Task', ref, { spec: { extraConfig } }));
  if (!task) throw new Error('ReconfigVM_Task returned no task');
  await client.waitForTask(formatRef(task));
}

/**
 * Posts a guest customization event for the VM, as vCenter does when a guest runs its
 * customization (vcsim v0.46.3 ignores a clone spec's customization, so it never posts them itself
 * for Enclave's clones). Lab and tests only.
 */
export async function postCustomizationEvent(
  client: VSphereClient,
  vm: { ref: string; name: string },
  type: 'CustomizationStartedEvent' | 'CustomizationSucceeded' | 'CustomizationSysprepFailed',
): Promise<void> {
  const { eventManager } = await client.login();
  if (!eventManager) throw new Error('vcsim has no EventManager');
  await client.call('PostEvent', formatRef(eventManager), {
    eventToPost: typed(type, {
      key: 0,
      chainId: 0,
      createdTime: new Date().toISOString(),
      userName: '',
      vm: { name: vm.name, vm: moRefXml(parseRef(vm.ref)) },
      template: false,
    }),
  });
}

export interface LogEntry {
  level: keyof Logger;
  message: string;
  fields: Record<string, unknown> | undefined;
}

/** A Logger that keeps what it is told, so tests can assert on warnings and logins. */
export function recordingLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const record = (level: keyof Logger) => (message: string, fields?: Record<string, unknown>) => {
    entries.push({ level, message, fields });
  };
  return { entries, debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
}

/** A client for a running vcsim, trusting its certificate by thumbprint. */
export function connectToVcsim(sim: Pick<Vcsim, 'url' | 'username' | 'password' | 'thumbprintSha256'>, options: Partial<VSphereClientOptions> = {}): VSphereClient {
  return new VSphereClient({
    url: sim.url,
    username: sim.username,
    password: sim.password,
    tls: { thumbprintSha256: sim.thumbprintSha256 },
    logger: recordingLogger(),
    progressIntervalMs: 1000,
    ...options,
  });
}
