// What each role may do, as the API's auth scopes (server/builder.ts) name it: one table, read by
// the API's scope-auth and by the web app (which asks the API for `me { role }` and hides what the
// role may not use). Pure.

export const ROLES = ['GLOBAL_ADMIN', 'MACHINE_ADMIN', 'DEVELOPER'] as const;
export type RoleName = (typeof ROLES)[number];

/**
 * The scopes: `authenticated` (anyone logged in: reads), `operator` (operate clones: failover,
 * snapshots, power actions, RDP credentials), `admin` (create and delete clones, users, configurations).
 */
export interface RoleScopes {
  authenticated: boolean;
  operator: boolean;
  admin: boolean;
}

export function scopesOf(role: RoleName | null | undefined): RoleScopes {
  return {
    authenticated: role != null,
    operator: role === 'GLOBAL_ADMIN' || role === 'MACHINE_ADMIN',
    admin: role === 'GLOBAL_ADMIN',
  };
}
