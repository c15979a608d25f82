import { DynamicModule, Module, ModuleMetadata, Type } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { makeCounterProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import { IntentsBitField } from 'discord.js';
import { NecordModule, NecordModuleOptions } from 'necord';
import { AppConfig } from '../config/app-config';
import { DiscordClientLogger } from './discord-client-logger.service';
import { BOT_COMMAND_DURATION, BOT_COMMANDS_TOTAL, DiscordInteractionInterceptor } from './discord-interaction.interceptor';
import { DiscordUsers } from './discord-users';

/** The gateway connection runs only in the bot role and only with a token (Discord is off by default). */
export function runsDiscordBot(config: AppConfig): boolean {
  return config.hasRole('bot') && !!config.DISCORD_TOKEN;
}

/** Client options from config: guild-scoped registration when a development guild is set, global otherwise. */
export function discordClientOptions(config: AppConfig): NecordModuleOptions {
  return {
    token: config.DISCORD_TOKEN ?? '',
    intents: [IntentsBitField.Flags.Guilds],
    development: config.DISCORD_DEV_GUILD_ID ? [config.DISCORD_DEV_GUILD_ID] : false,
    ...(config.DISCORD_API_URL ? { rest: { api: config.DISCORD_API_URL } } : {}),
  };
}

const botMetrics = [
  makeCounterProvider({ name: BOT_COMMANDS_TOTAL, help: 'Discord commands handled, by command and outcome', labelNames: ['command', 'status'] }),
  makeHistogramProvider({
    name: BOT_COMMAND_DURATION,
    help: 'Time from receiving a Discord command to finishing its handler',
    labelNames: ['command'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  }),
];

export interface DiscordModuleOptions {
  /** The modules exporting `users` (CreditsModule). */
  imports: NonNullable<ModuleMetadata['imports']>;
  /** The class that answers DiscordUsers (MembersService): bound here by the composition root, as discord/ names no feature. */
  users: Type<DiscordUsers>;
}

/**
 * The bot role: the Discord gateway connection (necord) and what every interaction goes through.
 * Feature modules keep their own command classes; AppModule imports this module only when the
 * process runs the `bot` role and a DISCORD_TOKEN is set.
 */
@Module({})
export class DiscordModule {
  static forRoot(options: DiscordModuleOptions): DynamicModule {
    return {
      module: DiscordModule,
      imports: [NecordModule.forRootAsync({ inject: [AppConfig], useFactory: discordClientOptions }), ...options.imports],
      providers: [
        ...botMetrics,
        DiscordClientLogger,
        { provide: DiscordUsers, useExisting: options.users },
        { provide: APP_INTERCEPTOR, useClass: DiscordInteractionInterceptor },
      ],
    };
  }
}
