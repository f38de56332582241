// RDP credentials of a clone: decrypted on request for roles allowed to connect, each reveal
// written to the audit trail first (see revealRdpCredentials).
import { builder } from '../builder.js';
import { revealRdpCredentials, type RdpCredentials as Credentials } from '../services/clones.js';

const RdpCredentials = builder.objectRef<Credentials>('RdpCredentials').implement({
  fields: (t) => ({
    host: t.exposeString('host', { nullable: true, description: "The clone VM's guest IP; null until the guest reports one." }),
    port: t.exposeInt('port'),
    username: t.exposeString('username'),
    password: t.exposeString('password'),
  }),
});

builder.prismaObjectFields('Clone', (t) => ({
  rdpCredentials: t.withAuth({ operator: true }).field({
    type: RdpCredentials,
    nullable: true,
    description: 'GLOBAL_ADMIN and MACHINE_ADMIN only. Each read is recorded as a `clone.rdp_revealed` event.',
    select: {
      id: true,
      status: true,
      rdpUsername: true,
      rdpPasswordEnc: true,
      machine: { select: { guestIp: true } },
    },
    resolve: (clone, _args, ctx) => revealRdpCredentials(ctx, ctx.user, clone, ctx.clientAddress),
  }),
}));
