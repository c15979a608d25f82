import { Module } from '@nestjs/common';
import { ActivityModule } from '../activity/activity.module';
import { ServersModule } from '../servers/servers.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { ScheduleExecutor } from './schedule-executor.service';
import { ScheduleRunner } from './schedule-runner.service';
import { schedulerMetricProviders, SchedulerMetrics } from './scheduling.metrics';
import { SchedulesCommands } from './schedules.commands';
import { SchedulesController } from './schedules.controller';
import { SchedulesRepository } from './schedules.repository';
import { SchedulesService } from './schedules.service';

/** Cron schedules of server power actions. ScheduleExecutor is a scheduler-role job (started by SchedulerRoleModule). */
@Module({
  imports: [ServersModule, WebhooksModule, ActivityModule],
  controllers: [SchedulesController],
  providers: [
    SchedulesRepository,
    SchedulesService,
    ScheduleRunner,
    ScheduleExecutor,
    SchedulerMetrics,
    ...schedulerMetricProviders,
    SchedulesCommands,
  ],
  exports: [SchedulesService, ScheduleExecutor],
})
export class SchedulingModule {}
