// RDP credentials of a clone: decrypted on request for roles allowed to connect, and every
// reveal written to the audit trail first (who, which clone, from where; never the password).
import { invalidState } from '../../domain/errors.js';
import { recordEvent } from '../../infra/events.js';
import { decryptSecret } from '../../infra/secrets.js';
import { builder } from '../builder.js';

export const RDP_PORT = 3389;

interface Credentials {
  host: string | null;
  port: number;
  username: string;
  password: string;
}

const RdpCredentials = builder.objectRef<Credentials>('RdpCredentials').implement({
  fields: (t) => ({
    host: t.exposeString('host', { nullable: true, description: "The clone VM's guest IP; null until the guest reports one." }),
    port: t.exposeInt('port'),
    username: t.exposeString('username'),
    password: t.exposeString('password'),
  }),
});

builder.prismaObjectField('Clone', 'rdpCredentials', (t) =>
  t.field({
    type: RdpCredentials,
    nullable: true,
    description: 'GLOBAL_ADMIN and MACHINE_ADMIN only. Each read is recorded as a `clone.rdp_revealed` event.',
    authScopes: { operator: true },
    select: {
      id: true,
      status: true,
      rdpUsername: true,
      rdpPasswordEnc: true,
      machine: { select: { guestIp: true } },
    },
    resolve: async (clone, _args, ctx) => {
      if (clone.status === 'DELETING' || clone.status === 'DELETED') {
        throw invalidState(`the clone is ${clone.status}: its VM is gone`);
      }
      // Recorded before decrypting: a reveal that could not be audited does not happen.
      await recordEvent(ctx.prisma, {
        actor: { kind: 'USER', userId: ctx.user!.id },
        subjectType: 'Clone',
        subjectId: clone.id,
        cloneId: clone.id,
        type: 'clone.rdp_revealed',
        data: { username: clone.rdpUsername, clientAddress: ctx.clientAddress },
      });
      return {
        host: clone.machine?.guestIp ?? null,
        port: RDP_PORT,
        username: clone.rdpUsername,
        password: decryptSecret(clone.rdpPasswordEnc, ctx.settings.secretKey),
      };
    },
  }),
);
