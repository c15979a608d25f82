import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Who owns an embedded PostgreSQL: the agis process that started it. Recorded in a lock file beside the
 * data dir so another agis process can tell a live owner (share its server, or refuse to start a second
 * one) from a dead one (its postmaster is an orphan and may be stopped).
 */
export interface OwnerRecord {
  pid: number;
  /** Start time of the process in clock ticks since boot (Linux /proc); tells a reused pid from the owner. */
  startTicks?: string;
  command: string;
  since: string;
}

/** Field 22 of /proc/<pid>/stat (starttime); undefined where /proc is not available. */
export function processStartTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces: count fields after it.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export function currentOwner(): OwnerRecord {
  return {
    pid: process.pid,
    startTicks: processStartTicks(process.pid),
    command: process.argv
      .slice(1)
      .map((a) => a.replace(/^.*\/dist\//, 'dist/'))
      .join(' '),
    since: new Date().toISOString(),
  };
}

/** True while the recorded process runs; a pid now used by another process (other start time) is not it. */
export function ownerAlive(owner: OwnerRecord): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') {
      return false;
    }
  }
  const ticks = processStartTicks(owner.pid);
  return owner.startTicks === undefined || ticks === undefined || ticks === owner.startTicks;
}

export function readOwner(lockFile: string): OwnerRecord | undefined {
  try {
    const owner = JSON.parse(readFileSync(lockFile, 'utf8')) as OwnerRecord;
    return Number.isInteger(owner.pid) && owner.pid > 0 ? owner : undefined;
  } catch {
    return undefined;
  }
}

/** The live owner recorded in lockFile, if any. */
export function liveOwner(lockFile: string): OwnerRecord | undefined {
  const owner = readOwner(lockFile);
  return owner && ownerAlive(owner) ? owner : undefined;
}

export function describeOwner(owner: OwnerRecord): string {
  return `pid ${owner.pid}${owner.command ? `, "${owner.command}"` : ''}, since ${owner.since}`;
}

/**
 * Takes the lock for this process: created atomically (link), so of two processes starting together
 * one wins; a lock left by a dead process is replaced. Returns the live owner when another process holds it.
 */
export function acquireOwnerLock(lockFile: string): { held: true; release: () => void } | { held: false; owner: OwnerRecord } {
  const mine = currentOwner();
  const draft = `${lockFile}.${process.pid}.tmp`;
  for (let attempt = 0; attempt < 3; attempt++) {
    writeFileSync(draft, `${JSON.stringify(mine)}\n`, { mode: 0o644 });
    try {
      linkSync(draft, lockFile);
      return { held: true, release: () => releaseOwnerLock(lockFile) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw err;
      }
    } finally {
      rmSync(draft, { force: true });
    }
    const owner = liveOwner(lockFile);
    if (owner && owner.pid !== process.pid) {
      return { held: false, owner };
    }
    rmSync(lockFile, { force: true }); // left by a process that is gone (or by this one)
  }
  throw new Error(`Could not take the lock ${lockFile}: it keeps changing (another agis process is starting on the same DATA_DIR?)`);
}

/** Removes the lock if this process still holds it. */
export function releaseOwnerLock(lockFile: string): void {
  if (readOwner(lockFile)?.pid === process.pid) {
    rmSync(lockFile, { force: true });
  }
}
