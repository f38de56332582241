// The logged-in user and what their role may do: the role comes from the API (`me { role }`), the
// table of what a role may do from domain/roles.ts, the same table the API's auth scopes use.
import { createContext, useContext } from 'react';
import { scopesOf, type RoleName, type RoleScopes } from '../../domain/roles';

export interface Me {
  id: string;
  username: string;
  name: string;
  role: RoleName;
}

export const MeContext = createContext<Me | null>(null);

export function useMe(): Me & { can: RoleScopes } {
  const me = useContext(MeContext);
  if (!me) throw new Error('useMe outside a signed-in page');
  return { ...me, can: scopesOf(me.role) };
}
