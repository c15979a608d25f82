/** Polls `probe` until `done(value)` or the deadline; returns the last value. Tests wait this way, never with sleeps. */
export async function pollUntil<T>(probe: () => Promise<T>, done: (value: T) => boolean, opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  let value = await probe();
  while (!done(value)) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${opts.what ?? 'condition'}; last value: ${JSON.stringify(value)?.slice(0, 500)}`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 50));
    value = await probe();
  }
  return value;
}
