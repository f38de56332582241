// Bad input, table-driven: every mutation and every argument-taking query is sent malformed,
// empty, blank, too long, mistyped, control/NUL/bidi-laden, SQL- and markup-flavoured arguments,
// IDs of no object or of another type, and pages that make no sense. Each must be refused with its
// code and the argument path in `extensions.field`, and change nothing: the row count of every
// table and the VMs in vcsim are the same before and after.
import { randomUUID } from 'node:crypto';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_LIST_LENGTH, MAX_PAGE_SIZE, MAX_RANGE_BOUND, MAX_STRING_LENGTH } from '../domain/input.js';
import { gql, loginAs, wsClient } from './support/graphql.js';
import { startTestStack, type TestStack } from './support/stack.js';

interface Case {
  operation: string;
  label: string;
  query: string;
  variables: Record<string, unknown>;
  code: string;
  field: string;
  /** The operation may reach vSphere: compare the inventory too. */
  vsphere?: boolean;
}

let stack: TestStack;
let token: string;
let countSql: string;

/**
 * Real IDs of each type, so a case can send an ID of the wrong type or a valid one beside a bad
 * one. The cases are listed before the stack exists: they hold `@@Typename` placeholders, which
 * `withRealIds` replaces when the case runs.
 */
const realIds: Record<string, string> = {};
const ids = new Proxy({} as Record<string, string>, { get: (_target, typename: string) => `@@${typename}` });

function withRealIds(value: unknown): unknown {
  if (typeof value === 'string' && value.startsWith('@@')) return realIds[value.slice(2)] ?? value;
  if (Array.isArray(value)) return value.map(withRealIds);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withRealIds(v)]));
  return value;
}
const missing = (typename: string) => encodeGlobalID(typename, randomUUID());

beforeAll(async () => {
  stack = await startTestStack();
  token = await loginAs(stack.api.url, 'admin', stack.users.admin.password);
  const tables = await stack.prisma.$queryRawUnsafe<{ tablename: string }[]>(
    `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT LIKE '\\_prisma%' ORDER BY tablename`,
  );
  countSql = tables.map((t) => `SELECT '${t.tablename}' AS t, count(*)::int AS n FROM "${t.tablename}"`).join(' UNION ALL ');
  realIds.VmImage = encodeGlobalID('VmImage', stack.seed.imageIds[0]!);
  realIds.Network = encodeGlobalID('Network', stack.seed.networkIds[0]!);
  realIds.Machine = encodeGlobalID('Machine', stack.seed.primaryMachineIds[0]!);
  realIds.Configuration = encodeGlobalID('Configuration', stack.seed.configurationIds[0]!);
  realIds.Application = encodeGlobalID('Application', stack.seed.applicationId);
  const admin = await stack.prisma.user.findUniqueOrThrow({ where: { username: 'admin' } });
  realIds.User = encodeGlobalID('User', admin.id);
  // Onboarding: the seed recorded what vcsim shows as discovered, linked to the primaries and images it made.
  const discovered = await stack.prisma.discoveredVm.findMany();
  const registeredVm = discovered.find((vm) => vm.machineId === stack.seed.primaryMachineIds[0])!;
  realIds.RegisteredVm = encodeGlobalID('DiscoveredVm', registeredVm.id);
  realIds.RegisteredTemplate = encodeGlobalID('DiscoveredVm', discovered.find((vm) => vm.isTemplate && vm.imageId)!.id);
  // A VM vSphere no longer shows (the sync marked it gone), and a template no application has yet.
  const gone = await stack.prisma.discoveredVm.create({
    data: { vsphereRef: 'vm-vanished', name: 'vanished-vm', isTemplate: false, cpu: 1, ramGb: 1, goneAt: new Date() },
  });
  realIds.GoneVm = encodeGlobalID('DiscoveredVm', gone.id);
  const goneTemplate = await stack.prisma.discoveredVm.create({
    data: { vsphereRef: 'vm-vanished-template', name: 'vanished-template', isTemplate: true, cpu: 1, ramGb: 1, goneAt: new Date() },
  });
  realIds.GoneTemplate = encodeGlobalID('DiscoveredVm', goneTemplate.id);
  const unregistered = discovered.find((vm) => !vm.isTemplate && !vm.machineId && !vm.imageId);
  realIds.UnregisteredVm = encodeGlobalID('DiscoveredVm', (unregistered ?? registeredVm).id);
  realIds.DiscoveredVm = realIds.RegisteredVm;
  const session = await stack.prisma.session.findFirstOrThrow({ where: { userId: admin.id } });
  realIds.Session = encodeGlobalID('Session', session.id);
  // An image of another application than the configurations' (createClone must refuse it).
  const other = await stack.prisma.application.create({ data: { name: 'Another application' } });
  const foreign = await stack.prisma.vmImage.create({
    data: { applicationId: other.id, name: 'foreign-template', vsphereRef: 'vm-foreign', guestOs: 'otherGuest', defaultCpu: 1, defaultRamGb: 1 },
  });
  realIds.ForeignImage = encodeGlobalID('VmImage', foreign.id);
}, 180_000);

afterAll(async () => {
  await stack?.close();
});

async function rowCounts(): Promise<Record<string, number>> {
  const rows = await stack.prisma.$queryRawUnsafe<{ t: string; n: number }[]>(countSql);
  return Object.fromEntries(rows.map((r) => [r.t, r.n]));
}

