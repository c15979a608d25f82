import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { DatabaseQueryMetrics } from '../metrics/database-metrics.service';
import { MetricsModule } from '../metrics/metrics.module';
import { timedPgClient } from '../metrics/timed-pg-client';
import { dataSourceOptions } from './database-options';
import { MigrationRunner } from './migration-runner.service';

@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig): DynamicModule {
    const url = config.DATABASE_URL;
    if (!url) {
      throw new Error('DATABASE_URL must be resolved (embedded or given) before the app module is built');
    }
    return {
      module: DatabaseModule,
      imports: [TypeOrmModule.forRootAsync({
        imports: [MetricsModule],
        inject: [DatabaseQueryMetrics],
        useFactory: (queryMetrics: DatabaseQueryMetrics) => {
          const base = dataSourceOptions(url, config.DATABASE_POOL_SIZE);
          return {
            ...base,
            // The pool builds its connections from this class, so every statement is timed (database metrics).
            extra: { ...base.extra, Client: timedPgClient(queryMetrics.observe) },
            autoLoadEntities: true,
            migrationsRun: false,
            retryAttempts: 3,
            retryDelay: 500,
          };
        },
      })],
      providers: [MigrationRunner],
    };
  }
}
