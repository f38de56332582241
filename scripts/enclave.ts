// `npm run enclave -- <command>`: administration from a shell, for what the API cannot do yet
// (there is no administrator to log in as on a fresh database). It opens the database through
// the composition root and calls the same services as the API.
//
//   npm run enclave -- user create [--role ROLE] [--name "Full Name"] <username>
//
// Prints the generated password once on stdout (nothing else there), and exits 1 with a one-line
// message on stderr when the user exists or the input is refused.
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { AppError } from '../domain/errors.js';
import { loadCommandSettings } from '../infra/config.js';
import { openServices } from '../infra/services.js';
import { Role } from '../prisma/client.js';
import { createUser } from '../server/services/users.js';

const USAGE = 'usage: npm run enclave -- user create [--role GLOBAL_ADMIN|MACHINE_ADMIN|DEVELOPER] [--name "Full Name"] <username>';

class UsageError extends Error {}

export async function run(argv: string[], out: (line: string) => void): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { role: { type: 'string', default: 'GLOBAL_ADMIN' }, name: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return out(USAGE);
  const [noun, verb, username, ...rest] = positionals;
  if (noun !== 'user' || verb !== 'create' || !username || rest.length > 0) throw new UsageError(USAGE);
  const role = values.role!;
  if (!(role in Role)) throw new UsageError(`unknown role "${role}": one of ${Object.keys(Role).join(', ')}`);
  const services = await openServices(loadCommandSettings(), {});
  try {
    // The name defaults to the username (a name needs 5 characters: pass --name for a short username).
    const created = await createUser(services, null, { username, name: values.name ?? username, role: role as Role });
    out(created.password);
  } finally {
    await services.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  run(process.argv.slice(2), (line) => process.stdout.write(`${line}\n`)).then(
    () => process.exit(0),
    (error: unknown) => {
      // Field problems are named as the command's arguments, not the API's input fields.
      const argument: Record<string, string> = { 'input.name': '--name', 'input.username': '<username>', 'input.role': '--role' };
      const message =
        error instanceof AppError && error.problems
          ? error.problems.map((p) => `${argument[p.field] ?? p.field}: ${p.message}`).join('; ')
          : error instanceof Error
            ? error.message
            : String(error);
      process.stderr.write(`enclave: ${message.split('\n')[0]}\n`);
      process.exit(error instanceof UsageError ? 2 : 1);
    },
  );
}
