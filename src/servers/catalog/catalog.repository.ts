import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Tx } from '../../database/transactions';
import { GameType } from './game-catalog';

/** Everything of a game but its key, name and price, which have their own columns. */
type Definition = Omit<GameType, 'key' | 'name' | 'hourlyCost'>;

interface GameRow {
  key: string;
  name: string;
  hourly_cost: number;
  definition: Definition;
  enabled: boolean;
  updated_at: Date;
}

/** A game of the catalog table: the entry, whether it is offered, and when staff (or the seed) last wrote it. */
export interface CatalogEntry {
  game: GameType;
  enabled: boolean;
  updatedAt: Date;
}

const COLUMNS = 'key, name, hourly_cost, definition, enabled, updated_at';

const toEntry = (r: GameRow): CatalogEntry => ({
  game: { key: r.key, name: r.name, hourlyCost: r.hourly_cost, ...r.definition },
  enabled: r.enabled,
  updatedAt: r.updated_at,
});

const definitionOf = ({ key: _key, name: _name, hourlyCost: _cost, ...definition }: GameType): Definition => definition;

/** SQL of the game_catalog table (servers/ owns it; others read the catalog through GameCatalogService). */
@Injectable()
export class CatalogRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Adds the seed games the table lacks, after the games already there and in seed order; never changes a row
   * (once written, a game belongs to staff). Replicas booting together may both run it: ON CONFLICT keeps one row.
   */
  async seedMissing(games: readonly GameType[]): Promise<void> {
    await this.db.query(
      `INSERT INTO game_catalog (key, name, hourly_cost, definition, position)
       SELECT e->>'key', e->>'name', (e->>'hourlyCost')::int, e->'definition', base.top + g.ord
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS g(e, ord),
            (SELECT coalesce(max(position), 0) AS top FROM game_catalog) AS base
       ON CONFLICT (key) DO NOTHING`,
      [JSON.stringify(games.map((g) => ({ key: g.key, name: g.name, hourlyCost: g.hourlyCost, definition: definitionOf(g) })))],
    );
  }

  /** The whole catalog in listing order (seed order, then games in the order staff added them). */
  async listAll(): Promise<CatalogEntry[]> {
    const rows: GameRow[] = await this.db.query(`SELECT ${COLUMNS} FROM game_catalog ORDER BY position, key`);
    return rows.map(toEntry);
  }

  /** The row, locked for the rest of the transaction (null: no such game yet). */
  async lockIn(tx: Tx, key: string): Promise<CatalogEntry | null> {
    const [row]: GameRow[] = await tx.query(`SELECT ${COLUMNS} FROM game_catalog WHERE key = $1 FOR UPDATE`, [key]);
    return row ? toEntry(row) : null;
  }

  /** Writes the whole entry; a new game goes to the end of the listing. */
  async upsertIn(tx: Tx, game: GameType, enabled: boolean): Promise<CatalogEntry> {
    const [row]: GameRow[] = await tx.query(
      `INSERT INTO game_catalog (key, name, hourly_cost, definition, enabled, position)
       VALUES ($1, $2, $3, $4::jsonb, $5, (SELECT coalesce(max(position), 0) + 1 FROM game_catalog))
       ON CONFLICT (key) DO UPDATE SET name = EXCLUDED.name, hourly_cost = EXCLUDED.hourly_cost, definition = EXCLUDED.definition,
         enabled = EXCLUDED.enabled, updated_at = now()
       RETURNING ${COLUMNS}`,
      [game.key, game.name, game.hourlyCost, JSON.stringify(definitionOf(game)), enabled],
    );
    return toEntry(row);
  }

  /** Offers or withdraws a game; null when there is no such game. */
  async setEnabledIn(tx: Tx, key: string, enabled: boolean): Promise<CatalogEntry | null> {
    // TypeORM answers an UPDATE with [rows, count].
    const [[row]]: [GameRow[], number] = await tx.query(
      `UPDATE game_catalog SET enabled = $2, updated_at = now() WHERE key = $1 RETURNING ${COLUMNS}`,
      [key, enabled],
    );
    return row ? toEntry(row) : null;
  }
}
