// What `npm run dev` prints once the stack is up: where each part answers (GraphQL, Temporal UI,
// vcsim, health and metrics of the API and the worker, traces) and the demo logins.
import { otlpEndpointConfigured } from '../../infra/telemetry.js';

export interface BannerFacts {
  ports: { api: number; temporalUi: number; worker: number };
  vcsimUrl: string;
  users: Array<{ username: string; password: string; role: string }>;
  env?: NodeJS.ProcessEnv;
}

export function devStackBanner({ ports, vcsimUrl, users, env = process.env }: BannerFacts): string {
  const api = `http://127.0.0.1:${ports.api}`;
  const worker = `http://127.0.0.1:${ports.worker}`;
  return `
Enclave is running.
  Web app (Clones page)   ${api}/  (rebuilt on every change in web/: reload the page)
  GraphQL API + GraphiQL  ${api}/graphql
  Temporal UI             http://127.0.0.1:${ports.temporalUi}
  vSphere (vcsim) SDK     ${vcsimUrl}
  API metrics             ${api}/metrics   (health: ${api}/healthz, ${api}/readyz)
  worker metrics          ${worker}/metrics   (health: ${worker}/healthz, ${worker}/readyz)
  traces                  ${otlpEndpointConfigured(env) ? `exported over OTLP to ${env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT}` : 'off (set OTEL_EXPORTER_OTLP_ENDPOINT to export them)'}
Demo logins (generated for this checkout, kept in .enclave/dev-state.json):
${users.map((u) => `  ${u.username.padEnd(10)} ${u.password.padEnd(18)} ${u.role}`).join('\n')}
Press Ctrl-C to stop.`;
}
