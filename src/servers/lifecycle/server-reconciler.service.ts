import { Injectable, Logger } from '@nestjs/common';
import { AgonesClient } from '../../agones/agones.client';
import { BackgroundJob } from '../../common/background/background-job';
import { PeriodicJob } from '../../common/background/periodic-job';
import { AppConfig } from '../../config/app-config';
import { ServersRepository } from '../servers.repository';
import { ServerProvisioner } from './server-provisioner.service';
import { LIVE_STATUSES } from './server-status';

export interface ReconcileRun {
  applied: number;
  lost: number;
  finished: number;
  volumesRemoved: number;
}

/**
 * Makes the database and Agones agree (scheduler role, at boot and every RECONCILE_INTERVAL_MS):
 * every listed GameServer is applied like a watch event (which also deletes GameServers no record
 * wants), live records whose GameServer is missing end with a reason, stops or deletes interrupted by
 * a crash are finished, and world volumes whose server is gone are deleted. Every START_DEADLINE_CHECK_MS
 * it also ends starts that are past their boot deadline.
 */
@Injectable()
export class ServerReconcilerService implements BackgroundJob {
  private readonly logger = new Logger(ServerReconcilerService.name);
  private running: Promise<ReconcileRun> | null = null;
  private expiring: Promise<number> | null = null;
  private readonly reconciling: PeriodicJob;
  private readonly deadlines: PeriodicJob;

  constructor(
    private readonly agones: AgonesClient,
    private readonly servers: ServersRepository,
    private readonly provisioner: ServerProvisioner,
    private readonly config: AppConfig,
  ) {
    this.reconciling = new PeriodicJob({
      what: 'Reconciliation',
      everyMs: config.RECONCILE_INTERVAL_MS,
      runAtStart: true,
      logger: this.logger,
      run: () => this.runOnce(),
    });
    this.deadlines = new PeriodicJob({
      what: 'Start deadline check',
      everyMs: config.START_DEADLINE_CHECK_MS,
      logger: this.logger,
      run: () => this.expireStarts(),
    });
  }

  start(): void {
    this.reconciling.start();
    this.deadlines.start();
  }

  async stop(): Promise<void> {
    await Promise.all([this.reconciling.stop(), this.deadlines.stop()]);
  }

  /** Ends every start past its boot deadline (error, reason, hour refunded); returns how many. */
  expireStarts(now: Date = new Date()): Promise<number> {
    this.expiring ??= (async () => {
      const late = await this.servers.findPastStartDeadline(now);
      for (const s of late) {
        this.logger.warn(`Server ${s.id} was not Ready by ${s.startDeadline?.toISOString()}: ending the start`);
        await this.provisioner.expireStart(s);
      }
      return late.length;
    })().finally(() => {
      this.expiring = null;
    });
    return this.expiring;
  }

  /** Records changed less than this long before the listing may have a create or delete still in flight. */
  get graceMs(): number {
    return 3 * this.config.AGONES_TIMEOUT_MS;
  }

  runOnce(): Promise<ReconcileRun> {
    this.running ??= this.reconcile().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async reconcile(): Promise<ReconcileRun> {
    const listedAt = Date.now();
    const gameServers = await this.agones.list();
    const run: ReconcileRun = { applied: 0, lost: 0, finished: 0, volumesRemoved: 0 };
    for (const gs of gameServers) {
      await this.provisioner.apply({ type: 'MODIFIED', gameServer: gs });
      run.applied += 1;
    }
    const present = new Set(gameServers.map((gs) => gs.serverId));
    const settled = (updatedAt: Date) => updatedAt.getTime() < listedAt - this.graceMs;
    for (const s of await this.servers.findByStatus(LIVE_STATUSES)) {
      if (!present.has(s.id) && settled(s.updatedAt)) {
        this.logger.warn(`Server ${s.id} is ${s.status} but has no GameServer`);
        await this.provisioner.endRun(
          s.id,
          { startSeq: s.startSeq },
          { cause: 'gone', message: 'The GameServer disappeared (found missing by reconciliation)' },
          false,
        );
        run.lost += 1;
      }
    }
    for (const s of await this.servers.findByStatus(['stopping', 'deleting'])) {
      if (settled(s.updatedAt)) {
        await this.provisioner.release(s, s.status === 'stopping' ? 'stopped' : 'removed').then(
          () => {
            run.finished += 1;
          },
          (err: unknown) => this.logger.warn({ err }, `Could not finish ${s.status} server ${s.id}`),
        );
      }
    }
    run.volumesRemoved = await this.removeOrphanVolumes();
    return run;
  }

  /** Volumes whose server record is gone (a delete that could not remove its volume, a crash in between). */
  private async removeOrphanVolumes(): Promise<number> {
    const withVolume = await this.agones.listVolumes();
    const existing = await this.servers.existingIds(withVolume);
    let removed = 0;
    for (const serverId of withVolume.filter((id) => !existing.has(id))) {
      this.logger.warn(`Deleting the world volume of server ${serverId}: the server no longer exists`);
      await this.provisioner.deleteVolumeQuietly(serverId);
      removed += 1;
    }
    return removed;
  }
}
