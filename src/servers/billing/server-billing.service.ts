import { Injectable, Logger } from '@nestjs/common';
import { BackgroundJob } from '../../common/background/background-job';
import { PeriodicJob } from '../../common/background/periodic-job';
import { DomainError, ErrorCode } from '../../common/errors/domain-error';
import { AppConfig } from '../../config/app-config';
import { CreditReason } from '../../credits/credits.types';
import { Transactions, Tx } from '../../database/transactions';
import { GameCatalogService } from '../catalog/game-catalog.service';
import { ServerProvisioner } from '../lifecycle/server-provisioner.service';
import { ServersRepository } from '../servers.repository';
import { Server, StopReason } from '../servers.types';
import { hourKey, nextBilledUntil } from './billing-clock';
import { ServerPayer } from './server-payer.service';

/** Rows claimed per transaction: small, so a claim never holds many rows (or one user's row) for long. */
const BATCH = 20;
/** Upper bound of batches per tick; whatever is left is billed by the next tick. */
const MAX_BATCHES = 50;

export interface BillingRun {
  charged: number;
  stopped: number;
}

/**
 * Charges each further hour of live servers when their paid hour ends (scheduler role). Every
 * replica may run it: rows are claimed with SKIP LOCKED and each hour has its own ledger key, so
 * an hour is charged once however many replicas or retries see it. A server whose owner cannot pay
 * is stopped with stop_reason insufficient_credits (a guild server: when its treasury cannot, and the guild's channel is told).
 */
@Injectable()
export class ServerBillingService implements BackgroundJob {
  private readonly logger = new Logger(ServerBillingService.name);
  private running: Promise<BillingRun> | null = null;
  private readonly job: PeriodicJob;

  constructor(
    private readonly transactions: Transactions,
    private readonly servers: ServersRepository,
    private readonly payer: ServerPayer,
    private readonly provisioner: ServerProvisioner,
    private readonly catalog: GameCatalogService,
    config: AppConfig,
  ) {
    this.job = new PeriodicJob({ what: 'Billing tick', everyMs: config.BILLING_TICK_MS, logger: this.logger, run: () => this.runOnce() });
  }

  start(): void {
    this.job.start();
  }

  stop(): Promise<void> {
    return this.job.stop();
  }

  /** One tick: bills every hour due at `now`. Overlapping calls share the run in progress. */
  runOnce(now: Date = new Date()): Promise<BillingRun> {
    this.running ??= this.bill(now).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async bill(now: Date): Promise<BillingRun> {
    const total: BillingRun = { charged: 0, stopped: 0 };
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const { claimed, charged, broke } = await this.transactions.run(async (tx) => {
        const due = await this.servers.claimDue(tx, now, BATCH);
        let paid = 0;
        const unpaid: Server[] = [];
        for (const s of due) {
          // Each hour is charged at the catalog's price when it begins: a price change applies from the next billed hour.
          const price = this.catalog.priceOf(s.gameType) ?? s.costPerHour;
          if (await this.chargeHour(tx, s, price)) {
            await this.servers.extendPaidUntil(tx, s.id, nextBilledUntil(s.billedUntil!), price);
            paid += 1;
          } else {
            await this.servers.beginStop(tx, s.id, StopReason.INSUFFICIENT_CREDITS, `Stopped: the balance could not pay the next hour (${price} GC)`);
            await this.payer.cannotPayIn(tx, s, price);
            unpaid.push(s);
          }
        }
        return { claimed: due.length, charged: paid, broke: unpaid };
      });
      total.charged += charged;
      for (const s of broke) {
        await this.provisioner
          .release(s, 'stopped')
          .catch((err: unknown) => this.logger.warn({ err }, `Could not delete the GameServer of unpaid server ${s.id}; the reconciler retries`));
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
  private async chargeHour(tx: Tx, s: Server, price: number): Promise<boolean> {
    try {
      await this.payer.spendIn(tx, s, price, CreditReason.SERVER_HOUR, {
        reference: s.id,
        idempotencyKey: hourKey(s.id, s.billedUntil!),
      });
      return true;
    } catch (err) {
      if (err instanceof DomainError && err.code === ErrorCode.INSUFFICIENT_CREDITS) {
        return false;
      }
      throw err;
    }
  }
}
