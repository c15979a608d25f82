import { type InteractionHandle } from '../test/fakes/fake-discord-interactions';

export interface LatencySummary {
  samples: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of ascending `sorted` values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) {
    return Number.NaN;
  }
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function summarize(samplesMs: number[]): LatencySummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, v) => sum + v, 0) / (sorted.length || 1);
  return { samples: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN, mean };
}

/**
 * Interaction-to-first-response latency through the fake Discord: dispatches `send()` (e.g.
 * `() => fake.sendCommand({ user, name: 'credits' })`) `iterations` times, `concurrency` at a time,
 * after `warmup` unmeasured rounds, and summarizes ms from INTERACTION_CREATE to the bot's first callback.
 */
export async function measureFirstResponse(
  send: () => InteractionHandle,
  opts: { iterations: number; concurrency?: number; warmup?: number; timeoutMs?: number },
): Promise<LatencySummary> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  for (let i = 0; i < (opts.warmup ?? 3); i += 1) {
    await send().reply(timeoutMs);
  }
  const samples: number[] = [];
  let remaining = opts.iterations;
  const worker = async () => {
    while (remaining > 0) {
      remaining -= 1;
      samples.push(await send().firstResponseMs(timeoutMs));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 1) }, worker));
  return summarize(samples);
}