async function inventory(): Promise<string[]> {
  return (await stack.vsphere.listVms()).map((vm) => `${vm.ref} ${vm.name} ${vm.powerState}`).sort();
}

// ---- the operations, each with a valid set of variables the cases spoil one argument of ----

const ALPHANUM = 'abcdefghij';
const long = (n: number) => ALPHANUM.repeat(Math.ceil(n / ALPHANUM.length)).slice(0, n);

/** Text every string argument refuses, by category. */
const BAD_TEXT: [string, string][] = [
  ['NUL', 'a\u0000b'],
  ['a newline', 'line1\nline2'],
  ['a carriage return', 'abc\rdef'],
  ['a tab', 'abc\tdef'],
  ['a bell (C0 control)', 'abc\u0007def'],
  ['DEL', 'abc\u007fdef'],
  ['a C1 control (NEL)', 'abc\u0085def'],
  ['a bidi override (RLO)', 'abc\u202Edef'],
  ['a bidi isolate (FSI)', 'abc\u2068def'],
  ['a right-to-left mark', 'abc\u200Fdef'],
  ['too long', long(MAX_STRING_LENGTH + 1)],
];

const createCloneInput = () => ({
  name: 'Bad input base',
  description: 'a valid description',
  imageId: ids.VmImage,
  configurationId: ids.Configuration,
  networkId: ids.Network,
  cpu: 1,
  ramGb: 1,
});

const createConfigurationInput = () => ({
  name: 'Bad input configuration',
  primaryMachineId: ids.Machine,
  applicationId: ids.Application,
  scheduleIntervalSeconds: 3600,
});

const OPS = {
  login: `mutation($username: String!, $password: String!) { login(username: $username, password: $password) { token } }`,
  createClone: `mutation($input: CreateCloneInput!) { createClone(input: $input) { id } }`,
  createUser: `mutation($input: CreateUserInput!) { createUser(input: $input) { password } }`,
  createApplication: `mutation($input: CreateApplicationInput!) { createApplication(input: $input) { id } }`,
  createConfiguration: `mutation($input: CreateConfigurationInput!) { createConfiguration(input: $input) { id } }`,
  updateConfiguration: `mutation($configurationId: ID!, $input: UpdateConfigurationInput!) {
    updateConfiguration(configurationId: $configurationId, input: $input) { id } }`,
  clone: `query($id: ID!) { clone(id: $id) { id } }`,
  node: `query($id: ID!) { node(id: $id) { id } }`,
  nodes: `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`,
};

const CLONE_MUTATIONS = [
  'deleteClone',
  'startFailover',
  'endFailover',
  'createSnapshot',
  'startClone',
  'stopClone',
  'suspendClone',
  'resumeClone',
  'rebootClone',
] as const;

const cloneMutation = (name: string) => `mutation($cloneId: ID!) { ${name}(cloneId: $cloneId) { id } }`;
const snapshotMutation = (name: string) => `mutation($snapshotId: ID!) { ${name}(snapshotId: $snapshotId) { id } }`;

const CONNECTIONS = {
  clones: 'CloneFilter',
  configurations: 'ConfigurationFilter',
  events: 'EventFilter',
  machines: 'MachineFilter',
  discoveredVms: 'DiscoveredVmFilter',
  snapshots: 'SnapshotFilter',
  users: null,
} as const;

const connection = (name: keyof typeof CONNECTIONS) => {
  const filter = CONNECTIONS[name];
  return `query($first: Int, $last: Int, $after: String, $before: String${filter ? `, $filter: ${filter}` : ''}) {
    ${name}(first: $first, last: $last, after: $after, before: $before${filter ? ', filter: $filter' : ''}) {
      totalCount edges { cursor } } }`;
};

/** IDs of no object, of the wrong shape, or carrying attacks; all refused as VALIDATION. */
const badIds = (typename: string, otherType: string): [string, unknown][] => [
  ['empty', ''],
  ['whitespace', '   '],
  ['not base64', '!!!not-an-id!!!'],
  ['a bare UUID', randomUUID()],
  ['a global ID of an unknown type', encodeGlobalID('Nonsense', randomUUID())],
  [`a ${otherType} ID`, ['Clone', 'Snapshot'].includes(otherType) ? missing(otherType) : ids[otherType]],
  ['a global ID without a UUID', encodeGlobalID(typename, '42')],
  ['an SQL fragment', `${encodeGlobalID(typename, randomUUID())}' OR '1'='1`],
  ['an SQL fragment inside the ID', encodeGlobalID(typename, "1' OR '1'='1")],
  ['markup', '<script>alert(1)</script>'],
  ['NUL', `${encodeGlobalID(typename, randomUUID())}\u0000`],
];

