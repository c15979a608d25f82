import { type INestApplication, type Type } from '@nestjs/common';
import { EXCEPTION_FILTERS_METADATA } from '@nestjs/common/constants';
import { MessageComponentsService, ModalsService, type NecordBaseDiscovery, type SlashCommandDiscovery, SlashCommandsService } from 'necord';
import { DiscordErrorFilter } from '../../src/discord/discord-error.filter';
import { CreditsService } from '../../src/credits/credits.service';
import { FakeDiscord } from '../fakes/fake-discord';
import { type FakeUser } from '../fakes/fake-discord-payloads';
import { createTestApp, type TestApp } from './test-app';

export const DISCORD_TEST_TOKEN = 'fake-token';

export interface DiscordTestBot {
  fake: FakeDiscord;
  t: TestApp;
  close(): Promise<void>;
}

/**
 * Boots the real app in the api+bot roles against a fresh fake Discord (guild-scoped registration)
 * and waits until necord registered the commands, so tests can send interactions at once.
 */
export async function startDiscordTestApp(env: Record<string, string> = {}): Promise<DiscordTestBot> {
  const fake = await FakeDiscord.start({ token: DISCORD_TEST_TOKEN });
  try {
    const t = await createTestApp({
      AGIS_ROLES: 'api,bot',
      DISCORD_TOKEN: DISCORD_TEST_TOKEN,
      DISCORD_API_URL: fake.apiUrl,
      DISCORD_DEV_GUILD_ID: fake.guildId,
      ...env,
    });
    await fake.waitForCommands();
    return {
      fake,
      t,
      close: async () => {
        await t.close();
        await fake.close();
      },
    };
  } catch (err) {
    await fake.close();
    throw err;
  }
}

/**
 * A Discord user known to agis (created by their first command, as in production) with `credits` GameCredits
 * granted through the ledger; returns their agis user id.
 */
export async function discordUserWithCredits(bot: DiscordTestBot, user: FakeUser, credits: number): Promise<string> {
  await bot.fake.sendCommand({ user, name: 'credits' }).reply();
  const [{ id }]: Array<{ id: string }> = await bot.t.db.query('SELECT id::text AS id FROM users WHERE discord_id = $1', [user.id]);
  await bot.t.app.get(CreditsService).grant(id, credits, 'test_grant');
  return id;
}

function handlers(d: SlashCommandDiscovery): NecordBaseDiscovery[] {
  const subs = [...d.getSubcommands().values()];
  return subs.length ? subs.flatMap(handlers) : [d];
}

/** Names of handler classes whose errors would bypass DiscordErrorFilter (missing @DiscordCommands()). */
export function classesWithoutDiscordErrorFilter(app: INestApplication): string[] {
  const discoveries: NecordBaseDiscovery[] = [
    ...[...app.get(SlashCommandsService).cache.values()].flatMap(handlers),
    ...app.get(MessageComponentsService).cache.values(),
    ...app.get(ModalsService).cache.values(),
  ];
  const classes = new Set(discoveries.map((d) => d.getClass() as Type<unknown>));
  return [...classes]
    .filter((cls) => !((Reflect.getMetadata(EXCEPTION_FILTERS_METADATA, cls) ?? []) as unknown[]).includes(DiscordErrorFilter))
    .map((cls) => cls.name);
}
