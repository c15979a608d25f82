import { Injectable, Logger } from '@nestjs/common';
import { AgonesClient, GameServerEvent } from '../../agones/agones.client';
import { BackgroundJob } from '../../common/background/background-job';
import { ServerProvisioner } from './server-provisioner.service';

/**
 * Follows GameServers through the Agones watch (scheduler role) so status, address and port track
 * them without polling. Events are applied one at a time, in order, so a late event can never
 * overtake a newer one for the same GameServer.
 */
@Injectable()
export class ServerWatchService implements BackgroundJob {
  private readonly logger = new Logger(ServerWatchService.name);
  private stopWatching?: () => void;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly agones: AgonesClient,
    private readonly provisioner: ServerProvisioner,
  ) {}

  start(): void {
    this.stopWatching ??= this.agones.watch((event) => this.enqueue(event));
  }

  /** Closes the watch and waits for the events already received to be applied. */
  async stop(): Promise<void> {
    this.stopWatching?.();
    this.stopWatching = undefined;
    await this.queue;
  }

  /** Resolves once every event received so far has been applied. */
  drained(): Promise<void> {
    return this.queue;
  }

  private enqueue(event: GameServerEvent): void {
    this.queue = this.queue
      .then(() => this.provisioner.apply(event))
      .catch((err: unknown) =>
        this.logger.warn({ err }, `Could not apply ${event.type} of GameServer ${event.gameServer.name}; the reconciler catches up`),
      );
  }
}