function buildCases(): Case[] {
  const cases: Case[] = [];
  const add = (operation: string, label: string, query: string, variables: Record<string, unknown>, code: string, field: string, vsphere = false) =>
    cases.push({ operation, label, query, variables, code, field, vsphere });

  // login: both strings, blank and missing.
  for (const arg of ['username', 'password'] as const) {
    const valid = { username: 'admin', password: 'not-the-password' };
    for (const [label, value] of BAD_TEXT) add('login', `${arg} with ${label}`, OPS.login, { ...valid, [arg]: value }, 'VALIDATION', arg);
    add('login', `${arg} missing`, OPS.login, { ...valid, [arg]: undefined }, 'VALIDATION', arg);
    add('login', `${arg} null`, OPS.login, { ...valid, [arg]: null }, 'VALIDATION', arg);
    add('login', `${arg} a number`, OPS.login, { ...valid, [arg]: 12345 }, 'VALIDATION', arg);
  }

  // createClone: every field.
  const clone = (patch: Record<string, unknown>) => ({ input: { ...createCloneInput(), ...patch } });
  for (const [label, value] of BAD_TEXT) {
    add('createClone', `name with ${label}`, OPS.createClone, clone({ name: `Clone ${value} x` }), 'VALIDATION', 'input.name', true);
    add('createClone', `description with ${label}`, OPS.createClone, clone({ description: value }), 'VALIDATION', 'input.description', true);
    add('createClone', `idempotencyKey with ${label}`, OPS.createClone, clone({ idempotencyKey: value }), 'VALIDATION', 'input.idempotencyKey', true);
  }
  const badCloneNames: [string, string][] = [
    ['empty', ''],
    ['whitespace only', '       '],
    ['too short', 'abcd'],
    ['too short once trimmed', '  abc  '],
    ['65 characters', long(65)],
    ['a slash', 'line/1 standby'],
    ['a percent sign', 'line%1 standby'],
    ['a backslash', 'line\\1 standby'],
    ['an SQL fragment', "x'; DROP TABLE \"Clone\"; --"],
    ['markup', '<b>bold clone</b>'],
    ['a LIKE wildcard only', '%%%%%'],
    ['a leading hyphen', '-leading'],
    ['a trailing dot', 'trailing.'],
    ['non-ASCII letters', 'Ünïcode clone'],
    ['an emoji', 'clone 🚀 rocket'],
    ['a zero-width space', 'clone\u200Bname'],
  ];
  for (const [label, value] of badCloneNames) add('createClone', `name ${label}`, OPS.createClone, clone({ name: value }), 'VALIDATION', 'input.name', true);
  add('createClone', 'name missing', OPS.createClone, clone({ name: undefined }), 'VALIDATION', 'input.name', true);
  add('createClone', 'name a number', OPS.createClone, clone({ name: 12345 }), 'VALIDATION', 'input.name', true);
  add('createClone', 'description 129 characters', OPS.createClone, clone({ description: long(129) }), 'VALIDATION', 'input.description', true);
  add('createClone', "description 129 characters once trimmed", OPS.createClone, clone({ description: `  ${long(129)}  ` }), 'VALIDATION', 'input.description', true);
  add('createClone', "an image of another application than the configuration's", OPS.createClone, clone({ imageId: ids.ForeignImage }), 'VALIDATION', 'input.imageId', true);
  add('createClone', 'idempotencyKey empty', OPS.createClone, clone({ idempotencyKey: '' }), 'VALIDATION', 'input.idempotencyKey', true);
  for (const field of ['cpu', 'ramGb'] as const) {
    for (const [label, value] of [['zero', 0], ['negative', -1], ['minimum int', -(2 ** 31)]] as const) {
      add('createClone', `${field} ${label}`, OPS.createClone, clone({ [field]: value }), 'VALIDATION', `input.${field}`, true);
    }
    for (const [label, value] of [['huge (beyond Int)', 2 ** 31], ['a float', 1.5], ['a string', 'two'], ['a boolean', true], ['null', null]] as const) {
      add('createClone', `${field} ${label}`, OPS.createClone, clone({ [field]: value }), 'VALIDATION', `input.${field}`, true);
    }
  }
  add('createClone', 'cpu beyond any host', OPS.createClone, clone({ cpu: 2 ** 31 - 1 }), 'VALIDATION', 'input.cpu', true);
  for (const [field, typename, other] of [
    ['imageId', 'VmImage', 'Network'],
    ['configurationId', 'Configuration', 'Machine'],
    ['networkId', 'Network', 'VmImage'],
  ] as const) {
    for (const [label, value] of badIds(typename, other)) {
      add('createClone', `${field} ${label}`, OPS.createClone, clone({ [field]: value }), 'VALIDATION', `input.${field}`, true);
    }
    add('createClone', `${field} of no ${typename}`, OPS.createClone, clone({ [field]: missing(typename) }), 'NOT_FOUND', `input.${field}`, true);
    add('createClone', `${field} missing`, OPS.createClone, clone({ [field]: undefined }), 'VALIDATION', `input.${field}`, true);
  }
  add('createClone', 'an unknown input field', OPS.createClone, clone({ owner: 'me' }), 'VALIDATION', 'input.owner', true);
  add('createClone', 'input null', OPS.createClone, { input: null }, 'VALIDATION', 'input', true);

  // Mutations on one clone: the ID.
  for (const mutation of CLONE_MUTATIONS) {
    const query = cloneMutation(mutation);
    for (const [label, value] of badIds('Clone', 'Machine')) add(mutation, `cloneId ${label}`, query, { cloneId: value }, 'VALIDATION', 'cloneId', true);
    add(mutation, 'cloneId of no clone', query, { cloneId: missing('Clone') }, 'NOT_FOUND', 'cloneId', true);
    add(mutation, 'cloneId missing', query, {}, 'VALIDATION', 'cloneId', true);
    add(mutation, 'cloneId a list', query, { cloneId: [missing('Clone')] }, 'VALIDATION', 'cloneId', true);
  }
  add('endFailover', 'discardFailoverState a string', `mutation($cloneId: ID!, $discardFailoverState: Boolean) {
    endFailover(cloneId: $cloneId, discardFailoverState: $discardFailoverState) { id } }`,
    { cloneId: missing('Clone'), discardFailoverState: 'yes' }, 'VALIDATION', 'discardFailoverState', true);
  for (const flag of ['force', 'fencePrimary']) {
    const query = `mutation($cloneId: ID!, $${flag}: Boolean) { startFailover(cloneId: $cloneId, ${flag}: $${flag}) { id } }`;
    add('startFailover', `${flag} a string`, query, { cloneId: missing('Clone'), [flag]: 'yes' }, 'VALIDATION', flag, true);
    add('startFailover', `${flag} a number`, query, { cloneId: missing('Clone'), [flag]: 1 }, 'VALIDATION', flag, true);
  }
  add('startFailover', 'force on no clone', `mutation($cloneId: ID!) { startFailover(cloneId: $cloneId, force: true) { id } }`,
    { cloneId: missing('Clone') }, 'NOT_FOUND', 'cloneId', true);

  // Mutations on one snapshot.
  for (const mutation of ['cancelSnapshot', 'retrySnapshot']) {
    const query = snapshotMutation(mutation);
    for (const [label, value] of badIds('Snapshot', 'Clone')) add(mutation, `snapshotId ${label}`, query, { snapshotId: value }, 'VALIDATION', 'snapshotId', true);
    add(mutation, 'snapshotId of no snapshot', query, { snapshotId: missing('Snapshot') }, 'NOT_FOUND', 'snapshotId', true);
  }

  // createUser.
  const user = (patch: Record<string, unknown>) => ({ input: { username: 'bad_input_user', name: 'Bad Input User', role: 'DEVELOPER', ...patch } });
  for (const [label, value] of BAD_TEXT) {
    add('createUser', `username with ${label}`, OPS.createUser, user({ username: value }), 'VALIDATION', 'input.username');
    add('createUser', `name with ${label}`, OPS.createUser, user({ name: `Name ${value}` }), 'VALIDATION', 'input.name');
  }
  for (const [label, value] of [['empty', ''], ['upper case', 'BadUser'], ['a space', 'bad user'], ['an SQL fragment', "admin'--"], ['a leading digit', '1user'], ['31 characters', `u${long(30)}`], ['a LIKE wildcard', 'adm%']] as const) {
    add('createUser', `username ${label}`, OPS.createUser, user({ username: value }), 'VALIDATION', 'input.username');
  }
  add('createUser', 'name of spaces', OPS.createUser, user({ name: '        ' }), 'VALIDATION', 'input.name');
  add('createUser', 'name too short once trimmed', OPS.createUser, user({ name: '  abc  ' }), 'VALIDATION', 'input.name');
  add('createUser', 'role unknown', OPS.createUser, user({ role: 'ROOT' }), 'VALIDATION', 'input.role');
  add('createUser', 'role missing', OPS.createUser, user({ role: undefined }), 'VALIDATION', 'input.role');

  // createApplication.
  const app = (patch: Record<string, unknown>) => ({ input: { name: 'Bad input application', ...patch } });
  for (const [label, value] of BAD_TEXT) {
    add('createApplication', `name with ${label}`, OPS.createApplication, app({ name: `App ${value}` }), 'VALIDATION', 'input.name');
    add('createApplication', `description with ${label}`, OPS.createApplication, app({ description: value }), 'VALIDATION', 'input.description');
  }
  add('createApplication', 'name of spaces', OPS.createApplication, app({ name: '          ' }), 'VALIDATION', 'input.name');
  add('createApplication', 'name 101 characters', OPS.createApplication, app({ name: long(101) }), 'VALIDATION', 'input.name');
  add('createApplication', 'name missing', OPS.createApplication, app({ name: undefined }), 'VALIDATION', 'input.name');

  // createConfiguration and updateConfiguration.
  const conf = (patch: Record<string, unknown>) => ({ input: { ...createConfigurationInput(), ...patch } });
  for (const [label, value] of BAD_TEXT) {
    add('createConfiguration', `name with ${label}`, OPS.createConfiguration, conf({ name: `Conf ${value}` }), 'VALIDATION', 'input.name');
    add('createConfiguration', `scheduleCron with ${label}`, OPS.createConfiguration, conf({ scheduleIntervalSeconds: null, scheduleCron: `0 * * * *${value}` }), 'VALIDATION', 'input.scheduleCron');
  }
  const badSchedules: [string, Record<string, unknown>, string][] = [
    ['interval below the minimum', { scheduleIntervalSeconds: 299 }, 'input.scheduleIntervalSeconds'],
    ['interval zero', { scheduleIntervalSeconds: 0 }, 'input.scheduleIntervalSeconds'],
    ['interval negative', { scheduleIntervalSeconds: -300 }, 'input.scheduleIntervalSeconds'],
    ['interval beyond Int', { scheduleIntervalSeconds: 2 ** 31 }, 'input.scheduleIntervalSeconds'],
    ['both interval and cron', { scheduleCron: '0 * * * *' }, 'input.scheduleIntervalSeconds'],
    ['neither interval nor cron', { scheduleIntervalSeconds: null }, 'input.scheduleIntervalSeconds'],
    ['cron of four fields', { scheduleIntervalSeconds: null, scheduleCron: '0 * * *' }, 'input.scheduleCron'],
    ['cron out of range', { scheduleIntervalSeconds: null, scheduleCron: '61 * * * *' }, 'input.scheduleCron'],
    ['cron with an SQL fragment', { scheduleIntervalSeconds: null, scheduleCron: "0 * * * *'; --" }, 'input.scheduleCron'],
    ['cron empty', { scheduleIntervalSeconds: null, scheduleCron: '' }, 'input.scheduleCron'],
    ['retention zero', { retention: 0 }, 'input.retention'],
    ['retention negative', { retention: -1 }, 'input.retention'],
    ['retention over the maximum', { retention: 1001 }, 'input.retention'],
    ['retention a string', { retention: 'seven' }, 'input.retention'],
    ['autoRestore a string', { autoRestore: 'yes' }, 'input.autoRestore'],
    ['rpoTargetSeconds below a minute', { rpoTargetSeconds: 59 }, 'input.rpoTargetSeconds'],
    ['rpoTargetSeconds zero', { rpoTargetSeconds: 0 }, 'input.rpoTargetSeconds'],
    ['rpoTargetSeconds negative', { rpoTargetSeconds: -3600 }, 'input.rpoTargetSeconds'],
    ['rpoTargetSeconds over a year', { rpoTargetSeconds: 31_536_001 }, 'input.rpoTargetSeconds'],
    ['rpoTargetSeconds a fraction', { rpoTargetSeconds: 600.5 }, 'input.rpoTargetSeconds'],
    ['rpoTargetSeconds a string', { rpoTargetSeconds: 'an hour' }, 'input.rpoTargetSeconds'],
    ['name of spaces', { name: '         ' }, 'input.name'],
    ['name too short', { name: 'abc' }, 'input.name'],
  ];
  for (const [label, patch, field] of badSchedules) add('createConfiguration', label, OPS.createConfiguration, conf(patch), 'VALIDATION', field);
  for (const [field, typename, other] of [['primaryMachineId', 'Machine', 'Configuration'], ['applicationId', 'Application', 'User']] as const) {
    for (const [label, value] of badIds(typename, other)) add('createConfiguration', `${field} ${label}`, OPS.createConfiguration, conf({ [field]: value }), 'VALIDATION', `input.${field}`);
    add('createConfiguration', `${field} of no ${typename}`, OPS.createConfiguration, conf({ [field]: missing(typename) }), 'NOT_FOUND', `input.${field}`);
  }
  const update = (patch: Record<string, unknown>, configurationId = ids.Configuration) => ({ configurationId, input: patch });
  for (const [label, value] of badIds('Configuration', 'Application')) add('updateConfiguration', `configurationId ${label}`, OPS.updateConfiguration, update({ retention: 3 }, value as string), 'VALIDATION', 'configurationId');
  add('updateConfiguration', 'configurationId of no configuration', OPS.updateConfiguration, update({ retention: 3 }, missing('Configuration')), 'NOT_FOUND', 'configurationId');
  for (const [label, patch, field] of badSchedules.filter(([, , f]) => f !== 'input.name' && f !== 'input.scheduleIntervalSeconds')) {
    add('updateConfiguration', label, OPS.updateConfiguration, update(patch), 'VALIDATION', field);
  }
  for (const [label, value] of BAD_TEXT) {
    add('updateConfiguration', `scheduleCron with ${label}`, OPS.updateConfiguration, update({ scheduleCron: `0 * * * *${value}` }), 'VALIDATION', 'input.scheduleCron');
  }

  // Onboarding: registering discovered VMs and templates, retiring primaries and images.
  const registerPrimary = `mutation($discoveredVmId: ID!) { registerPrimaryMachine(discoveredVmId: $discoveredVmId) { id } }`;
  for (const [label, value] of badIds('DiscoveredVm', 'Machine')) add('registerPrimaryMachine', `discoveredVmId ${label}`, registerPrimary, { discoveredVmId: value }, 'VALIDATION', 'discoveredVmId');
  add('registerPrimaryMachine', 'discoveredVmId of no discovered VM', registerPrimary, { discoveredVmId: missing('DiscoveredVm') }, 'NOT_FOUND', 'discoveredVmId');
  add('registerPrimaryMachine', 'a VM registered twice', registerPrimary, { discoveredVmId: ids.RegisteredVm }, 'CONFLICT', 'discoveredVmId', true);
  add('registerPrimaryMachine', 'a template as a primary', registerPrimary, { discoveredVmId: ids.RegisteredTemplate }, 'VALIDATION', 'discoveredVmId', true);
  add('registerPrimaryMachine', 'a VM that has vanished', registerPrimary, { discoveredVmId: ids.GoneVm }, 'INVALID_STATE', 'discoveredVmId', true);
  const registerImage = `mutation($input: RegisterImageInput!) { registerImage(input: $input) { id } }`;
  const image = (patch: Record<string, unknown>) => ({ input: { discoveredVmId: ids.RegisteredTemplate, applicationId: ids.Application, ...patch } });
  for (const [label, value] of badIds('DiscoveredVm', 'VmImage')) add('registerImage', `discoveredVmId ${label}`, registerImage, image({ discoveredVmId: value }), 'VALIDATION', 'input.discoveredVmId');
  for (const [label, value] of badIds('Application', 'Network')) add('registerImage', `applicationId ${label}`, registerImage, image({ applicationId: value }), 'VALIDATION', 'input.applicationId');
  add('registerImage', 'discoveredVmId of no discovered VM', registerImage, image({ discoveredVmId: missing('DiscoveredVm') }), 'NOT_FOUND', 'input.discoveredVmId');
  add('registerImage', 'a template registered twice', registerImage, image({}), 'CONFLICT', 'input.discoveredVmId', true);
  add('registerImage', 'a VM as an image', registerImage, image({ discoveredVmId: ids.UnregisteredVm }), 'VALIDATION', 'input.discoveredVmId', true);
  add('registerImage', 'a template that has vanished', registerImage, image({ discoveredVmId: ids.GoneTemplate }), 'INVALID_STATE', 'input.discoveredVmId', true);
  add('registerImage', 'applicationId of no application', registerImage, image({ applicationId: missing('Application') }), 'NOT_FOUND', 'input.applicationId');
  add('registerImage', 'guestOsFamily unknown', registerImage, image({ guestOsFamily: 'BEOS' }), 'VALIDATION', 'input.guestOsFamily');
  for (const field of ['defaultCpu', 'defaultRamGb'] as const) {
    for (const [label, value] of [['zero', 0], ['negative', -2], ['beyond any VM', 1_000_000], ['a float', 1.5], ['a string', 'two']] as const) {
      add('registerImage', `${field} ${label}`, registerImage, image({ [field]: value }), 'VALIDATION', `input.${field}`);
    }
  }
  for (const [label, value] of BAD_TEXT) add('registerImage', `name with ${label}`, registerImage, image({ name: `Image ${value}` }), 'VALIDATION', 'input.name');
  const retirePrimary = `mutation($machineId: ID!) { retirePrimaryMachine(machineId: $machineId) { id } }`;
  for (const [label, value] of badIds('Machine', 'VmImage')) add('retirePrimaryMachine', `machineId ${label}`, retirePrimary, { machineId: value }, 'VALIDATION', 'machineId');
  add('retirePrimaryMachine', 'machineId of no machine', retirePrimary, { machineId: missing('Machine') }, 'NOT_FOUND', 'machineId');
  add('retirePrimaryMachine', 'a primary a configuration uses', retirePrimary, { machineId: ids.Machine }, 'INVALID_STATE', 'machineId');
  const retireImage = `mutation($imageId: ID!) { retireImage(imageId: $imageId) { id } }`;
  for (const [label, value] of badIds('VmImage', 'Machine')) add('retireImage', `imageId ${label}`, retireImage, { imageId: value }, 'VALIDATION', 'imageId');
  add('retireImage', 'imageId of no image', retireImage, { imageId: missing('VmImage') }, 'NOT_FOUND', 'imageId');

  // Users administered.
  const setRole = `mutation($userId: ID!, $role: Role!) { setUserRole(userId: $userId, role: $role) { id } }`;
  add('setUserRole', 'a role that does not exist', setRole, { userId: ids.User, role: 'ROOT' }, 'VALIDATION', 'role');
  add('setUserRole', 'role lower case', setRole, { userId: ids.User, role: 'developer' }, 'VALIDATION', 'role');
  add('setUserRole', 'role missing', setRole, { userId: ids.User }, 'VALIDATION', 'role');
  add('setUserRole', 'demoting oneself as the last GLOBAL_ADMIN', setRole, { userId: ids.User, role: 'DEVELOPER' }, 'INVALID_STATE', 'role');
  add('setUserRole', 'userId of no user', setRole, { userId: missing('User'), role: 'DEVELOPER' }, 'NOT_FOUND', 'userId');
  for (const mutation of ['disableUser', 'enableUser', 'resetUserPassword'] as const) {
    const query = `mutation($userId: ID!) { ${mutation}(userId: $userId) { __typename } }`;
    for (const [label, value] of badIds('User', 'Machine')) add(mutation, `userId ${label}`, query, { userId: value }, 'VALIDATION', 'userId');
    add(mutation, 'userId of no user', query, { userId: missing('User') }, 'NOT_FOUND', 'userId');
  }
  for (const [label, value] of badIds('User', 'Machine')) add('setUserRole', `userId ${label}`, setRole, { userId: value, role: 'DEVELOPER' }, 'VALIDATION', 'userId');
  add('disableUser', 'disabling the last GLOBAL_ADMIN', `mutation($userId: ID!) { disableUser(userId: $userId) { id } }`, { userId: ids.User }, 'INVALID_STATE', 'userId');
  const changePassword = `mutation($oldPassword: String!, $newPassword: String!) { changePassword(oldPassword: $oldPassword, newPassword: $newPassword) }`;
  add('changePassword', 'a wrong old password', changePassword, { oldPassword: 'not-the-password', newPassword: 'a-long-enough-new-password' }, 'VALIDATION', 'oldPassword');
  add('changePassword', 'old password missing', changePassword, { newPassword: 'a-long-enough-new-password' }, 'VALIDATION', 'oldPassword');
  for (const [label, value] of BAD_TEXT) add('changePassword', `new password with ${label}`, changePassword, { oldPassword: 'whatever-old', newPassword: `password ${value} tail` }, 'VALIDATION', 'newPassword');
  const endSession = `mutation($sessionId: ID!) { endSession(sessionId: $sessionId) }`;
  for (const [label, value] of badIds('Session', 'User')) add('endSession', `sessionId ${label}`, endSession, { sessionId: value }, 'VALIDATION', 'sessionId');
  add('endSession', 'sessionId of no session', endSession, { sessionId: missing('Session') }, 'NOT_FOUND', 'sessionId');
  const sessions = `query($userId: ID) { sessions(userId: $userId) { id } }`;
  for (const [label, value] of badIds('User', 'Session')) add('sessions', `userId ${label}`, sessions, { userId: value }, 'VALIDATION', 'userId');

  // Queries by ID.
  for (const [label, value] of badIds('Clone', 'Machine')) {
    add('clone', `id ${label}`, OPS.clone, { id: value }, 'VALIDATION', 'id');
    // node/nodes take an ID of any type.
    if (label === 'a Machine ID') continue;
    add('node', `id ${label}`, OPS.node, { id: value }, 'VALIDATION', 'id');
    add('nodes', `second id ${label}`, OPS.nodes, { ids: [ids.Machine, value] }, 'VALIDATION', 'ids.1');
  }
  add('node', 'id missing', OPS.node, {}, 'VALIDATION', 'id');
  for (const [label, value] of badIds('Operation', 'Clone')) {
    add('operation', `id ${label}`, `query($id: ID!) { operation(id: $id) { id } }`, { id: value }, 'VALIDATION', 'id');
  }
  add('nodes', 'ids null', OPS.nodes, { ids: null }, 'VALIDATION', 'ids');
  add('nodes', 'more ids than a page', OPS.nodes, { ids: Array.from({ length: MAX_LIST_LENGTH + 1 }, () => ids.Machine) }, 'VALIDATION', 'ids');
  add('clones', 'more statuses than a list takes', connection('clones'), { first: 5, filter: { status: Array.from({ length: MAX_LIST_LENGTH + 1 }, () => 'RUNNING') } }, 'VALIDATION', 'filter.status');

  // Connections: paging and filters.
  const validCursor = Buffer.from(`GPC:S:${randomUUID()}`).toString('base64');
  const paging: [string, Record<string, unknown>, string][] = [
    ['first negative', { first: -1 }, 'first'],
    ['last negative', { last: -5 }, 'last'],
    ['first over the page size', { first: MAX_PAGE_SIZE + 1 }, 'first'],
    ['last over the page size', { last: 1_000_000 }, 'last'],
    ['first beyond Int', { first: 2 ** 31 }, 'first'],
    ['first a string', { first: 'ten' }, 'first'],
    ['first with before', { first: 5, before: validCursor }, 'before'],
    ['last with after', { last: 5, after: validCursor }, 'after'],
    ['after not a cursor', { first: 5, after: 'garbage' }, 'after'],
    ['after empty', { first: 5, after: '' }, 'after'],
    ['before base64 of something else', { last: 5, before: Buffer.from("GPC:S:1' OR '1'='1").toString('base64') }, 'before'],
    ['after with NUL', { first: 5, after: `${validCursor}\u0000` }, 'after'],
  ];
  for (const name of Object.keys(CONNECTIONS) as (keyof typeof CONNECTIONS)[]) {
    for (const [label, variables, field] of paging) add(name, label, connection(name), variables, 'VALIDATION', field);
  }
  // A connection inside a node: its arguments shape the parent's SQL query, so they must be checked first.
  const nested = `query($first: Int, $last: Int, $after: String, $before: String) {
    configurations(first: 5) { edges { node { snapshots(first: $first, last: $last, after: $after, before: $before) { totalCount } } } } }`;
  for (const [label, variables, field] of paging) add('Configuration.snapshots', label, nested, variables, 'VALIDATION', field);
  for (const name of ['clones', 'configurations', 'machines', 'discoveredVms'] as const) {
    for (const [label, value] of BAD_TEXT) add(name, `filter.name with ${label}`, connection(name), { first: 5, filter: { name: value } }, 'VALIDATION', 'filter.name');
  }
  for (const [label, value] of BAD_TEXT.slice(0, 4)) add('events', `filter.type with ${label}`, connection('events'), { first: 5, filter: { type: ['clone.created', value] } }, 'VALIDATION', 'filter.type.1');
  for (const [name, field, typename, other] of [
    ['clones', 'configurationId', 'Configuration', 'Clone'],
    ['clones', 'createdById', 'User', 'Machine'],
    ['events', 'cloneId', 'Clone', 'User'],
    ['events', 'subjectId', 'Clone', 'User'],
    ['snapshots', 'cloneId', 'Clone', 'Network'],
  ] as const) {
    for (const [label, value] of badIds(typename, other).slice(0, 6)) {
      // subjectId takes an ID of any type.
      if (field === 'subjectId' && label === `a ${other} ID`) continue;
      add(name, `filter.${field} ${label}`, connection(name), { first: 5, filter: { [field]: value } }, 'VALIDATION', `filter.${field}`);
    }
  }
  add('clones', 'filter.createdAfter not a date', connection('clones'), { first: 5, filter: { createdAfter: 'yesterday' } }, 'VALIDATION', 'filter.createdAfter');
  add('clones', 'filter.status unknown', connection('clones'), { first: 5, filter: { status: ['EXPLODED'] } }, 'VALIDATION', 'filter.status.0');
  // Integer ranges (CPU cores, GB of RAM): bounds from 0 to MAX_RANGE_BOUND, min ≤ max.
  for (const column of ['cpu', 'ramGb'] as const) {
    const ranges: [string, Record<string, unknown>, string][] = [
      ['min negative', { min: -1 }, 'min'],
      ['max negative', { max: -4 }, 'max'],
      ['min over the largest bound', { min: MAX_RANGE_BOUND + 1 }, 'min'],
      ['max over the largest bound', { min: 1, max: MAX_RANGE_BOUND + 1 }, 'max'],
      ['max below min', { min: 8, max: 4 }, 'max'],
      ['min not an integer', { min: 2.5 }, 'min'],
      ['min a string', { min: 'four' }, 'min'],
      ['min beyond Int', { min: 2 ** 31 }, 'min'],
    ];
    for (const [label, range, end] of ranges) {
      add('clones', `filter.${column} ${label}`, connection('clones'), { first: 5, filter: { [column]: range } }, 'VALIDATION', `filter.${column}.${end}`);
    }
  }
  return cases;
}

