import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/database/embedded-postgres';
import { pollUntil } from './poll';

/** One series of an instant query: its labels and value ("NaN" and "+Inf" stay strings, as Prometheus sends them). */
export interface PromSeries {
  metric: Record<string, string>;
  value: [number, string];
}
export interface PromQueryResult {
  status: 'success' | 'error';
  error?: string;
  resultType?: string;
  result: PromSeries[];
}

export interface PrometheusServer {
  url: string;
  pid: number;
  /** `/api/v1/query` at the current time; a bad expression answers status "error" (HTTP 400), not a throw. */
  query(expr: string): Promise<PromQueryResult>;
  /** Waits until Prometheus holds a successful scrape of `job` that started after `afterMs` (epoch ms). */
  waitForScrape(afterMs: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Debian's Prometheus (scripts/ensure-test-deps.sh installs it) scraping `target`'s /metrics every
 * second, with its data in a temp folder removed on stop. Its first scrape comes ~6 s after start
 * (a discovery throttle Prometheus 2.42 has no flag for), so callers wait with waitForScrape.
 */
export async function startPrometheus(opts: { target: string; job?: string; binary?: string }): Promise<PrometheusServer> {
  const job = opts.job ?? 'agis';
  const dir = mkdtempSync(join(tmpdir(), 'agis-prometheus-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      `  - job_name: ${job}`,
      '    metrics_path: /metrics',
      '    static_configs:',
      `      - targets: ['${opts.target}']`,
      '',
    ].join('\n'),
  );
  const proc: ChildProcess = spawn(
    opts.binary ?? 'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const output: string[] = [];
  proc.stderr?.on('data', (c: Buffer) => output.push(c.toString()));
  const spawnError = new Promise<Error>((resolve) => proc.once('error', resolve));
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null && proc.pid) {
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      process.kill(proc.pid, 'SIGTERM');
      const killer = setTimeout(() => {
        if (proc.exitCode === null && proc.signalCode === null) {
          process.kill(proc.pid!, 'SIGKILL');
        }
      }, 5000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await Promise.race([
      pollUntil(
        () =>
          fetch(`${url}/-/ready`).then(
            (r) => r.status,
            () => 0,
          ),
        (s) => s === 200 || proc.exitCode !== null,
        { timeoutMs: 10_000, intervalMs: 50, what: 'Prometheus to be ready' },
      ),
      spawnError.then((err) => {
        throw new Error(`prometheus could not run (${err.message}); run scripts/ensure-test-deps.sh first`);
      }),
    ]);
    if (proc.exitCode !== null) {
      throw new Error(`prometheus exited with ${proc.exitCode}:\n${output.join('')}`);
    }
  } catch (err) {
    await stop();
    throw err;
  }

  const query = async (expr: string): Promise<PromQueryResult> => {
    const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: expr })}`);
    const body = (await res.json()) as {
      status: 'success' | 'error';
      error?: string;
      data?: { resultType: string; result: PromSeries[] | [number, string] };
    };
    const result =
      body.data?.resultType === 'scalar'
        ? [{ metric: {}, value: body.data.result as [number, string] }]
        : ((body.data?.result ?? []) as PromSeries[]);
    return { status: body.status, error: body.error, resultType: body.data?.resultType, result };
  };

  const waitForScrape = async (afterMs: number, timeoutMs = 15_000) => {
    const expr = `timestamp(up{job="${job}"}) and on() (up{job="${job}"} == 1)`;
    await pollUntil(
      () => query(expr),
      (r) => r.result.some((s) => Number(s.value[1]) * 1000 > afterMs),
      { timeoutMs, intervalMs: 100, what: `a successful scrape of ${opts.target} after ${new Date(afterMs).toISOString()}` },
    );
  };

  return { url, pid: proc.pid!, query, waitForScrape, stop };
}
