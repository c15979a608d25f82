import { type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { type BackgroundJob } from './background-job';

/**
 * What a role module extends to run its jobs: all start once the app is up, and all stop (waiting for
 * the pass in flight) before shutdown closes the database they write to.
 */
export abstract class JobRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected constructor(private readonly jobs: readonly BackgroundJob[]) {}

  onApplicationBootstrap(): void {
    for (const job of this.jobs) {
      job.start();
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.jobs.map((job) => job.stop()));
  }
}