const CASES = buildCases();

describe('bad input', () => {
  it('tries at least 200 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(200);
  });

  it.each(CASES.map((c) => [`${c.operation}: ${c.label}`, c] as const))('%s', async (_name, c) => {
    const [rowsBefore, vmsBefore] = await Promise.all([rowCounts(), c.vsphere ? inventory() : null]);
    const result = await gql(stack.api.url, c.query, withRealIds(c.variables) as Record<string, unknown>, token);
    expect(result.errors, JSON.stringify(result)).toHaveLength(1);
    expect(result.errors![0]!.extensions, result.errors![0]!.message).toMatchObject({ code: c.code, field: c.field });
    expect(await rowCounts()).toEqual(rowsBefore);
    if (c.vsphere) expect(await inventory()).toEqual(vmsBefore);
  });
});

describe('name filters match literally', () => {
  const names = async (filter: string) => {
    const result = await gql(stack.api.url, `query($f: MachineFilter) { machines(first: 100, filter: $f) { edges { node { name } } } }`, { f: { name: filter } }, token);
    expect(result.errors).toBeUndefined();
    return (result.data.machines.edges as { node: { name: string } }[]).map((e) => e.node.name);
  };

  it('a `%` or `_` filter matches only names containing that character', async () => {
    const all = await names('');
    expect(all.length).toBeGreaterThan(0);
    expect(await names('%')).toEqual(all.filter((n) => n.includes('%')));
    expect(await names('_')).toEqual(all.filter((n) => n.includes('_')));
    // vcsim's VMs are DC0_H0_VM0 …: as a wildcard `_` would match the digit after "VM".
    expect(all.some((n) => n.includes('VM0'))).toBe(true);
    expect(await names('VM_')).toEqual([]);
    expect(await names('_VM')).toEqual(all.filter((n) => n.includes('_VM')));
    expect(await names('\\')).toEqual(all.filter((n) => n.includes('\\')));
    const configs = await gql(stack.api.url, `{ configurations(first: 10, filter: { name: "%" }) { totalCount } }`, {}, token);
    expect(configs.data.configurations.totalCount).toBe(0);
  });
});

