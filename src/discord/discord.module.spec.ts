import { type DynamicModule } from '@nestjs/common';
import { AppModule } from '../app.module';
import { loadConfig } from '../config/app-config';
import { discordClientOptions, DiscordModule, runsDiscordBot } from './discord.module';

const config = (env: Record<string, string>) => loadConfig({ DATABASE_URL: 'postgres://x@127.0.0.1/x', ...env });
/** Whether the app imports DiscordModule (as the class or as DiscordModule.forRoot(…)). */
const importsDiscord = (env: Record<string, string>) =>
  (AppModule.forRoot(config(env)).imports ?? []).some((m) => m === DiscordModule || (m as DynamicModule).module === DiscordModule);

describe('Discord wiring', () => {
  it.each([
    ['bot role with a token', { AGIS_ROLES: 'api,bot', DISCORD_TOKEN: 't' }, true],
    ['default roles with a token', { DISCORD_TOKEN: 't' }, true],
    ['bot role without a token', { AGIS_ROLES: 'bot' }, false],
    ['a token but no bot role', { AGIS_ROLES: 'api,scheduler', DISCORD_TOKEN: 't' }, false],
  ])('connects to Discord only in the bot role with a token: %s', (_label, env, expected) => {
    expect(runsDiscordBot(config(env))).toBe(expected);
  });

  it('leaves the Discord module out of an API-only process', () => {
    expect(importsDiscord({ AGIS_ROLES: 'api', DISCORD_TOKEN: 't' })).toBe(false);
    expect(importsDiscord({ AGIS_ROLES: 'api,bot', DISCORD_TOKEN: 't' })).toBe(true);
  });

  it('registers commands in the development guild when one is set, through the configured REST base', () => {
    const options = discordClientOptions(
      config({ DISCORD_TOKEN: 't', DISCORD_DEV_GUILD_ID: '123456789012345678', DISCORD_API_URL: 'http://127.0.0.1:1/api' }),
    );
    expect(options).toMatchObject({ token: 't', development: ['123456789012345678'], rest: { api: 'http://127.0.0.1:1/api' } });
  });

  it('registers commands globally against discord.com by default', () => {
    const options = discordClientOptions(config({ DISCORD_TOKEN: 't' }));
    expect(options.development).toBe(false);
    expect(options).not.toHaveProperty('rest');
  });
});
