import { Injectable } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { AppConfig } from '../../config/app-config';
import { DomainError, ErrorCode } from '../../common/errors/domain-error';
import { echo, listed } from '../../common/values/echo';
import { applyCatalogOverride, BUILT_IN_GAMES, CatalogError, findGame, GameType } from './game-catalog';

/** The catalog in force: built-in games, overridden by GAME_CATALOG_FILE (checked once at boot). */
@Injectable()
export class GameCatalogService {
  readonly games: readonly GameType[];

  constructor(config: AppConfig) {
    this.games = config.GAME_CATALOG_FILE ? loadOverride(config.GAME_CATALOG_FILE) : BUILT_IN_GAMES;
  }

  /** The game type, or VALIDATION_FAILED naming the known ones. */
  require(key: string): GameType {
    const found = findGame(this.games, key);
    if (!found) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `Unknown game type "${echo(key)}"; known types: ${listed(this.games.map((g) => g.key))}`, [
        { field: 'gameType', messages: [`gameType must be one of: ${listed(this.games.map((g) => g.key))}`] },
      ]);
    }
    return found;
  }
}

function loadOverride(file: string): GameType[] {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`GAME_CATALOG_FILE=${file}: cannot read it as JSON (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
  try {
    return applyCatalogOverride(BUILT_IN_GAMES, doc);
  } catch (err) {
    throw err instanceof CatalogError ? new Error(`GAME_CATALOG_FILE=${file}: ${err.message}`) : err;
  }
}