describe('subscriptions check their arguments too', () => {
  /** The first thing the server answers to a subscription: its errors, whichever way they come. */
  async function firstErrors(query: string, variables: Record<string, unknown>) {
    const client = wsClient(stack.api.wsUrl, token);
    try {
      return await new Promise<{ extensions?: { code?: string; field?: string } }[]>((resolve, reject) => {
        client.subscribe(
          { query, variables: withRealIds(variables) as Record<string, unknown> },
          {
            next: (message) => (message.errors ? resolve(message.errors as never) : reject(new Error(JSON.stringify(message)))),
            error: (error) => (Array.isArray(error) ? resolve(error) : reject(error)),
            complete: () => reject(new Error('completed without an answer')),
          },
        );
      });
    } finally {
      await client.dispose();
    }
  }

  it.each([
    ['cloneStatusChanged', 'subscription($cloneId: ID) { cloneStatusChanged(cloneId: $cloneId) { status } }', { cloneId: 'garbage' }, 'cloneId'],
    ['cloneStatusChanged', 'subscription($cloneId: ID) { cloneStatusChanged(cloneId: $cloneId) { status } }', { cloneId: ids.Machine }, 'cloneId'],
    ['cloneEvents', 'subscription($cloneId: ID!) { cloneEvents(cloneId: $cloneId) { type } }', { cloneId: `${missing('Clone')}\u0000` }, 'cloneId'],
    ['snapshotStatusChanged', 'subscription($configurationId: ID) { snapshotStatusChanged(configurationId: $configurationId) { status } }', { configurationId: '' }, 'configurationId'],
    ['snapshotStatusChanged', 'subscription($configurationId: ID) { snapshotStatusChanged(configurationId: $configurationId) { status } }', { configurationId: 42.5 }, 'configurationId'],
  ])('%s refuses %j', async (_name, query, variables, field) => {
    const rowsBefore = await rowCounts();
    const errors = await firstErrors(query, variables);
    expect(errors[0]?.extensions).toMatchObject({ code: 'VALIDATION', field });
    expect(await rowCounts()).toEqual(rowsBefore);
  });
});
