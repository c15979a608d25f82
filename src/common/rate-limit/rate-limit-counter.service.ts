/** One request counted in a fixed window: how many so far, and when the window ends. */
export interface WindowHit {
  count: number;
  resetInMs: number;
}

/**
 * Fixed-window counters: the first hit of a key opens a window of `windowMs`, later hits in it add up.
 * Memory (per replica) by default; Redis when REDIS_URL is set, so every replica counts against one total.
 */
export abstract class RateLimitCounter {
  abstract hit(key: string, windowMs: number): Promise<WindowHit>;
}

/** Windows swept from memory every this many hits, so a flood of distinct keys cannot grow the map forever. */
const SWEEP_EVERY = 10_000;

export class MemoryRateLimitCounter extends RateLimitCounter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private hits = 0;

  hit(key: string, windowMs: number): Promise<WindowHit> {
    const now = Date.now();
    if (++this.hits % SWEEP_EVERY === 0) {
      for (const [k, w] of this.windows) {
        if (w.resetAt <= now) {
          this.windows.delete(k);
        }
      }
    }
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, w);
    }
    w.count += 1;
    return Promise.resolve({ count: w.count, resetInMs: w.resetAt - now });
  }
}
