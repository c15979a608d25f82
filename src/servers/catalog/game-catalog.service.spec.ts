import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/app-config';
import { GameCatalogService } from './game-catalog.service';

describe('GameCatalogService', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agis-catalog-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const withFile = (content: string) => {
    const file = join(dir, `catalog-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, content);
    return new GameCatalogService(loadConfig({ GAME_CATALOG_FILE: file }));
  };

  it('serves the built-in catalog without a file', () => {
    const catalog = new GameCatalogService(loadConfig({}));
    expect(catalog.games).toHaveLength(14);
    expect(catalog.require('rust').hourlyCost).toBe(220);
  });

  it('applies GAME_CATALOG_FILE', () => {
    const catalog = withFile(JSON.stringify({ games: [{ key: 'minecraft', hourlyCost: 25, image: 'itzg/minecraft-server:java21' }] }));
    expect(catalog.require('minecraft')).toEqual(
      expect.objectContaining({ hourlyCost: 25, image: 'itzg/minecraft-server:java21', name: 'Minecraft (Java)' }),
    );
  });

  it('fails at boot with a message naming the file and every problem', () => {
    expect(() => withFile('{ not json')).toThrow(/GAME_CATALOG_FILE=.*cannot read it as JSON/);
    expect(() => withFile(JSON.stringify([{ key: 'minecraft', hourlyCost: 0 }, { key: 'new' }]))).toThrow(
      /GAME_CATALOG_FILE=.*Invalid game catalog:[\s\S]*hourlyCost[\s\S]*games\[1\] \(new\): name/,
    );
    expect(() => new GameCatalogService(loadConfig({ GAME_CATALOG_FILE: join(dir, 'missing.json') }))).toThrow(/missing\.json: cannot read/);
  });

  it('refuses an unknown game type with the list of known ones', () => {
    expect(() => new GameCatalogService(loadConfig({})).require('tetris')).toThrow(/Unknown game type "tetris"; known types: minecraft, terraria/);
  });
});
