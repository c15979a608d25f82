import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError, ErrorCode } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { CreditsService } from '../credits/credits.service';
import { CreditReason } from '../credits/credits.types';
import { hourKey, nextBilledUntil } from './billing-clock';
import { Server } from './server.entity';
import { ServerProvisioner } from './server-provisioner.service';
import { ServersRepository } from './servers.repository';
import { StopReason } from './servers.types';

/** Rows claimed per transaction: small, so a claim never holds many rows (or one user's row) for long. */
const BATCH = 20;
/** Upper bound of batches per tick; whatever is left is billed by the next tick. */
const MAX_BATCHES = 50;

export interface BillingRun { charged: number; stopped: number }

/**
 * Charges each further hour of live servers when their paid hour ends (scheduler role). Every
 * replica may run it: rows are claimed with SKIP LOCKED and each hour has its own ledger key, so
 * an hour is charged once however many replicas or retries see it. A server whose owner cannot pay
 * is stopped with stop_reason insufficient_credits.
 */
@Injectable()
export class ServerBillingService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ServerBillingService.name);
  private running: Promise<BillingRun> | null = null;

  constructor(
    private readonly db: DataSource,
    private readonly servers: ServersRepository,
    private readonly credits: CreditsService,
    private readonly provisioner: ServerProvisioner,
    private readonly config: AppConfig,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.hasRole('scheduler')) {
      return;
    }
    const timer = setInterval(() => {
      this.runOnce().catch((err: unknown) => this.logger.error({ err }, 'Billing tick failed; the next tick retries'));
    }, this.config.BILLING_TICK_MS);
    timer.unref();
    this.scheduler.addInterval('server-billing', timer);
  }

  /** One tick: bills every hour due at `now`. Overlapping calls share the run in progress. */
  runOnce(now: Date = new Date()): Promise<BillingRun> {
    this.running ??= this.bill(now).finally(() => { this.running = null; });
    return this.running;
  }

  private async bill(now: Date): Promise<BillingRun> {
    const total: BillingRun = { charged: 0, stopped: 0 };
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const { claimed, charged, broke } = await this.db.transaction(async (em) => {
        const due = await this.servers.claimDue(em, now, BATCH);
        let paid = 0;
        const unpaid: Server[] = [];
        for (const s of due) {
          if (await this.chargeHour(em, s)) {
            await this.servers.update(em, s.id, { billedUntil: nextBilledUntil(s.billedUntil!) });
            paid += 1;
          } else {
            await this.servers.update(em, s.id, {
              status: 'stopping', stopReason: StopReason.INSUFFICIENT_CREDITS, startCharged: false,
              lastError: `Stopped: the balance could not pay the next hour (${s.costPerHour} GC)`,
            });
            unpaid.push(s);
          }
        }
        return { claimed: due.length, charged: paid, broke: unpaid };
      });
      total.charged += charged;
      for (const s of broke) {
        await this.provisioner.release(s, 'stopped').catch((err: unknown) =>
          this.logger.warn({ err }, `Could not delete the GameServer of unpaid server ${s.id}; the reconciler retries`));
        total.stopped += 1;
      }
      if (claimed === 0) {
        break;
      }
    }
    if (total.charged || total.stopped) {
      this.logger.log(`Billing: charged ${total.charged} hour(s), stopped ${total.stopped} unpaid server(s)`);
    }
    return total;
  }

  /** True when the hour is paid (or was paid by an earlier attempt); false when the owner cannot pay. */
  private async chargeHour(em: EntityManager, s: Server): Promise<boolean> {
    try {
      await this.credits.spend(s.ownerId, s.costPerHour, CreditReason.SERVER_HOUR,
        { reference: s.id, idempotencyKey: hourKey(s.id, s.billedUntil!) }, em);
      return true;
    } catch (err) {
      if (err instanceof DomainError && err.code === ErrorCode.INSUFFICIENT_CREDITS) {
        return false;
      }
      throw err;
    }
  }
}
