import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './database-options';
import { MigrationRunner } from './migration-runner.service';

@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig): DynamicModule {
    if (!config.DATABASE_URL) {
      throw new Error('DATABASE_URL must be resolved (embedded or given) before the app module is built');
    }
    return {
      module: DatabaseModule,
      imports: [TypeOrmModule.forRoot({
        ...dataSourceOptions(config.DATABASE_URL, config.DATABASE_POOL_SIZE),
        autoLoadEntities: true,
        migrationsRun: false,
        retryAttempts: 3,
        retryDelay: 500,
      })],
      providers: [MigrationRunner],
    };
  }
}
