import { Injectable, Logger } from '@nestjs/common';
import { AgonesClient, GameServerEvent, GameServerInfo } from '../../agones/agones.client';
import { traced } from '../../common/tracing/traced';
import { isUuid } from '../../common/values/uuid';
import { AppConfig } from '../../config/app-config';
import { CreditReason } from '../../credits/credits.types';
import { ServerPayer } from '../billing/server-payer.service';
import { Transactions, Tx } from '../../database/transactions';
import { WebhooksService } from '../../webhooks/webhooks.service';
import { WebhookEvent } from '../../webhooks/webhooks.types';
import { BILLING_HOUR_MS, refundKey } from '../billing/billing-clock';
import { GameType } from '../catalog/game-catalog';
import { GameCatalogService } from '../catalog/game-catalog.service';
import { ServersRepository } from '../servers.repository';
import { Server, ServerPort, StopReason, toServerView } from '../servers.types';
import { isLive, outcomeOf } from './server-status';

/** A start whose money and state are committed; what is left is asking Agones for the GameServer. */
export interface StartPlan {
  serverId: string;
  ownerId: string;
  gameType: string;
  startSeq: number;
  /** A GameServer left behind by an earlier failure, deleted before the new one is created. */
  staleGameServer: string | null;
  /** A failed first start removes the record it was creating (POST /servers answers 502/503 and leaves nothing). */
  removeOnFailure: boolean;
}

/** Why a start or a running server ended without being asked to. */
export interface Ending {
  cause: 'gone' | 'failed';
  message: string;
}

const reasonOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Everything between a server record and its Agones GameServer: creating and deleting GameServers
 * outside any transaction, undoing a failed start (refund included), and applying what Agones
 * reports back (from the watch, the reconciler or right after a create).
 */
@Injectable()
export class ServerProvisioner {
  private readonly logger = new Logger(ServerProvisioner.name);

  constructor(
    private readonly transactions: Transactions,
    private readonly servers: ServersRepository,
    private readonly agones: AgonesClient,
    private readonly payer: ServerPayer,
    private readonly catalog: GameCatalogService,
    private readonly webhooks: WebhooksService,
    private readonly config: AppConfig,
  ) {}

  /** How long a start of this game may take to become Ready. */
  bootMs(game: GameType): number {
    return (game.readiness.bootSeconds ?? this.config.SERVER_BOOT_TIMEOUT_SECONDS) * 1000;
  }

  /**
   * Creates the GameServer of a committed start, with the server's world volume (created on its first start, kept
   * afterwards); on failure undoes the start and rethrows the upstream error.
   */
  async provision(plan: StartPlan): Promise<void> {
    if (plan.staleGameServer) {
      await this.deleteQuietly(plan.staleGameServer);
    }
    let created: GameServerInfo;
    const game = this.catalog.require(plan.gameType);
    try {
      created = await traced('agones.create', { 'agis.server.id': plan.serverId, 'agis.game_type': game.key }, async () => {
        await this.agones.ensureVolume({ serverId: plan.serverId, ownerId: plan.ownerId, size: game.storage });
        return this.agones.create({
          serverId: plan.serverId,
          ownerId: plan.ownerId,
          gameType: game.key,
          image: game.image,
          ports: game.ports,
          resources: game.resources,
          env: game.env,
          args: game.args,
          dataPath: game.dataPath,
          readiness: { check: game.readiness.check, port: game.readiness.port },
        });
      });
    } catch (err) {
      await this.endRun(
        plan.serverId,
        { startSeq: plan.startSeq },
        { cause: 'failed', message: `Could not create the GameServer: ${reasonOf(err)}` },
        plan.removeOnFailure,
      );
      if (plan.removeOnFailure && !(await this.servers.findById(plan.serverId))) {
        // The record is gone with its failed first start: so is the volume made for it.
        await this.deleteVolumeQuietly(plan.serverId);
      }
      throw err;
    }
    if (!(await this.servers.attachGameServer(plan.serverId, plan.startSeq, created.name, new Date(Date.now() + this.bootMs(game))))) {
      // Stopped, deleted or restarted while Agones was creating it: nobody wants this GameServer any more.
      await this.deleteQuietly(created.name);
      return;
    }
    // Events that arrived before the name was attached were ignored; read the current state once.
    const latest = await this.agones.get(created.name).catch(() => undefined);
    await this.apply(latest === null ? { type: 'DELETED', gameServer: created } : { type: 'MODIFIED', gameServer: latest ?? created });
  }

