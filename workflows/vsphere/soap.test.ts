// Unit tests of the pure layers (XML, envelopes, faults, errors, specs): no vcsim needed.
import { describe, expect, it } from 'vitest';
import { buildCustomizationSpec, validateHostname } from './customization.js';
import {
  DuplicateNameError,
  InsufficientResourcesError,
  InvalidLoginError,
  InvalidPowerStateError,
  isRetryableError,
  NotAuthenticatedError,
  NotFoundError,
  TaskFailedError,
  TimeoutError,
  TlsError,
  TransportError,
  VSphereError,
} from './errors.js';
import { computeCapacity, flattenSnapshots } from './inventory.js';
import { formatRef, parseRef, parseRefOfType } from './refs.js';
import { buildEnvelope, isSoapFault, localizedFaultToError, parseResponse } from './soap.js';
import { classifyNetworkError, normalizeThumbprint, sdkEndpoint } from './transport.js';
import type { HostInfo, VmInfo } from './types.js';
import { many, moRefXml, one, parseXml, refOf, textOf, toXml, typed, xsiType } from './xml.js';

const envelope = (body: string) =>
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" ' +
  'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" ' +
  `xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;

const fault = (type: string, detail = '', message = '') =>
  envelope(
    `<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>${message}</faultstring>` +
      `<detail><${type}Fault xmlns="urn:vim25" xsi:type="${type}">${detail}</${type}Fault></detail></soapenv:Fault>`,
  );

function faultError(xml: string): unknown {
  try {
    parseResponse('Anything', xml);
  } catch (error) {
    return error;
  }
  throw new Error('expected a fault');
}

describe('references', () => {
  it('formats and parses "Type:value"', () => {
    expect(formatRef({ type: 'VirtualMachine', value: 'vm-42' })).toBe('VirtualMachine:vm-42');
    expect(parseRef('VirtualMachine:vm-42')).toEqual({ type: 'VirtualMachine', value: 'vm-42' });
    expect(parseRef('Task:session[abc]x:y')).toEqual({ type: 'Task', value: 'session[abc]x:y' });
    expect(() => parseRef('vm-42')).toThrow(TypeError);
    expect(() => parseRef('VirtualMachine:')).toThrow(TypeError);
    expect(() => parseRefOfType('Network:network-1', 'VirtualMachine')).toThrow(/expected a VirtualMachine/);
  });
});

describe('XML serialization', () => {
  it('keeps key order, escapes text and attributes, repeats arrays and skips undefined', () => {
    const xml = toXml('spec', {
      '@xsi:type': 'Spec',
      name: 'a<b>&"c\'',
      skipped: undefined,
      ref: moRefXml({ type: 'Folder', value: 'group-"1"' }),
      item: [1, true, 'x'],
      nested: typed('Inner', { z: 1, a: 2 }),
    });
    expect(xml).toBe(
      '<spec xsi:type="Spec"><name>a&lt;b&gt;&amp;&quot;c&apos;</name><ref type="Folder">group-&quot;1&quot;</ref>' +
        '<item>1</item><item>true</item><item>x</item><nested xsi:type="Inner"><z>1</z><a>2</a></nested></spec>',
    );
  });

  it('builds an envelope with _this first', () => {
    const xml = buildEnvelope('PowerOnVM_Task', { type: 'VirtualMachine', value: 'vm-1' }, { host: undefined });
    expect(xml).toContain('<soapenv:Body><PowerOnVM_Task xmlns="urn:vim25"><_this type="VirtualMachine">vm-1</_this></PowerOnVM_Task></soapenv:Body>');
  });

  it('round-trips a parsed device unchanged (what the NIC edit relies on)', () => {
    const device =
      '<VirtualDevice xsi:type="VirtualVmxnet3"><key>4000</key><deviceInfo><label>NIC 1</label></deviceInfo>' +
      '<backing xsi:type="VirtualEthernetCardNetworkBackingInfo"><deviceName>VM Network</deviceName>' +
      '<network type="Network">network-6</network></backing><macAddress>00:50:56:aa:bb:cc</macAddress></VirtualDevice>';
    const parsed = one(parseXml(`<val xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">${device}</val>`), 'val');
    expect(toXml('VirtualDevice', one(parsed, 'VirtualDevice') as never)).toBe(device);
  });
});

