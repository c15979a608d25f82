import { ConfigError, loadConfig, SETTINGS } from './app-config';

describe('loadConfig', () => {
  it('has working defaults with an empty environment', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.AGIS_ROLES).toEqual(['api', 'bot', 'scheduler']);
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.DEMO_SEED).toBe(true);
    expect(c.AGONES_MODE).toBe('local');
  });

  it('parses numbers, lists and booleans from strings', () => {
    const c = loadConfig({ PORT: '8080', AGIS_ROLES: 'api, scheduler', DEMO_SEED: 'false' });
    expect(c.PORT).toBe(8080);
    expect(c.AGIS_ROLES).toEqual(['api', 'scheduler']);
    expect(c.DEMO_SEED).toBe(false);
    expect(c.hasRole('bot')).toBe(false);
  });

  it('names every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', AGIS_ROLES: 'api,web', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['PORT', 'AGIS_ROLES', 'DATABASE_URL', 'LOG_LEVEL']) {
      expect(message).toContain(`${name}=`);
    }
    expect((error as ConfigError).problems).toHaveLength(4);
  });

  it('documents every setting once', () => {
    const names = SETTINGS.map((s) => s.env);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['PORT', 'DATABASE_URL', 'AGIS_ROLES', 'DISCORD_TOKEN', 'REDIS_URL', 'LOG_LEVEL']));
  });
});
