/**
 * Group commit: items handed in while a flush is running wait and go together in the next flush (up to `max`).
 * Alone, an item is flushed at once; under load, one flush (one transaction) takes many, with no timer to tune.
 * A failed flush of several items retries them one by one, so one bad item does not fail the others.
 */
export class GroupCommit<T, R> {
  private readonly pending: Array<{ item: T; resolve: (r: R) => void; reject: (err: unknown) => void }> = [];
  private flushing = false;

  constructor(
    private readonly flush: (items: T[]) => Promise<R[]>,
    private readonly max: number,
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.flushing) {
      return;
    }
    this.flushing = true;
    try {
      while (this.pending.length) {
        const batch = this.pending.splice(0, this.max);
        try {
          const results = await this.flush(batch.map((b) => b.item));
          batch.forEach((b, i) => b.resolve(results[i]));
        } catch (err) {
          if (batch.length === 1) {
            batch[0].reject(err);
            continue;
          }
          for (const b of batch) {
            await this.flush([b.item]).then(([r]) => b.resolve(r), b.reject);
          }
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
