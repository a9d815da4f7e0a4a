import { readFile } from 'node:fs/promises';
import pg from 'pg';

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux). */
const TICKS = 100;

/** CPU seconds used during one POST, by whom. */
export interface CpuSplit {
  /** The API process and its children (pg_dump, reaped by the end of the POST). */
  api: number;
  /** Every process of the Swift server. */
  swift: number;
  /** PostgreSQL's backends that ended during the POST (pg_dump's, reaped by the postmaster; other users' too). */
  postgres: number;
  /** All cores of the machine, whoever used them (other work on a shared machine included). */
  machine: number;
}

/** The PostgreSQL server's postmaster, when it runs on this machine (its children's CPU is counted as theirs end). */
export async function postmasterPid(url: string): Promise<number | undefined> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const backend = Number((await db.query('select pg_backend_pid() as pid')).rows[0].pid);
    const status = await readFile(`/proc/${backend}/status`, 'utf8').catch(() => '');
    const parent = /PPid:\s+(\d+)/.exec(status)?.[1];
    return parent ? Number(parent) : undefined;
  } finally {
    await db.end();
  }
}

/** CPU seconds so far: a process with its reaped children, a set of processes, and the whole machine (busy time). */
export async function cpuNow(api: number, swift: number[], postmaster?: number): Promise<CpuSplit> {
  const processSeconds = async (pid: number, children: boolean) => {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    if (!stat) return 0;
    const fields = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    // After the command: state is field 0, utime 11, stime 12, cutime 13, cstime 14.
    return (fields[11]! + fields[12]! + (children ? fields[13]! + fields[14]! : 0)) / TICKS;
  };
  const machine = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!.split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
  const busy = machine.slice(0, 8).reduce((sum, value, index) => (index === 3 || index === 4 ? sum : sum + value), 0);
  const swiftSeconds = await Promise.all(swift.map((pid) => processSeconds(pid, false)));
  return {
    api: await processSeconds(api, true),
    swift: swiftSeconds.reduce((sum, value) => sum + value, 0),
    postgres: postmaster === undefined ? 0 : (await processSeconds(postmaster, true)) - (await processSeconds(postmaster, false)),
    machine: busy / TICKS,
  };
}

export function difference(after: CpuSplit, before: CpuSplit): CpuSplit {
  const round = (value: number) => Math.round(value * 100) / 100;
  return {
    api: round(after.api - before.api),
    swift: round(after.swift - before.swift),
    postgres: round(after.postgres - before.postgres),
    machine: round(after.machine - before.machine),
  };
}
