import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { DatabaseQueryMetrics } from '../metrics/database.metrics';
import { MetricsModule } from '../metrics/metrics.module';
import { timedPgClient } from '../metrics/timed-pg-client';
import { dataSourceOptions } from './database-options';
import { DatabasePoolMetrics } from './database-pool.metrics';
import { MigrationRunner } from './migration-runner.service';
import { Transactions } from './transactions';

@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig): DynamicModule {
    const url = config.DATABASE_URL;
    if (!url) {
      throw new Error('DATABASE_URL must be resolved (embedded or given) before the app module is built');
    }
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
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
        }),
      ],
      providers: [MigrationRunner, Transactions, DatabasePoolMetrics],
      exports: [Transactions],
    };
  }
}
