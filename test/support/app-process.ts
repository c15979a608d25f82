import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../src/database/embedded-postgres';
import { pollUntil } from './poll';

const MAIN = join(__dirname, '..', '..', 'dist', 'src', 'main.js');

/** A real agis process (the compiled app, as `npm start` runs it), for multi-replica and crash tests. */
export interface AppProcess {
  proc: ChildProcess;
  port: number;
  output: string[];
  pid: number;
}

export async function startAppProcess(env: Record<string, string>): Promise<AppProcess> {
  if (!existsSync(MAIN)) {
    throw new Error(`${MAIN} is missing: npm test builds it in pretest (npm run build)`);
  }
  const port = await freePort();
  const proc = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', DEMO_SEED: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  proc.stdout?.on('data', (c: Buffer) => output.push(c.toString()));
  proc.stderr?.on('data', (c: Buffer) => output.push(c.toString()));
  try {
    await pollUntil(
      async () => output.join(''),
      (o) => o.includes('agis listening on') || proc.exitCode !== null,
      { timeoutMs: 90_000, what: 'the app process to listen' },
    );
  } catch (err) {
    proc.kill('SIGKILL');
    throw err;
  }
  if (proc.exitCode !== null) {
    throw new Error(`app process exited with ${proc.exitCode}:\n${output.join('')}`);
  }
  return { proc, port, output, pid: proc.pid! };
}

export async function stopAppProcess(p: AppProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (p.proc.exitCode !== null || p.proc.signalCode !== null) {
    return p.proc.exitCode;
  }
  const exited = new Promise<number | null>((resolve) => p.proc.once('exit', (code) => resolve(code)));
  p.proc.kill(signal);
  return exited;
}
