// CPU time of the machine's processes over a window, read from /proc (Linux): what each part of
// the stack cost while a benchmark ran, so a saturated machine shows where its cores went.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux
/** A command that used less than this in the window is counted under "other". */
const MIN_SHOWN_SECONDS = 0.3;

/** CPU seconds (user + system, all threads) of every process, by PID, with its command name. */
function readAll(): Map<number, { comm: string; seconds: number }> {
  const all = new Map<number, { comm: string; seconds: number }>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return all; // not Linux: nothing to report
  }
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces; the fields after it are fixed.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      all.set(pid, { comm, seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND });
    } catch {
      // exited meanwhile
    }
  }
  return all;
}

/**
 * Starts a window; `end()` returns the CPU seconds each named part used in it. `parts` names PIDs
 * (this process, its children); other processes are grouped by command name (postgres,
 * temporal, vcsim, ...), and commands that used little under "other".
 */
export function cpuWindow(parts: () => Record<string, number | undefined>) {
  const before = readAll();
  const started = performance.now();
  return {
    end(): { wallSeconds: number; seconds: Record<string, number> } {
      const after = readAll();
      const named = new Map<number, string>();
      for (const [name, pid] of Object.entries(parts())) if (pid !== undefined) named.set(pid, name);
      const byName: Record<string, number> = {};
      for (const [pid, { comm, seconds: s }] of after) {
        // A process that started inside the window counts from zero.
        const used = s - (before.get(pid)?.comm === comm ? before.get(pid)!.seconds : 0);
        if (used <= 0) continue;
        const name = named.get(pid) ?? comm;
        byName[name] = (byName[name] ?? 0) + used;
      }
      // Unnamed commands that used little are summed as "other".
      const shown = new Set(named.values());
      const seconds: Record<string, number> = {};
      for (const [name, used] of Object.entries(byName)) {
        const key = used >= MIN_SHOWN_SECONDS || shown.has(name) ? name : 'other';
        seconds[key] = (seconds[key] ?? 0) + used;
      }
      return { wallSeconds: (performance.now() - started) / 1000, seconds };
    },
  };
}
