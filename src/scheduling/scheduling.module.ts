import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActivityModule } from '../activity/activity.module';
import { ServersModule } from '../servers/servers.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { Schedule } from './schedule.entity';
import { ScheduleExecution } from './schedule-execution.entity';
import { ScheduleExecutor } from './schedule-executor.service';
import { ScheduleRunner } from './schedule-runner.service';
import { schedulerMetricProviders, SchedulerMetrics } from './scheduler-metrics.service';
import { SchedulesCommands } from './schedules.commands';
import { SchedulesController } from './schedules.controller';
import { SchedulesRepository } from './schedules.repository';
import { SchedulesService } from './schedules.service';

@Module({
  imports: [TypeOrmModule.forFeature([Schedule, ScheduleExecution]), ServersModule, WebhooksModule, ActivityModule],
  controllers: [SchedulesController],
  providers: [SchedulesRepository, SchedulesService, ScheduleRunner, ScheduleExecutor, SchedulerMetrics, ...schedulerMetricProviders, SchedulesCommands],
  exports: [SchedulesService, ScheduleExecutor],
})
export class SchedulingModule {}
