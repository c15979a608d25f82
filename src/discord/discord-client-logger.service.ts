import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Client } from 'discord.js';

/**
 * Logs what the Discord client reports. The `error` listener is load-bearing: discord.js re-emits a
 * rejected event handler as `error`, and an EventEmitter with no `error` listener kills the process.
 */
@Injectable()
export class DiscordClientLogger implements OnModuleInit {
  private readonly logger = new Logger('DiscordClient');

  constructor(private readonly client: Client) {}

  onModuleInit(): void {
    this.client.on('error', (err) => this.logger.error({ err }, 'Discord client error'));
    this.client.on('shardError', (err, shardId) => this.logger.error({ err, shardId }, 'Discord gateway connection error'));
    this.client.on('warn', (message) => this.logger.warn(message));
    this.client.on('shardDisconnect', (event, shardId) => this.logger.warn({ code: event.code, shardId }, 'Discord gateway disconnected'));
  }
}