describe('responses', () => {
  it('returns the returnval node, with MoRefs and xsi:types readable', () => {
    const xml = envelope(
      '<RetrievePropertiesExResponse xmlns="urn:vim25"><returnval><token>t1</token><objects><obj type="VirtualMachine">vm-1</obj>' +
        '<propSet><name>runtime.host</name><val xsi:type="ManagedObjectReference" type="HostSystem">host-1</val></propSet>' +
        '</objects><objects><obj type="VirtualMachine">vm-2</obj></objects></returnval></RetrievePropertiesExResponse>',
    );
    const returnval = parseResponse('RetrievePropertiesEx', xml);
    expect(textOf(returnval, 'token')).toBe('t1');
    const objects = many(returnval, 'objects');
    expect(objects).toHaveLength(2);
    expect(refOf(objects[0], 'obj')).toEqual({ type: 'VirtualMachine', value: 'vm-1' });
    const val = one(one(objects[0], 'propSet'), 'val');
    expect(xsiType(val)).toBe('ManagedObjectReference');
    expect(refOf(one(objects[0], 'propSet'), 'val')).toEqual({ type: 'HostSystem', value: 'host-1' });
  });

  it('returns undefined for void methods and rejects what is not SOAP', () => {
    expect(parseResponse('Logout', envelope('<LogoutResponse xmlns="urn:vim25"></LogoutResponse>'))).toBeUndefined();
    expect(faultError('<html><body>502 Bad Gateway</body></html>')).toMatchObject({ faultType: 'InvalidResponse' });
    expect(faultError(envelope('<OtherResponse/>'))).toMatchObject({ faultType: 'InvalidResponse' });
    expect(isSoapFault(fault('NotAuthenticated'))).toBe(true);
    expect(isSoapFault('<html/>')).toBe(false);
  });
});

describe('faults', () => {
  it('maps vim25 faults to typed errors with their retry classification', () => {
    const notFound = faultError(fault('ManagedObjectNotFound', '<obj type="VirtualMachine">vm-9</obj>', 'The object has already been deleted'));
    expect(notFound).toBeInstanceOf(NotFoundError);
    expect(notFound).toMatchObject({ faultType: 'ManagedObjectNotFound', retryable: false });
    expect((notFound as Error).message).toContain('VirtualMachine:vm-9');

    const cases: [string, abstract new (...args: never[]) => VSphereError, boolean][] = [
      ['InvalidPowerState', InvalidPowerStateError, false],
      ['DuplicateName', DuplicateNameError, false],
      ['InsufficientResourcesFault', InsufficientResourcesError, false],
      ['InsufficientMemoryResourcesFault', InsufficientResourcesError, false],
      ['NotEnoughCpus', InsufficientResourcesError, false],
      ['NotAuthenticated', NotAuthenticatedError, true],
      ['InvalidLogin', InvalidLoginError, false],
    ];
    for (const [type, errorClass, retryable] of cases) {
      const error = faultError(fault(type));
      expect(error, type).toBeInstanceOf(errorClass);
      expect(error, type).toMatchObject({ faultType: type, retryable });
    }
    expect(faultError(fault('TaskInProgress'))).toMatchObject({ faultType: 'TaskInProgress', retryable: true });
    expect(faultError(fault('InvalidArgument'))).toMatchObject({ faultType: 'InvalidArgument', retryable: false });
  });

  it('reads the fault type from the element name when xsi:type is missing, and survives a fault without detail', () => {
    const untyped = envelope(
      '<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>dup</faultstring>' +
        '<detail><DuplicateNameFault xmlns="urn:vim25"><name>x</name></DuplicateNameFault></detail></soapenv:Fault>',
    );
    expect(faultError(untyped)).toBeInstanceOf(DuplicateNameError);
    const bare = envelope('<soapenv:Fault><faultcode>soapenv:Client</faultcode><faultstring>Unable to parse</faultstring></soapenv:Fault>');
    expect(faultError(bare)).toMatchObject({ faultType: 'Client', message: 'Unable to parse', retryable: false });
  });

  it('turns a task LocalizedMethodFault into TaskFailedError with the typed cause', () => {
    const info = parseXml(
      '<error xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><fault xsi:type="InvalidPowerState">' +
        '<requestedState>poweredOff</requestedState><existingState>poweredOn</existingState></fault>' +
        '<localizedMessage>The attempted operation cannot be performed in the current state (Powered on).</localizedMessage></error>',
    );
    const { error, localizedMessage } = localizedFaultToError(one(info, 'error'));
    const failed = new TaskFailedError('Task:task-7', error, localizedMessage);
    expect(failed.cause).toBeInstanceOf(InvalidPowerStateError);
    expect(failed).toMatchObject({ faultType: 'InvalidPowerState', retryable: false, taskRef: 'Task:task-7' });
    expect(failed.message).toContain('Powered on');
  });

  it('classifies errors for Temporal', () => {
    expect(isRetryableError(new TimeoutError('slow'))).toBe(true);
    expect(isRetryableError(new TransportError('reset'))).toBe(true);
    expect(isRetryableError(new TlsError('bad cert', { code: 'X' }))).toBe(false);
    expect(isRetryableError(new TypeError('bug'))).toBe(false);
    expect(new TimeoutError('slow').name).toBe('TimeoutError');
  });

  it('classifies network failures', () => {
    const endpoint = new URL('https://vc.example/sdk');
    expect(classifyNetworkError(Object.assign(new Error('self-signed'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), endpoint)).toBeInstanceOf(TlsError);
    expect(classifyNetworkError(Object.assign(new Error('t'), { code: 'UND_ERR_HEADERS_TIMEOUT' }), endpoint)).toBeInstanceOf(TimeoutError);
    expect(classifyNetworkError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }), endpoint)).toBeInstanceOf(TransportError);
  });
});

