import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule } from 'nestjs-pino';
import { AgonesModule } from './agones/agones.module';
import { AuthModule } from './auth/auth.module';
import { CommonModule } from './common/common.module';
import { CreditsModule } from './credits/credits.module';
import { loggerParams } from './common/logging';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DiscordModule, runsDiscordBot } from './discord/discord.module';
import { HealthModule } from './health/health.module';
import { LeaderboardModule } from './leaderboard/leaderboard.module';
import { MetricsModule } from './metrics/metrics.module';
import { RewardsModule } from './rewards/rewards.module';
import { SchedulingModule } from './scheduling/scheduling.module';
import { ServersModule } from './servers/servers.module';
import { ShopModule } from './shop/shop.module';
import { UsersModule } from './users/users.module';

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
        AuthModule,
        ...(runsDiscordBot(config) ? [DiscordModule] : []),
      ],
    };
  }
}
