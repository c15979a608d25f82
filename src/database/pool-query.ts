import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * Runs one read-only statement directly on the pg pool behind TypeORM and returns its rows.
 *
 * `DataSource.query` sets up a QueryRunner, broadcasts before/after-query events and wraps the result
 * on every call. For the reads made on every API request (the API-key lookup, a page of servers),
 * that bookkeeping took about a sixth of the API process's CPU (bench/README.md). This uses the
 * same pool, connections and statement metrics (the pool's client class times every statement).
 * Writes and transactions stay on TypeORM.
 */
export async function queryRows<T>(db: DataSource, sql: string, params: readonly unknown[]): Promise<T[]> {
  const pool = (db.driver as PostgresDriver).master as Pool;
  const result = await pool.query(sql, params as unknown[]);
  return result.rows as T[];
}
