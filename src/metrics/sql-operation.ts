/** The closed set of `op` label values of the database metrics. */
export const DB_OPERATIONS = ['select', 'insert', 'update', 'delete', 'other'] as const;
export type DbOperation = (typeof DB_OPERATIONS)[number];

const MAIN_STATEMENTS = new Set<string>(['select', 'insert', 'update', 'delete']);
const WORD = /[A-Za-z]/;

/**
 * What a statement does, from its first keyword (comments and opening parentheses skipped). A CTE
 * (`WITH due AS (SELECT ...) UPDATE ...`) counts as its main statement, the first of
 * select/insert/update/delete outside parentheses. Everything else (BEGIN, COMMIT, SAVEPOINT, DDL,
 * SET, ...) is `other`, so the label can only take five values.
 */
export function sqlOperation(sql: string | undefined): DbOperation {
  if (!sql) {
    return 'other';
  }
  const words = topLevelWords(sql);
  const first = words.next().value?.toLowerCase();
  if (first === undefined) {
    return 'other';
  }
  if (first !== 'with') {
    return MAIN_STATEMENTS.has(first) ? (first as DbOperation) : 'other';
  }
  for (const word of words) {
    const lower = word.toLowerCase();
    if (MAIN_STATEMENTS.has(lower)) {
      return lower as DbOperation;
    }
  }
  return 'other';
}

/**
 * Words outside parentheses, string literals, quoted identifiers and comments. Opening parentheses
 * before the first word are skipped (`(SELECT ...) UNION (SELECT ...)` is a select).
 */
function* topLevelWords(sql: string): Generator<string> {
  let depth = 0;
  let seenWord = false;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      i = end < 0 ? sql.length : end + 1;
    } else if (c === '(') {
      depth += seenWord ? 1 : 0;
      i += 1;
    } else if (c === ')') {
      depth = Math.max(0, depth - 1);
      i += 1;
    } else if (WORD.test(c)) {
      let end = i + 1;
      while (end < sql.length && /[A-Za-z0-9_$]/.test(sql[end])) {
        end += 1;
      }
      if (depth === 0) {
        seenWord = true;
        yield sql.slice(i, end);
      }
      i = end;
    } else {
      i += 1;
    }
  }
}
