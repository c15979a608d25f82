import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireOwnerLock, currentOwner, processStartTicks, readOwner } from './owner-lock';

describe('owner lock of the embedded database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agis-owner-lock-'));
  const lockFile = join(dir, 'pg.lock');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => rmSync(lockFile, { force: true }));

  const otherProcess = async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    await new Promise((resolve) => child.once('spawn', resolve));
    return child;
  };
  const recordFor = (pid: number, startTicks?: string) =>
    writeFileSync(lockFile, JSON.stringify({ pid, startTicks, command: 'node dist/src/main.js', since: '2026-12-05T00:00:00.000Z' }));

  it('is taken by this process when free, recording its pid and start time', () => {
    const lock = acquireOwnerLock(lockFile);
    expect(lock.held).toBe(true);
    expect(readOwner(lockFile)).toMatchObject({ pid: process.pid, startTicks: currentOwner().startTicks });
    (lock as { release: () => void }).release();
    expect(readOwner(lockFile)).toBeUndefined();
  });

  it('is refused while another live process holds it, naming that process', async () => {
    const child = await otherProcess();
    try {
      recordFor(child.pid!, processStartTicks(child.pid!));
      expect(acquireOwnerLock(lockFile)).toEqual({ held: false, owner: expect.objectContaining({ pid: child.pid }) });
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('is taken over from a process that is gone', async () => {
    const child = await otherProcess();
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await gone;
    recordFor(child.pid!);
    expect(acquireOwnerLock(lockFile).held).toBe(true);
    expect(readOwner(lockFile)?.pid).toBe(process.pid);
  });

  it('is taken over when the recorded pid now belongs to another process (other start time)', async () => {
    const child = await otherProcess();
    try {
      recordFor(child.pid!, '1');
      expect(acquireOwnerLock(lockFile).held).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
