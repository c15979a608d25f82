import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SCHEDULE_ACTIONS, ScheduleAction } from './schedule.entity';

export const SCHEDULES_PER_SERVER_MAX = 25;
export const NEXT_RUNS_SHOWN = 5;

export interface CreateScheduleInput { action: ScheduleAction; cron: string; timezone?: string; enabled?: boolean }
export type UpdateScheduleInput = Partial<CreateScheduleInput>;

export class ScheduleView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) serverId: string;
  @ApiProperty({ enum: SCHEDULE_ACTIONS }) action: ScheduleAction;
  @ApiProperty({ example: '0 8 * * *' }) cron: string;
  @ApiProperty({ example: 'Europe/Paris' }) timezone: string;
  @ApiProperty({ example: 'At 08:00, every day', description: 'The cron in words (in the schedule\'s time zone)' }) description: string;
  @ApiProperty() enabled: boolean;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Next run (UTC); null when disabled' }) nextRunAt: string | null;
  @ApiProperty({ type: [String], description: `The next ${NEXT_RUNS_SHOWN} run times (UTC)` }) nextRuns: string[];
  @ApiPropertyOptional({ type: String, nullable: true }) lastRunAt: string | null;
  @ApiPropertyOptional({ enum: ['success', 'failed', 'skipped'], nullable: true }) lastStatus: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) lastError: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class ExecutionView {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['cron', 'manual'] }) trigger: 'cron' | 'manual';
  @ApiProperty({ description: 'The slot this run was for (UTC)' }) scheduledFor: string;
  @ApiProperty() startedAt: string;
  @ApiPropertyOptional({ type: String, nullable: true }) finishedAt: string | null;
  @ApiProperty({ enum: ['running', 'success', 'failed', 'skipped'] }) status: string;
  @ApiProperty({ description: 'Started well after its due time (e.g. missed while the service was down)' }) late: boolean;
  @ApiPropertyOptional({ type: String, nullable: true }) error: string | null;
}
