// RDP credentials of a clone: decrypted on request for roles allowed to connect, each reveal
// written to the audit trail first (see revealRdpCredentials). Offered only when a guest
// customization really set them and has finished; otherwise the answer says why.
import { builder } from '../builder.js';
import { VIEWER_DEPENDENT } from '../sharedEvents.js';
import { revealRdpCredentials, type RdpCredentials as Credentials } from '../services/clones.js';

const RemoteProtocol = builder.enumType('RemoteProtocol', {
  description: 'How a client connects to the clone guest.',
  values: { RDP: { description: 'Remote Desktop (Windows images).' }, SSH: { description: 'Secure Shell (Linux images).' } } as const,
});

const RdpCredentials = builder.objectRef<Credentials>('RdpCredentials').implement({
  description: "The clone guest's login, or why none is offered (`available: false` and `unavailableReason`).",
  fields: (t) => ({
    available: t.exposeBoolean('available', { description: 'Whether username and password are given (and work).' }),
    unavailableReason: t.exposeString('unavailableReason', {
      nullable: true,
      description: 'Why there is no login: a Linux or other non-Windows image (no customization sets one), or the Windows customization has not finished yet.',
    }),
    protocol: t.field({ type: RemoteProtocol, nullable: true, resolve: (c) => c.protocol }),
    host: t.exposeString('host', { nullable: true, description: "The clone VM's guest IP; null until the guest reports one." }),
    port: t.exposeInt('port', { nullable: true }),
    username: t.exposeString('username', { nullable: true }),
    password: t.exposeString('password', { nullable: true }),
  }),
});

builder.prismaObjectFields('Clone', (t) => ({
  rdpCredentials: t.withAuth({ operator: true }).field({
    type: RdpCredentials,
    nullable: true,
    description:
      'GLOBAL_ADMIN and MACHINE_ADMIN only. Each read that reveals a password is recorded as a `clone.rdp_revealed` event. ' +
      'Windows images only, once the guest customization has finished; otherwise `available: false` with the reason.',
    select: {
      id: true,
      status: true,
      rdpUsername: true,
      rdpPasswordEnc: true,
      guestCustomizedAt: true,
      image: { select: { guestOsFamily: true } },
      machine: { select: { guestIp: true } },
    },
    // Each reveal is recorded with who asked, from where: never shared between subscribers.
    extensions: VIEWER_DEPENDENT,
    resolve: (clone, _args, ctx) => revealRdpCredentials(ctx, ctx.user, clone, ctx.clientAddress),
  }),
}));
