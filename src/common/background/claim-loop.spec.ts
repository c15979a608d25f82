import { type Logger } from '@nestjs/common';
import { ClaimLoop } from './claim-loop';

/** A table of due rows the loop claims from, and handlers the test finishes one by one. */
function fixture(due: number, limit: number) {
  let next = 0;
  const claims: number[] = [];
  const running = new Map<number, () => void>();
  let peak = 0;
  const loop = new ClaimLoop<number>({
    what: 'test',
    intervalMs: 60_000,
    limit: () => limit,
    claim: async (n) => {
      claims.push(n);
      const rows = Array.from({ length: Math.min(n, due - next) }, (_, i) => next + i);
      next += rows.length;
      return rows;
    },
    handle: (row) =>
      new Promise<void>((resolve) => {
        running.set(row, resolve);
        peak = Math.max(peak, running.size);
      }),
    logger: { error: jest.fn() } as unknown as Logger,
  });
  const finish = async (row: number) => {
    running.get(row)!();
    running.delete(row);
    // Let the loop see the freed slot and claim.
    await new Promise((r) => setImmediate(r));
  };
  return { loop, claims, running, finish, peak: () => peak };
}

describe('ClaimLoop', () => {
  it('keeps claiming as slots free up instead of waiting for the slowest row of a claim', async () => {
    const f = fixture(10, 4);
    const tick = f.loop.tick();
    await new Promise((r) => setImmediate(r));
    expect([...f.running.keys()]).toEqual([0, 1, 2, 3]);
    // Row 0 stays slow; once half the slots are free the next due rows start, without waiting for row 0.
    await f.finish(1);
    expect([...f.running.keys()]).toEqual([0, 2, 3]);
    await f.finish(2);
    expect(f.running.has(0)).toBe(true);
    expect([...f.running.keys()].sort((a, b) => a - b)).toEqual([0, 3, 4, 5]);
    while (f.running.size) {
      await f.finish([...f.running.keys()][0]);
    }
    await expect(tick).resolves.toBe(10);
    expect(f.peak()).toBe(4);
    // Never more claimed than there were free slots.
    expect(f.claims.every((n) => n >= 1 && n <= 4)).toBe(true);
  });

  it('finishes the tick only when every claimed row is handled', async () => {
    const f = fixture(3, 8);
    let done = false;
    const tick = f.loop.tick().then((n) => {
      done = true;
      return n;
    });
    await new Promise((r) => setImmediate(r));
    expect(f.claims).toEqual([8]);
    await f.finish(0);
    await f.finish(1);
    expect(done).toBe(false);
    await f.finish(2);
    await expect(tick).resolves.toBe(3);
  });

  it('keeps going when a handler throws, and logs it', async () => {
    const error = jest.fn();
    const handled: number[] = [];
    let next = 0;
    const loop = new ClaimLoop<number>({
      what: 'flaky',
      intervalMs: 60_000,
      limit: () => 2,
      claim: async (n) => {
        const rows = Array.from({ length: Math.min(n, 5 - next) }, (_, i) => next + i);
        next += rows.length;
        return rows;
      },
      handle: async (row) => {
        if (row === 1) {
          throw new Error('boom');
        }
        handled.push(row);
      },
      logger: { error } as unknown as Logger,
    });
    await expect(loop.tick()).resolves.toBe(5);
    expect(handled.sort()).toEqual([0, 2, 3, 4]);
    expect(error).toHaveBeenCalledWith(expect.objectContaining({ err: expect.any(Error) }), expect.stringContaining('flaky handler failed'));
  });

  describe("resting between ticks (fake timers: the loop's clock is the test's, not the machine's)", () => {
    /** Runs every microtask and callback queued so far (setImmediate stays real under these fake timers). */
    const settle = () => new Promise((r) => setImmediate(r));
    /** An idle loop: nothing is ever due; `nextDueInMs` says when the next row falls due. */
    const idleLoop = (nextDueInMs: () => Promise<number | null>) => {
      const loop = new ClaimLoop<number>({
        what: 'idle',
        intervalMs: 60_000,
        limit: () => 4,
        claim: async () => {
          idle.claims += 1;
          return [];
        },
        handle: async () => undefined,
        nextDueInMs,
        logger: { error: jest.fn() } as unknown as Logger,
      });
      const idle = { loop, claims: 0 };
      return idle;
    };

    beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] }));
    afterEach(() => jest.useRealTimers());

    it('rests only until the next row is due when it knows when that is', async () => {
      const idle = idleLoop(async () => 20);
      idle.loop.start();
      await settle();
      expect(idle.claims).toBe(1);
      // Resting 20 ms, not the 60 s interval: no claim a moment before, the next one right on time.
      jest.advanceTimersByTime(19);
      await settle();
      expect(idle.claims).toBe(1);
      jest.advanceTimersByTime(1);
      await settle();
      expect(idle.claims).toBe(2);
      jest.advanceTimersByTime(20);
      await settle();
      expect(idle.claims).toBe(3);
      const stopping = idle.loop.stop();
      await settle();
      await stopping;
    });

    it('stop() during a rest returns without waiting out the interval, and no tick follows', async () => {
      const idle = idleLoop(async () => null);
      idle.loop.start();
      await settle();
      expect(idle.claims).toBe(1);
      expect(jest.getTimerCount()).toBe(1); // the 60 s rest

      let stopped = false;
      void idle.loop.stop().then(() => {
        stopped = true;
      });
      await settle();
      // No time has passed on the loop's clock: only stop() can have ended the rest.
      expect(stopped).toBe(true);
      expect(jest.getTimerCount()).toBe(0);
      jest.advanceTimersByTime(120_000);
      await settle();
      expect(idle.claims).toBe(1);
    });
  });
});
