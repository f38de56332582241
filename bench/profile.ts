// `npm run bench -- --profile`: a CPU profile of the bench process (which serves the API) over
// one measured part, written beside the run's logs for Chrome DevTools or `node --cpu-prof` tools.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

export const profiling = process.argv.includes('--profile');

/** Runs `work`; with --profile, records the CPU profile of its span as `<dir>/<name>.cpuprofile`. */
export async function profiled<T>(dir: string, name: string, work: () => Promise<T>): Promise<T> {
  if (!profiling) return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}
