import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { ExecutionStatus } from './schedule.entity';

@Entity('schedule_executions')
export class ScheduleExecution {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column('uuid') scheduleId: string;
  @Column({ type: 'varchar' }) trigger: 'cron' | 'manual';
  @Column({ type: 'timestamptz' }) scheduledFor: Date;
  @Column({ type: 'timestamptz' }) startedAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) finishedAt: Date | null;
  @Column({ type: 'varchar' }) status: ExecutionStatus;
  @Column() late: boolean;
  @Column({ type: 'text', nullable: true }) error: string | null;
}
