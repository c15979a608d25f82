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
    expect(message).toContain('PORT="eighty"');
  });

  it('never prints the value of a secret it refuses: the boot log names the setting only', () => {
    const secret = 'sk_live_should_never_reach_a_log';
    let message = '';
    try {
      loadConfig({ STRIPE_SECRET_KEY: secret, DATABASE_URL: 'mysql://admin:pw@db/x' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/DATABASE_URL=\(hidden\)/);
    expect(message).not.toContain('pw@db');
    expect(message).not.toContain(secret);
  });

  it('requires WEBHOOK_SECRET_KEY in production with an external database, naming it', () => {
    const external = { NODE_ENV: 'production', DATABASE_URL: 'postgres://agis@db:5432/agis' };
    expect(() => loadConfig(external)).toThrow(ConfigError);
    expect(() => loadConfig(external)).toThrow(/WEBHOOK_SECRET_KEY=undefined: required when NODE_ENV=production/);
    expect(loadConfig({ ...external, WEBHOOK_SECRET_KEY: 'k'.repeat(32) }).WEBHOOK_SECRET_KEY).toBe('k'.repeat(32));
    // Embedded (key file in DATA_DIR) and development (warned at boot) need no setting.
    expect(() => loadConfig({ NODE_ENV: 'production' })).not.toThrow();
    expect(() => loadConfig({ DATABASE_URL: external.DATABASE_URL })).not.toThrow();
    expect(() => loadConfig(external, { AGIS_ROLES: [] })).not.toThrow(); // operator commands (migrations)
    expect(() => loadConfig({ WEBHOOK_SECRET_KEY_PREVIOUS: 'short' })).toThrow(/WEBHOOK_SECRET_KEY_PREVIOUS/);
  });

  it('documents every setting once', () => {
    const names = SETTINGS.map((s) => s.env);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['PORT', 'DATABASE_URL', 'AGIS_ROLES', 'DISCORD_TOKEN', 'REDIS_URL', 'LOG_LEVEL']));
  });
});
