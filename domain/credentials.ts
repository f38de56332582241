// Which clones are offered a login, and why not: credentials are offered only when a guest
// customization really set them and has finished (DESIGN.md §2 "RDP credentials"). Pure.
import type { GuestOsFamily } from './guestOs.js';

/** Why the clone has no credentials to offer now, or null when it has. */
export function credentialsUnavailable(clone: { guestCustomizedAt: Date | null; image: { guestOsFamily: GuestOsFamily } }): string | null {
  switch (clone.image.guestOsFamily) {
    case 'LINUX':
      return (
        'Linux image: its guest customization (LinuxPrep) sets the host name and network, not a password, so Enclave ' +
        'generates no login; use the accounts or SSH keys built into the image'
      );
    case 'OTHER':
      return "the image's guest OS is neither Windows nor Linux: no guest customization sets a login";
    case 'WINDOWS':
      return clone.guestCustomizedAt ? null : 'the guest customization (Sysprep) has not finished: the generated password is not set yet';
  }
}
