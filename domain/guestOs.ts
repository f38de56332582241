/**
 * The guest OS family of a vSphere guest id (`VirtualMachineGuestOsIdentifier`, e.g.
 * `windows2019srv_64Guest`, `ubuntu64Guest`, `rhel9_64Guest`). Credentials follow the family:
 * a Windows image's customization sets an Administrator password, a Linux image's does not.
 * The migration that added the column applies the same rule to existing rows.
 */
export type GuestOsFamily = 'WINDOWS' | 'LINUX' | 'OTHER';

const LINUX = /(linux|rhel|centos|ubuntu|debian|sles|suse|oracle|photon|rocky|alma|fedora|coreos|asianux|amazon)/i;

export function guestOsFamilyOf(guestId: string): GuestOsFamily {
  if (/^win/i.test(guestId)) return 'WINDOWS';
  if (LINUX.test(guestId)) return 'LINUX';
  return 'OTHER';
}
