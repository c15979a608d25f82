import { Pool, Query } from 'pg';
import { timedPgClient } from '../../src/metrics/timed-pg-client';

// Against the run's real PostgreSQL (jest's global setup), through a pool as TypeORM builds it.
describe('timedPgClient', () => {
  const seen: Array<{ sql: string | undefined; seconds: number }> = [];
  const pool = new Pool({
    connectionString: process.env.TEST_DATABASE_URL,
    max: 1,
    Client: timedPgClient((sql, seconds) => seen.push({ sql, seconds })),
  });
  afterAll(() => pool.end());
  beforeEach(() => {
    seen.length = 0;
  });

  it('reports a promise query once, with its SQL and the time the statement took, in seconds', async () => {
    const client = await pool.connect();
    let aroundTheCall: number;
    try {
      const began = process.hrtime.bigint();
      const res = await client.query('SELECT pg_sleep(0.02), $1::int AS n', [7]);
      aroundTheCall = Number(process.hrtime.bigint() - began) / 1e9;
      expect(res.rows[0].n).toBe(7);
    } finally {
      client.release();
    }
    expect(seen).toEqual([{ sql: 'SELECT pg_sleep(0.02), $1::int AS n', seconds: expect.any(Number) }]);
    // Bounded by the statement on both sides, whatever the machine's speed: at least the server's 20 ms sleep,
    // at most what the caller waited (a wrong unit, or a clock started before the call, shows up here).
    expect(seen[0].seconds).toBeGreaterThanOrEqual(0.02);
    expect(seen[0].seconds).toBeLessThanOrEqual(aroundTheCall);
  });

  it('reports a failed query and still rejects for the caller', async () => {
    await expect(pool.query({ text: 'SELECT * FROM no_such_table' })).rejects.toThrow(/no_such_table/);
    expect(seen.map((s) => s.sql)).toEqual(['SELECT * FROM no_such_table']);
  });

  it('reports callback-style queries (pg.Pool.query uses them) before the callback runs', async () => {
    const client = await pool.connect();
    try {
      const countAtCallback = await new Promise<number>((resolve, reject) => {
        client.query('SELECT 1', [], (err: Error | null) => (err ? reject(err) : resolve(seen.length)));
      });
      expect(countAtCallback).toBe(1);
    } finally {
      client.release();
    }
  });

  it('reports a submittable (cursor, stream) when it ends', async () => {
    const client = await pool.connect();
    try {
      const rows = await new Promise<unknown[]>((resolve, reject) => {
        const q = client.query(new Query('SELECT generate_series(1, 3) AS n'));
        const out: unknown[] = [];
        q.on('row', (r: unknown) => out.push(r));
        q.on('end', () => resolve(out));
        q.on('error', reject);
      });
      expect(rows).toHaveLength(3);
    } finally {
      client.release();
    }
    expect(seen.map((s) => s.sql)).toEqual(['SELECT generate_series(1, 3) AS n']);
  });
});