describe('transport configuration', () => {
  it('normalises thumbprints and the SDK URL', () => {
    const hex = 'ab'.repeat(32);
    expect(normalizeThumbprint(hex)).toBe(Array(32).fill('AB').join(':'));
    expect(normalizeThumbprint(Array(32).fill('ab').join(':'))).toBe(Array(32).fill('AB').join(':'));
    expect(() => normalizeThumbprint('ab:cd')).toThrow(/64 hex digits/);
    expect(sdkEndpoint('https://vc.example').toString()).toBe('https://vc.example/sdk');
    expect(sdkEndpoint('https://vc.example/sdk').toString()).toBe('https://vc.example/sdk');
    expect(() => sdkEndpoint('https://u:p@vc.example/sdk')).toThrow(/credentials/);
  });
});

describe('guest customization', () => {
  it('builds Sysprep for Windows with the admin password, in WSDL order, one DHCP adapter per NIC', () => {
    const xml = toXml('customization', buildCustomizationSpec({ hostname: 'WIN-01', adminPassword: 'p<w>' }, true, 2));
    expect(xml).toMatch(
      /^<customization><options xsi:type="CustomizationWinOptions"><changeSID>true<\/changeSID>.*<identity xsi:type="CustomizationSysprep"><guiUnattended><password><value>p&lt;w&gt;<\/value><plainText>true<\/plainText><\/password><timeZone>85<\/timeZone>/,
    );
    expect(xml).toContain('<userData><fullName>Enclave</fullName><orgName>Enclave</orgName><computerName xsi:type="CustomizationFixedName"><name>WIN-01</name></computerName><productId></productId></userData>');
    expect(xml).toContain('<identification><joinWorkgroup>WORKGROUP</joinWorkgroup></identification>');
    expect(xml).toContain('<globalIPSettings></globalIPSettings>');
    expect(xml.match(/<nicSettingMap><adapter><ip xsi:type="CustomizationDhcpIpGenerator"><\/ip><\/adapter><\/nicSettingMap>/g)).toHaveLength(2);
  });

  it('builds LinuxPrep otherwise, without any password', () => {
    const xml = toXml('customization', buildCustomizationSpec({ hostname: 'app-01', adminPassword: 'ignored', timeZone: 'Etc/UTC' }, false, 1));
    expect(xml).toContain(
      '<identity xsi:type="CustomizationLinuxPrep"><hostName xsi:type="CustomizationFixedName"><name>app-01</name></hostName><domain>localdomain</domain><timeZone>Etc/UTC</timeZone><hwClockUTC>true</hwClockUTC></identity>',
    );
    expect(xml).not.toContain('ignored');
  });

  it('validates host names', () => {
    expect(() => validateHostname('sixteen-chars-xx', true)).toThrow(TypeError);
    expect(() => validateHostname('sixteen-chars-xx', false)).not.toThrow();
    expect(() => validateHostname('-bad', false)).toThrow(TypeError);
    expect(() => validateHostname('12345', false)).toThrow(TypeError);
  });
});

