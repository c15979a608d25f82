import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const SCHEDULE_ACTIONS = ['start', 'stop', 'restart'] as const;
export type ScheduleAction = (typeof SCHEDULE_ACTIONS)[number];
export type ExecutionStatus = 'running' | 'success' | 'failed' | 'skipped';

@Entity('server_schedules')
export class Schedule {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') serverId: string;
  @Column('uuid') ownerId: string;
  @Column({ type: 'varchar' }) action: ScheduleAction;
  @Column() cron: string;
  @Column() timezone: string;
  @Column() enabled: boolean;
  @Column({ type: 'timestamptz', nullable: true }) nextRunAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) lastRunAt: Date | null;
  @Column({ type: 'varchar', nullable: true }) lastStatus: Exclude<ExecutionStatus, 'running'> | null;
  @Column({ type: 'text', nullable: true }) lastError: string | null;
  @Column({ type: 'timestamptz', nullable: true }) claimedUntil: Date | null;
  @Column({ type: 'varchar', nullable: true }) claimedBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