  /**
   * Deletes the GameServer of a server being stopped or deleted, then completes that step. If Agones
   * refuses, the server shows `error` with the reason (and keeps the name for a retry) and the error is rethrown.
   * Returns the stopped server as this stop left it (null when removed, or when something else finished it first).
   */
  async release(server: Pick<Server, 'id' | 'startSeq' | 'gameserverName'>, then: 'stopped' | 'removed'): Promise<Server | null> {
    if (server.gameserverName) {
      try {
        const name = server.gameserverName;
        await traced('agones.delete', { 'agis.server.id': server.id, 'agis.gameserver': name }, () => this.agones.delete(name));
      } catch (err) {
        await this.transactions.run(async (tx) => {
          if (await this.servers.markReleaseFailed(tx, server.id, `Could not delete the GameServer: ${reasonOf(err)}`)) {
            await this.emit(tx, server.id, 'server.failed');
          }
        });
        throw err;
      }
    }
    const stopped = await this.transactions.run(async (tx) => {
      if (then === 'stopped') {
        const row = await this.servers.finishStop(tx, server.id, server.startSeq);
        if (row) {
          await this.emitFor(tx, row, 'server.stopped');
        }
        return row;
      }
      const row = await this.servers.lock(tx, server.id);
      if (row && (await this.servers.removeIfDeleting(tx, server.id))) {
        await this.emitFor(tx, row, 'server.deleted');
      }
      return null;
    });
    if (then === 'removed') {
      // After the GameServer is gone, so the claim is not held by a pod; the reconciler sweeps what this misses.
      await this.deleteVolumeQuietly(server.id);
    }
    return stopped;
  }

  /**
   * A start not Ready by its deadline ends in error with the reason read from the GameServer and its pod, its
   * hour refunded, and its GameServer deleted.
   */
  async expireStart(server: Pick<Server, 'id' | 'startSeq' | 'gameserverName' | 'gameType'>): Promise<void> {
    const game = this.catalog.require(server.gameType);
    const diagnosis = server.gameserverName ? await this.agones.diagnose(server.gameserverName).catch(() => null) : null;
    const minutes = Math.round(this.bootMs(game) / 60_000);
    await this.endRun(
      server.id,
      { startSeq: server.startSeq },
      {
        cause: 'failed',
        message: `Not ready within ${minutes} minute${minutes === 1 ? '' : 's'}: ${diagnosis ?? 'the game never answered its readiness check'}`,
      },
      false,
    );
    if (server.gameserverName) {
      await this.deleteQuietly(server.gameserverName);
    }
  }

  /** Applies one GameServer change to its server record; GameServers no record wants are deleted. */
  async apply(event: GameServerEvent): Promise<void> {
    const gs = event.gameServer;
    const outcome = outcomeOf(gs.state, event.type === 'DELETED');
    const server = gs.serverId && isUuid(gs.serverId) ? await this.servers.findById(gs.serverId) : null;
    const live = server !== null && isLive(server.status);
    if (!live || server.gameserverName !== gs.name) {
      // A live record without a name is a start whose create call has not returned yet: not an orphan.
      const inFlight = live && server.gameserverName === null;
      if (!inFlight && outcome !== 'gone') {
        this.logger.warn(`Deleting GameServer ${gs.name}: no server record wants it (server id ${gs.serverId ?? 'none'})`);
        await this.deleteQuietly(gs.name);
      }
      return;
    }
    if (outcome === 'ready') {
      const placement = { address: gs.address, ports: this.portsOf(server.gameType, gs), players: gs.players };
      await this.transactions.run(async (tx) => {
        const before = await this.servers.lock(tx, server.id);
        if ((await this.servers.markReady(tx, server.id, gs.name, placement)) && before?.status !== 'running') {
          await this.emit(tx, server.id, 'server.started');
        }
      });
    } else if (outcome === 'gone') {
      await this.endRun(server.id, { gameserverName: gs.name }, { cause: 'gone', message: 'The GameServer was shut down outside agis' }, false);
    } else if (outcome === 'failed') {
      const diagnosis = await this.agones.diagnose(gs.name).catch(() => null);
      await this.endRun(
        server.id,
        { gameserverName: gs.name },
        { cause: 'failed', message: diagnosis ?? `The GameServer became ${gs.state}` },
        false,
      );
      await this.deleteQuietly(gs.name);
    }
  }

