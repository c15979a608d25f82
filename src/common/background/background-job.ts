/**
 * Work a process does on its own schedule, started only in the role that owns it: the scheduler-role
 * jobs are started by SchedulerRoleModule (imported only when AGIS_ROLES has `scheduler`), so a job
 * never checks roles itself. Tests drive a job through its own one-pass method (tick, runOnce).
 */
export interface BackgroundJob {
  start(): void;
  /** Stops scheduling new passes and waits for the pass in flight. */
  stop(): Promise<void>;
}
