import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** SQL read at scrape time by the gauges of this module. */
@Injectable()
export class MetricsRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Distinct users with bot activity (a command or an ad conversion, both stamp
   * user_stats.last_active_at) in the last `hours`; one row per user, so a range count on
   * user_stats_last_active_idx (migration MetricsIndexes) with no DISTINCT needed.
   */
  async countActiveUsers(hours: number): Promise<number> {
    const rows: Array<{ n: number }> = await this.db.query(
      'SELECT count(*)::int AS n FROM user_stats WHERE last_active_at > now() - make_interval(hours => $1)', [hours]);
    return rows[0]?.n ?? 0;
  }
}
