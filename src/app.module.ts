import { DynamicModule, Module } from '@nestjs/common';
import { ActivityModule } from './activity/activity.module';
import { AdminModule } from './admin/admin.module';
import { AgonesModule } from './agones/agones.module';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { ClockModule } from './common/values/clock';
import { HttpContractModule } from './common/http/http-contract.module';
import { IdempotencyModule } from './common/idempotency/idempotency.module';
import { RateLimitModule } from './common/rate-limit/rate-limit.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { CreditsModule } from './credits/credits.module';
import { MembersService } from './credits/members.service';
import { DatabaseModule } from './database/database.module';
import { DemoModule } from './demo/demo.module';
import { DiscordModule, runsDiscordBot } from './discord/discord.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { LeaderboardModule } from './leaderboard/leaderboard.module';
import { LobbyModule } from './lobby/lobby.module';
import { HelpModule } from './help/help.module';
import { MetricsModule } from './metrics/metrics.module';
import { RewardsModule } from './rewards/rewards.module';
import { SchedulerRoleModule } from './scheduler-role.module';
import { SchedulingModule } from './scheduling/scheduling.module';
import { DirectMessagesModule } from './servers/discord/direct-messages.module';
import { GuildNoticesModule } from './guilds/guild-notices.module';
import { GuildsModule } from './guilds/guilds.module';
import { ServersModule } from './servers/servers.module';
import { ShopModule } from './shop/shop.module';
import { UsersModule } from './users/users.module';
import { WebhooksModule } from './webhooks/webhooks.module';

/**
 * The composition root. Every process gets the feature modules (REST routes are mounted only in the
 * api role, by bootstrap); what a role adds is imported here and nowhere else: the scheduler role's
 * background jobs, and the Discord gateway with the bot's own jobs. The layers' ports are bound here
 * too: DiscordUsers (the Discord layer's users) to the economy's MembersService (new members get their starter credits).
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    const bot = runsDiscordBot(config);
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        ClockModule,
        DatabaseModule.forRoot(config),
        HttpContractModule,
        IdempotencyModule,
        // Before ApiKeysModule: its guard runs first, so refused keys are counted and every answer carries the headers.
        RateLimitModule,
        MetricsModule,
        AgonesModule,
        HealthModule,
        UsersModule,
        CreditsModule,
        ServersModule,
        SchedulingModule,
        ShopModule,
        LeaderboardModule,
        LobbyModule,
        GuildsModule,
        HelpModule,
        AdminModule,
        RewardsModule,
        ActivityModule,
        EventsModule,
        WebhooksModule,
        ApiKeysModule,
        DemoModule,
        ...(config.hasRole('scheduler') ? [SchedulerRoleModule] : []),
        ...(bot ? [DiscordModule.forRoot({ imports: [CreditsModule], users: MembersService }), DirectMessagesModule, GuildNoticesModule] : []),
      ],
    };
  }
}
