import { type Logger } from '@nestjs/common';
import { PeriodicJob } from './periodic-job';

describe('PeriodicJob', () => {
  const logger = { error: jest.fn() } as unknown as Logger;

  it('runs one at a time: a run asked for while one is going joins it instead of starting another', async () => {
    let release!: () => void;
    let runs = 0;
    const job = new PeriodicJob({
      what: 'test',
      everyMs: 60_000,
      logger,
      run: () => {
        runs += 1;
        return new Promise<void>((r) => {
          release = r;
        });
      },
    });
    const first = job.runOnce();
    const second = job.runOnce();
    expect(runs).toBe(1);
    release();
    await Promise.all([first, second]);
    const third = job.runOnce();
    expect(runs).toBe(2);
    release();
    await third;
  });

  it('logs a failed run and keeps going; stop() waits for the run in flight', async () => {
    const error = jest.fn();
    let finished = false;
    const job = new PeriodicJob({
      what: 'flaky',
      everyMs: 5,
      logger: { error } as unknown as Logger,
      runAtStart: true,
      run: async () => {
        await new Promise((r) => setTimeout(r, 20));
        finished = true;
        throw new Error('boom');
      },
    });
    job.start();
    await job.stop();
    expect(finished).toBe(true);
    expect(error).toHaveBeenCalledWith(expect.objectContaining({ err: expect.any(Error) }), expect.stringContaining('flaky failed'));
  });
});
