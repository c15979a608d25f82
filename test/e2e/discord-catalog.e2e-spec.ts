import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILT_IN_GAMES } from '../../src/servers/catalog/game-catalog';
import { type BotResponse } from '../fakes/fake-discord-interactions';
import { fakeUser } from '../fakes/fake-discord-payloads';
import { type DiscordTestBot, startDiscordTestApp } from '../support/discord-test-bot';

// Its own file: necord keeps command groups in module-level state, so one jest module registry holds one bot.

/** Characters Discord counts towards a message's 6,000 across its embeds. */
const embedsLength = (r: BotResponse) =>
  r.embeds.reduce(
    (n, e) =>
      n +
      (e.title?.length ?? 0) +
      (e.description?.length ?? 0) +
      (e.footer?.text.length ?? 0) +
      (e.author?.name.length ?? 0) +
      (e.fields ?? []).reduce((m, f) => m + f.name.length + f.value.length, 0),
    0,
  );

describe('Discord session with a configured catalog of 54 long-named games', () => {
  let bot: DiscordTestBot;
  let dir: string;
  // New games copy a built-in one (every field a game needs) with the longest key and name the catalog accepts.
  const extra = Array.from({ length: 40 }, (_, i) => ({
    ...BUILT_IN_GAMES[0],
    key: `game-${String(i).padStart(2, '0')}-${'x'.repeat(24)}`,
    name: `The Extraordinarily Long Named Survival Sandbox Edition ${String(i).padStart(3, '0')}`.padEnd(64, '!'),
    hourlyCost: 1000 + i,
  }));
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agis-catalog-'));
    writeFileSync(join(dir, 'games.json'), JSON.stringify(extra));
    bot = await startDiscordTestApp({ GAME_CATALOG_FILE: join(dir, 'games.json') });
  });
  afterAll(async () => {
    await bot.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("/games pages the catalog by size: every game appears once, each page within Discord's limits", async () => {
    const user = fakeUser('browser');
    const first = await bot.fake.sendCommand({ user, name: 'games' }).final();
    expect(first.embeds[0].footer?.text).toMatch(/^Page 1 of 3 \(\/games page:2\)/);
    const pages = [first];
    for (const page of [2, 3]) {
      pages.push(await bot.fake.sendCommand({ user, name: 'games', options: { page } }).final());
    }
    const names = pages.flatMap((p) => p.embeds[0].fields ?? []).map((f) => f.name);
    expect(names).toHaveLength(54);
    expect(new Set(names)).toEqual(new Set([...BUILT_IN_GAMES.map((g) => g.name), ...extra.map((g) => g.name)]));
    for (const p of pages) {
      expect(p.embeds[0].fields?.length).toBeLessThanOrEqual(25);
      expect(embedsLength(p)).toBeLessThanOrEqual(6000);
    }
    const beyond = await bot.fake.sendCommand({ user, name: 'games', options: { page: 4 } }).final();
    expect(beyond.embeds[0].description).toBe('No page 4; the catalog has 3 page(s).');
  });

  it('suggests at most 25 games, and an unknown game names the known types in a bounded list', async () => {
    const user = fakeUser('renter');
    const choices = (
      await bot.fake.sendAutocomplete({ user, name: 'servers', subcommand: 'create', focused: 'game', options: { name: 'x', game: '' } }).reply()
    ).choices;
    expect(choices).toHaveLength(25);
    const reply = await bot.fake.sendCommand({ user, name: 'servers', subcommand: 'create', options: { name: 'x', game: 'tetris' } }).final();
    expect(reply.embeds[0].description).toMatch(/^Unknown game type "tetris"; known types: minecraft, terraria, .*…$/);
    expect(reply.embeds[0].description?.length).toBeLessThanOrEqual(300);
    expect(bot.fake.refusals).toEqual([]);
  });
});
