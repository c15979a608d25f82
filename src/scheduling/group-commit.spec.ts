import { GroupCommit } from './group-commit';

/** A GroupCommit whose first flush waits for release(), so items added meanwhile queue up; flushes lists each batch. */
function heldFirstFlush<R>(max: number, answer: (items: number[]) => R[]) {
  const flushes: number[][] = [];
  let release!: () => void;
  const commit = new GroupCommit<number, R>(async (items) => {
    flushes.push(items);
    if (flushes.length === 1) {
      await new Promise<void>((r) => {
        release = r;
      });
    }
    return answer(items);
  }, max);
  return { commit, flushes, release: () => release() };
}

describe('GroupCommit', () => {
  it('flushes an item alone at once, and what arrives during a flush together in the next one', async () => {
    const { commit, flushes, release } = heldFirstFlush(10, (items) => items.map((i) => `ok ${i}`));
    const first = commit.add(1);
    const later = [commit.add(2), commit.add(3), commit.add(4)];
    expect(flushes).toEqual([[1]]);
    release();
    await expect(first).resolves.toBe('ok 1');
    await expect(Promise.all(later)).resolves.toEqual(['ok 2', 'ok 3', 'ok 4']);
    expect(flushes).toEqual([[1], [2, 3, 4]]);
  });

  it('takes at most `max` items per flush', async () => {
    const { commit, flushes, release } = heldFirstFlush(2, (items) => items);
    const all = [1, 2, 3, 4, 5].map((i) => commit.add(i));
    release();
    await Promise.all(all);
    expect(flushes).toEqual([[1], [2, 3], [4, 5]]);
  });

  it('retries a failed batch item by item, so only the bad item fails', async () => {
    const { commit, flushes, release } = heldFirstFlush(10, (items) => {
      if (items.includes(3)) {
        throw new Error('bad item 3');
      }
      return items.map((i) => i * 10);
    });
    const first = commit.add(1);
    const batch = [2, 3, 4].map((i) => commit.add(i).catch((err: Error) => err.message));
    release();
    await first;
    await expect(Promise.all(batch)).resolves.toEqual([20, 'bad item 3', 40]);
    expect(flushes).toEqual([[1], [2, 3, 4], [2], [3], [4]]);
  });
});
