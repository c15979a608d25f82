/**
 * The contract between `npm run bench` (bench/run.js) and extra scenario files `bench/*.bench.ts`.
 * A scenario file exports `run(ctx)` (or a default function) returning rows for the report; it runs
 * while the seeded agis API process is up, after the built-in REST scenarios. The runner compiles
 * the file with @swc/core; require the compiled app from `../dist/src/...`, not the TypeScript sources.
 */

export interface LoadOptions {
  /** Base URL, e.g. ctx.agisUrl. */
  url: string;
  /** Path with query for a single fixed request. */
  path?: string;
  method?: string;
  headers?: Record<string, string>;
  /** autocannon request objects (e.g. with setupRequest) instead of path/method. */
  requests?: unknown[];
  seconds: number;
  connections: number;
  /** Non-2xx statuses that are part of the scenario (reported apart from errors). */
  expected?: string[];
}

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  /** Latency percentiles in milliseconds. */
  p50: number;
  p99: number;
  ok: number;
  expectedNon2xx: number;
  errors: number;
  byStatus: Record<string, number>;
}

export interface BenchContext {
  /** The agis API process (AGIS_ROLES=api, LocalAgones, LOG_LEVEL=warn) on the seeded database. */
  agisUrl: string;
  databaseUrl: string;
  /** Bearer token of a seeded user with every user scope (20 servers, modest balance). */
  token: string;
  /** Bearer token of seeded user n, 1..10,000 (users 1..10 are rich, 1..500 own 20 servers each). */
  tokenOf(n: number): string;
  /** Suggested run length and concurrency, from BENCH_SECONDS / BENCH_CONNECTIONS / BENCH_ROUNDS. */
  seconds: number;
  connections: number;
  rounds: number;
  load(options: LoadOptions): Promise<LoadResult>;
  log(message: string): void;
}

/** One line of the report's "more scenarios" table. */
export interface ScenarioRow {
  scenario: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  notes?: string;
}

export type BenchScenario = (ctx: BenchContext) => Promise<ScenarioRow[]>;
