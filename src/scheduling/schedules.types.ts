import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export const SCHEDULE_ACTIONS = ['start', 'stop', 'restart'] as const;
export type ScheduleAction = (typeof SCHEDULE_ACTIONS)[number];
export type ExecutionStatus = 'running' | 'success' | 'failed' | 'skipped';

/** A row of server_schedules (SchedulesRepository maps it). */
export interface Schedule {
  id: string;
  serverId: string;
  ownerId: string;
  action: ScheduleAction;
  cron: string;
  timezone: string;
  enabled: boolean;
  nextRunAt: Date | null;
  lastRunAt: Date | null;
  lastStatus: Exclude<ExecutionStatus, 'running'> | null;
  lastError: string | null;
  claimedUntil: Date | null;
  claimedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A row of schedule_executions: one cron slot or one manual run. */
export interface ScheduleExecution {
  id: string;
  scheduleId: string;
  trigger: 'cron' | 'manual';
  scheduledFor: Date;
  startedAt: Date;
  finishedAt: Date | null;
  status: ExecutionStatus;
  late: boolean;
  error: string | null;
}

/** A due schedule claimed by one executor with a lease. */
export interface ClaimedSchedule {
  id: string;
  serverId: string;
  ownerId: string;
  action: ScheduleAction;
  scheduledFor: Date;
}

/** How a run ended, as recorded in its execution and on the schedule. */
export interface FinishedRun {
  status: Exclude<ExecutionStatus, 'running'>;
  error: string | null;
  startedAt: Date;
  late: boolean;
}

/** A finished cron run to record: its claim, how it ended, and the schedule's next run after it. */
export interface CronRunRecord {
  claim: ClaimedSchedule;
  run: FinishedRun;
  nextRunAt: (s: Schedule) => Date | null;
}

/** What a create or update leaves on the schedule; `nextRunAt` is left as is when undefined. */
export interface ScheduleDefinition {
  action: ScheduleAction;
  cron: string;
  timezone: string;
  enabled: boolean;
  nextRunAt?: Date | null;
}

export const SCHEDULES_PER_SERVER_MAX = 25;
export const NEXT_RUNS_SHOWN = 5;

export interface CreateScheduleInput {
  action: ScheduleAction;
  cron: string;
  timezone?: string;
  enabled?: boolean;
}
export type UpdateScheduleInput = Partial<CreateScheduleInput>;

export class ScheduleView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) serverId: string;
  @ApiProperty({ enum: SCHEDULE_ACTIONS }) action: ScheduleAction;
  @ApiProperty({ example: '0 8 * * *' }) cron: string;
  @ApiProperty({ example: 'Europe/Paris' }) timezone: string;
  @ApiProperty({ example: 'At 08:00, every day', description: "The cron in words (in the schedule's time zone)" }) description: string;
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
