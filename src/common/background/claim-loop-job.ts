import { type BackgroundJob } from './background-job';
import { type ClaimLoop } from './claim-loop';

/**
 * A BackgroundJob that is one ClaimLoop (direct messages, guild notices, scheduled runs, webhook
 * deliveries): start, stop and a test's one pass come from here, the subclass builds its loop.
 */
export abstract class ClaimLoopJob<T> implements BackgroundJob {
  protected abstract readonly loop: ClaimLoop<T>;

  start(): void {
    this.loop.start();
  }

  /** Stops claiming and waits for the work in flight. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Claims and handles due rows until none are left (tests call it instead of waiting); returns how many. */
  tick(): Promise<number> {
    return this.loop.tick();
  }
}