  /**
   * Ends a start that will not reach (or stay in) running. A start that never got Ready is refunded
   * once (keyed by its sequence) and its paid hour handed back; a server that had been running simply
   * ends: `stopped` if its GameServer went away, `error` otherwise. Matches the start by sequence or
   * GameServer name so a late report about an older start changes nothing.
   */
  async endRun(serverId: string, match: { startSeq: number } | { gameserverName: string }, ending: Ending, remove: boolean): Promise<void> {
    await this.transactions.run(async (tx) => {
      const s = await this.servers.lock(tx, serverId);
      const matches = s && ('startSeq' in match ? s.startSeq === match.startSeq : s.gameserverName === match.gameserverName);
      if (!s || !matches || !isLive(s.status)) {
        return;
      }
      if (s.startCharged) {
        await this.payer.refundIn(tx, s, s.costPerHour, CreditReason.REFUND, {
          reference: s.id,
          idempotencyKey: refundKey(s.id, s.startSeq),
        });
      }
      if (remove && s.status === 'creating') {
        await this.servers.remove(tx, s.id);
        await this.webhooks.enqueueIn(tx, s.ownerId, 'server.failed', { server: { ...toServerView(s), status: 'error', lastError: ending.message } });
        return;
      }
      await this.endLive(tx, s, ending);
      const ended = await this.servers.lock(tx, s.id);
      await this.emit(tx, s.id, ended?.status === 'stopped' ? 'server.stopped' : 'server.failed');
    });
  }

  /** The webhook event of a state change, with the server as it now is, in the change's transaction. */
  private async emit(tx: Tx, serverId: string, event: WebhookEvent): Promise<void> {
    const s = await this.servers.findIn(tx, serverId);
    if (s) {
      await this.emitFor(tx, s, event);
    }
  }

  /** emit() for a row the caller already holds as the change left it (no re-read). */
  private emitFor(tx: Tx, s: Server, event: WebhookEvent): Promise<void> {
    return this.webhooks.enqueueIn(tx, s.ownerId, event, { server: toServerView(s) });
  }

  /** A refunded start hands its paid hour back (billed_until moves back one hour). */
  private async endLive(tx: Tx, s: Server, ending: Ending): Promise<void> {
    const gone = ending.cause === 'gone';
    await this.servers.endRun(tx, s.id, {
      status: s.status === 'running' && gone ? 'stopped' : 'error',
      stopReason: gone ? StopReason.GAMESERVER_GONE : StopReason.GAMESERVER_FAILED,
      lastError: ending.message,
      billedUntil: s.startCharged && s.billedUntil ? new Date(s.billedUntil.getTime() - BILLING_HOUR_MS) : s.billedUntil,
    });
  }

  /** Host ports as Agones reports them, with each port's protocol from the catalog. */
  private portsOf(gameType: string, gs: GameServerInfo): ServerPort[] {
    const declared = this.catalog.require(gameType).ports;
    return gs.ports.map((p) => ({ name: p.name, port: p.port, protocol: declared.find((d) => d.name === p.name)?.protocol ?? 'UDP' }));
  }

  /** The game container's last lines. */
  logsOf(gameserverName: string, tail: number): Promise<string[]> {
    return this.agones.logs(gameserverName, tail);
  }

  async deleteVolumeQuietly(serverId: string): Promise<void> {
    try {
      await this.agones.deleteVolume(serverId);
    } catch (err) {
      this.logger.warn(`Could not delete the world volume of server ${serverId} (the reconciler retries): ${reasonOf(err)}`);
    }
  }

  async deleteQuietly(name: string): Promise<void> {
    try {
      await this.agones.delete(name);
    } catch (err) {
      this.logger.warn(`Could not delete GameServer ${name} (the reconciler retries): ${reasonOf(err)}`);
    }
  }
}
