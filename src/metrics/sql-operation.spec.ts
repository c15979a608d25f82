import { sqlOperation } from './sql-operation';

describe('sqlOperation (the op label of the database metrics)', () => {
  it.each([
    ['SELECT 1', 'select'],
    ['  select * from users where id = $1', 'select'],
    ['INSERT INTO users (id) VALUES ($1)', 'insert'],
    ['\n      UPDATE user_stats SET commands_used = commands_used + 1', 'update'],
    ['DELETE FROM api_keys WHERE id = $1', 'delete'],
    ['-- why\n/* and how */ SELECT 1', 'select'],
    ['(SELECT 1) UNION (SELECT 2)', 'select'],
    ['WITH due AS (SELECT id FROM s FOR UPDATE SKIP LOCKED) UPDATE s SET x = 1 FROM due RETURNING *', 'update'],
    ['WITH a AS (DELETE FROM t RETURNING *), "b(" AS (SELECT \'x)\' FROM a) INSERT INTO log SELECT * FROM b', 'insert'],
    ['WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT n FROM r', 'select'],
  ])('%s -> %s', (sql, op) => {
    expect(sqlOperation(sql)).toBe(op);
  });

  it.each([
    'START TRANSACTION',
    'COMMIT',
    'ROLLBACK TO SAVEPOINT s1',
    'CREATE INDEX i ON t (c)',
    'SET search_path = x',
    'SELECT_NOT_A_KEYWORD',
    'VALUES (1)',
    '',
    '   ',
    '-- only a comment',
    undefined,
  ])('%j -> other', (sql) => {
    expect(sqlOperation(sql)).toBe('other');
  });
});
