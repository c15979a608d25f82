import { loadConfig } from '../../config/app-config';
import { loggerOptions } from './logging';

const options = (env: Record<string, string>, interactive: boolean) => {
  const pino = loggerOptions(loadConfig(env), interactive);
  return { transport: pino.transport as { target: string } | undefined, mixin: pino.mixin };
};

describe('log format', () => {
  it('prints human-readable lines (pino-pretty) in development at a terminal', () => {
    expect(options({ NODE_ENV: 'development' }, true).transport?.target).toBe('pino-pretty');
  });

  it('writes JSON when stdout is not a terminal or in production', () => {
    expect(options({ NODE_ENV: 'development' }, false).transport).toBeUndefined();
    expect(options({ NODE_ENV: 'production' }, true).transport).toBeUndefined();
  });

  it('adds trace ids to log lines only when tracing is configured', () => {
    expect(options({}, false).mixin).toBeUndefined();
    expect(options({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, false).mixin).toBeInstanceOf(Function);
  });
});
