/**
 * Guest customization specs for clones: Sysprep for Windows guests (hostname and the local
 * Administrator password used for RDP), the Linux customization otherwise. DHCP on every NIC.
 */
import { typed, type XmlInputObject } from './xml.js';

export interface GuestCustomization {
  hostname: string;
  /** Windows: password of the local Administrator account (for RDP). Ignored for Linux guests. */
  adminPassword?: string;
  /** Windows: time zone index (Microsoft's table, default 85 = GMT). Linux: tz name such as "Europe/Berlin". */
  timeZone?: number | string;
  /** Linux: DNS domain of the guest (default "localdomain"). */
  domain?: string;
  /** Windows: workgroup to join (default "WORKGROUP"). */
  workgroup?: string;
  /** Windows: registered owner and organisation (defaults "Enclave"). */
  fullName?: string;
  orgName?: string;
  /** Windows: product key; empty uses the template's licensing (KMS / volume license). */
  productKey?: string;
}

/** NetBIOS names are at most 15 characters; DNS labels at most 63. Both: letters, digits, inner hyphens, not all digits. */
export function validateHostname(hostname: string, windows: boolean): void {
  const max = windows ? 15 : 63;
  if (!/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/.test(hostname) || hostname.length > max || /^\d+$/.test(hostname)) {
    throw new TypeError(
      `invalid ${windows ? 'Windows computer' : 'Linux host'} name ${JSON.stringify(hostname)}: use 1-${max} letters, digits and inner hyphens`,
    );
  }
}

/** Builds a CustomizationSpec (keys in WSDL order) for `nicCount` NICs, all on DHCP. */
export function buildCustomizationSpec(customization: GuestCustomization, windows: boolean, nicCount: number): XmlInputObject {
  validateHostname(customization.hostname, windows);
  const computerName = typed('CustomizationFixedName', { name: customization.hostname });
  const identity = windows
    ? typed('CustomizationSysprep', {
        guiUnattended: {
          password: customization.adminPassword ? { value: customization.adminPassword, plainText: true } : undefined,
          timeZone: typeof customization.timeZone === 'number' ? customization.timeZone : 85,
          autoLogon: false,
          autoLogonCount: 1,
        },
        userData: {
          fullName: customization.fullName ?? 'Enclave',
          orgName: customization.orgName ?? 'Enclave',
          computerName,
          productId: customization.productKey ?? '',
        },
        identification: { joinWorkgroup: customization.workgroup ?? 'WORKGROUP' },
      })
    : typed('CustomizationLinuxPrep', {
        hostName: computerName,
        domain: customization.domain ?? 'localdomain',
        timeZone: typeof customization.timeZone === 'string' ? customization.timeZone : undefined,
        hwClockUTC: true,
      });
  return {
    // A clone of a Windows template needs its own SID, or domain joins and WSUS misbehave.
    options: windows ? typed('CustomizationWinOptions', { changeSID: true, deleteAccounts: false }) : undefined,
    identity,
    globalIPSettings: {},
    nicSettingMap: Array.from({ length: nicCount }, () => ({ adapter: { ip: typed('CustomizationDhcpIpGenerator') } })),
  };
}
