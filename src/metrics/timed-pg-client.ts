import { Client } from 'pg';

/** Receives one finished statement: its SQL (when known) and how long it took. */
export type QueryObserver = (sql: string | undefined, seconds: number) => void;

type Callback = (err: unknown, res: unknown) => void;
interface Submittable {
  submit: unknown;
  handleReadyForQuery?: (...a: unknown[]) => unknown;
  handleError?: (...a: unknown[]) => unknown;
}

const baseQuery = Client.prototype.query as (...args: unknown[]) => unknown;

function sqlOf(config: unknown): string | undefined {
  if (typeof config === 'string') {
    return config;
  }
  const text = (config as { text?: unknown } | null)?.text;
  return typeof text === 'string' ? text : undefined;
}

/**
 * A pg Client class whose every `query` reports to `observe`. The pool behind TypeORM creates its
 * connections from it (pool option `Client`), so repository calls, query builders, raw
 * `dataSource.query`, transactions and migrations are all measured, from the first connection on.
 * The time runs from issuing the statement to its result, including any wait behind an earlier
 * statement on the same connection. Cost per query: one hrtime read and one closure.
 */
export function timedPgClient(observe: QueryObserver): typeof Client {
  return class TimedPgClient extends Client {
    // One body for all of pg's overloads (promise, callback, submittable); `never` satisfies each return type.
    override query(...args: unknown[]): never {
      const config = args[0];
      const started = process.hrtime.bigint();
      let finished = false;
      const done = () => {
        if (!finished) {
          finished = true;
          observe(sqlOf(config), Number(process.hrtime.bigint() - started) / 1e9);
        }
      };
      if (config && typeof (config as Submittable).submit === 'function') {
        // Cursors and streams: pg calls these two on every submittable when the statement ends.
        const sub = config as Submittable;
        for (const hook of ['handleReadyForQuery', 'handleError'] as const) {
          const original = sub[hook];
          if (typeof original === 'function') {
            sub[hook] = function (this: unknown, ...a: unknown[]) {
              done();
              return original.apply(this, a);
            };
          }
        }
        return baseQuery.apply(this, args) as never;
      }
      const callbackAt = args.findIndex((a, i) => i > 0 && typeof a === 'function');
      if (callbackAt > 0) {
        const callback = args[callbackAt] as Callback;
        args[callbackAt] = (err: unknown, res: unknown) => {
          done();
          callback(err, res);
        };
        return baseQuery.apply(this, args) as never;
      }
      const inConfig = (config as { callback?: unknown } | null)?.callback;
      if (typeof inConfig === 'function') {
        args[0] = {
          ...(config as object),
          callback: (err: unknown, res: unknown) => {
            done();
            (inConfig as Callback)(err, res);
          },
        };
        return baseQuery.apply(this, args) as never;
      }
      const result = baseQuery.apply(this, args) as Promise<unknown>;
      // A second, handled branch: the caller still sees the original promise and its rejection.
      result.then(done, done);
      return result as never;
    }
  };
}