describe('derived inventory', () => {
  it('flattens the snapshot tree parents first and marks the current one', () => {
    const tree = parseXml(
      '<val><currentSnapshot type="VirtualMachineSnapshot">snapshot-2</currentSnapshot>' +
        '<rootSnapshotList><snapshot type="VirtualMachineSnapshot">snapshot-1</snapshot><vm type="VirtualMachine">vm-1</vm>' +
        '<name>root</name><description></description><id>1</id><createTime>2026-01-02T03:04:05Z</createTime><state>poweredOff</state><quiesced>false</quiesced>' +
        '<childSnapshotList><snapshot type="VirtualMachineSnapshot">snapshot-2</snapshot><vm type="VirtualMachine">vm-1</vm>' +
        '<name>child</name><description>d</description><id>2</id><createTime>2026-01-02T04:04:05Z</createTime><state>poweredOn</state><quiesced>true</quiesced>' +
        '</childSnapshotList></rootSnapshotList></val>',
    );
    expect(flattenSnapshots(one(tree, 'val'))).toEqual([
      { ref: 'VirtualMachineSnapshot:snapshot-1', vmRef: 'VirtualMachine:vm-1', name: 'root', description: '', createTime: '2026-01-02T03:04:05.000Z', powerState: 'poweredOff', quiesced: false, parentRef: undefined, isCurrent: false },
      { ref: 'VirtualMachineSnapshot:snapshot-2', vmRef: 'VirtualMachine:vm-1', name: 'child', description: 'd', createTime: '2026-01-02T04:04:05.000Z', powerState: 'poweredOn', quiesced: true, parentRef: 'VirtualMachineSnapshot:snapshot-1', isCurrent: true },
    ]);
  });

  it('computes capacity from usable hosts and powered-on VMs only', () => {
    const host = (name: string, extra: Partial<HostInfo> = {}): HostInfo => ({
      ref: `HostSystem:${name}`, name, clusterRef: undefined, computeResourceRef: undefined, connectionState: 'connected',
      inMaintenanceMode: false, powerState: 'poweredOn', cpuCores: 8, cpuMhz: 2000, memoryMb: 65536, usedCpuMhz: 4000, usedMemoryMb: 16384, ...extra,
    });
    const vm = (cpu: number, memoryMb: number, extra: Partial<VmInfo> = {}) => ({ cpu, memoryMb, powerState: 'poweredOn', isTemplate: false, ...extra }) as VmInfo;
    const capacity = computeCapacity(
      [host('a'), host('b'), host('maint', { inMaintenanceMode: true }), host('gone', { connectionState: 'disconnected' })],
      [vm(4, 8192), vm(2, 4096), vm(8, 8192, { powerState: 'poweredOff' }), vm(2, 2048, { isTemplate: true })],
    );
    expect(capacity).toEqual({
      cpuCores: { total: 16, used: 4, allocated: 6, free: 10, unused: 12 },
      memoryMb: { total: 131072, used: 32768, allocated: 12288, free: 118784, unused: 98304 },
      hostCount: 2,
      poweredOnVmCount: 2,
    });
    expect(computeCapacity([host('a', { cpuCores: 2 })], [vm(4, 1)]).cpuCores.free).toBe(0);
  });
});
