export interface PollOptions {
  /** Give up after this long (default 10 s): a wait that cannot time out hangs the run instead of failing it. */
  timeoutMs?: number;
  /** Pause between probes (default 20 ms). */
  intervalMs?: number;
  /** Named in the timeout error: "Timed out waiting for <what>". */
  what?: string;
}

type Pending = undefined | false;

/**
 * The one way tests wait: probe, and probe again until the value is done or the deadline passes; never a sleep.
 * With `done`, returns the first value it accepts. Without, waits for a value other than undefined/false and returns it
 * (`await pollUntil(() => fake.openWatches > 0)`, `const gs = await pollUntil(() => gameServerOf(id))`).
 */
export async function pollUntil<T>(probe: () => T | Promise<T>, done: (value: T) => boolean, opts?: PollOptions): Promise<T>;
export async function pollUntil<T>(probe: () => T | Pending | Promise<T | Pending>, opts?: PollOptions): Promise<T>;
export async function pollUntil<T>(
  probe: () => T | Promise<T>,
  doneOrOpts?: ((value: T) => boolean) | PollOptions,
  maybeOpts?: PollOptions,
): Promise<T> {
  const done = typeof doneOrOpts === 'function' ? doneOrOpts : (v: T) => v !== undefined && v !== false;
  const opts = (typeof doneOrOpts === 'function' ? maybeOpts : doneOrOpts) ?? {};
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!done(value)) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${opts.what ?? 'condition'}; last value: ${JSON.stringify(value)?.slice(0, 500)}`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 20));
    value = await probe();
  }
  return value;
}
