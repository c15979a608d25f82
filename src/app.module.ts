import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule } from 'nestjs-pino';
import { ActivityModule } from './activity/activity.module';
import { AgonesModule } from './agones/agones.module';
import { AuthModule } from './auth/auth.module';
import { CommonModule } from './common/common.module';
import { CreditsModule } from './credits/credits.module';
import { loggerParams } from './common/logging';
import { RateLimitModule } from './common/rate-limit.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DiscordModule, runsDiscordBot } from './discord/discord.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { LeaderboardModule } from './leaderboard/leaderboard.module';
import { MetricsModule } from './metrics/metrics.module';
import { RewardsModule } from './rewards/rewards.module';
import { SchedulingModule } from './scheduling/scheduling.module';
import { ServersModule } from './servers/servers.module';
import { ShopModule } from './shop/shop.module';
import { UsersModule } from './users/users.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerParams(config)),
        DatabaseModule.forRoot(config),
        ScheduleModule.forRoot(),
        CommonModule,
        // Before AuthModule: its guard runs first, so refused keys are counted and every answer carries the headers.
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
        RewardsModule,
        ActivityModule,
        EventsModule,
        WebhooksModule,
        AuthModule,
        ...(runsDiscordBot(config) ? [DiscordModule] : []),
      ],
    };
  }
}
