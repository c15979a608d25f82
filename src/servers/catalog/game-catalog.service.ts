import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { ActivityService } from '../../activity/activity.service';
import { Actor, hasScope } from '../../auth/actor';
import { BackgroundJob } from '../../common/background/background-job';
import { PeriodicJob } from '../../common/background/periodic-job';
import { DomainError, ErrorCode } from '../../common/errors/domain-error';
import { echo, listed } from '../../common/values/echo';
import { AppConfig } from '../../config/app-config';
import { Transactions } from '../../database/transactions';
import { CatalogEntry, CatalogRepository } from './catalog.repository';
import { applyCatalogOverride, BUILT_IN_GAMES, CatalogError, checkGameEntry, FieldProblem, findGame, GameType, normalizeGame } from './game-catalog';
import { CatalogGameView, SaveGameInput, toCatalogGameView } from './game-catalog.types';

/**
 * The catalog in force. It lives in the game_catalog table, seeded at boot from the built-in games with
 * GAME_CATALOG_FILE applied (the file is checked in the constructor, so a bad one still fails the boot), and is held
 * in memory: every process re-reads it every CATALOG_REFRESH_MS, and the process that made a change at once.
 * Prices are read from here when an hour is charged, so a change applies from the next billed hour.
 */
@Injectable()
export class GameCatalogService implements BackgroundJob, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(GameCatalogService.name);
  /** The built-in games with GAME_CATALOG_FILE applied: the table gets those it lacks at every boot (never changing a row). */
  readonly seed: readonly GameType[];
  private entries: readonly CatalogEntry[] = [];
  private offered: readonly GameType[] = [];
  private job?: PeriodicJob;

  // Injected as properties: the constructor needs only the config, so GAME_CATALOG_FILE can be checked without a
  // database (the Helm chart's test feeds the rendered catalog through `new GameCatalogService(config).games`).
  @Inject(CatalogRepository) private readonly repository: CatalogRepository;
  @Inject(Transactions) private readonly transactions: Transactions;
  @Inject(ActivityService) private readonly activity: ActivityService;

  constructor(private readonly config: AppConfig) {
    this.seed = config.GAME_CATALOG_FILE ? loadOverride(config.GAME_CATALOG_FILE) : BUILT_IN_GAMES;
    this.use(this.seed.map((game) => ({ game, enabled: true, updatedAt: new Date(0) })));
  }

  /** The games on offer (enabled), in listing order: GET /games, /games, autocomplete, the document's gameType. */
  get games(): readonly GameType[] {
    return this.offered;
  }

  // Every process runs it (prices must reach every replica), so it starts itself once the database is migrated.
  async onApplicationBootstrap(): Promise<void> {
    await this.repository.seedMissing(this.seed);
    await this.refresh();
    this.start();
  }

  // Before, not on, shutdown: TypeORM closes the connection in its own onApplicationShutdown.
  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    this.job ??= new PeriodicJob({
      what: 'Reloading the game catalog',
      everyMs: this.config.CATALOG_REFRESH_MS,
      logger: this.logger,
      run: () => this.refresh(),
    });
    this.job.start();
  }

  async stop(): Promise<void> {
    await this.job?.stop();
  }

  /** Re-reads the table: the periodic job's one pass, and the last step of every staff change. */
  async refresh(): Promise<void> {
    this.use(await this.repository.listAll());
  }

  /** Any known game, offered or not: servers of a withdrawn game still run, stop and are billed. VALIDATION_FAILED names the offered ones. */
  require(key: string): GameType {
    const found = this.entries.find((e) => e.game.key === key)?.game;
    if (!found) {
      throw this.unknown(key, `Unknown game type "${echo(key)}"`);
    }
    return found;
  }

  /** A game a new server may be created with: known and enabled. */
  requireOffered(key: string): GameType {
    const game = this.require(key);
    if (!findGame(this.offered, key)) {
      throw this.unknown(key, `${game.name} ("${game.key}") is not offered at the moment`);
    }
    return game;
  }

  /** The hourly price in force for a game (null for a key the catalog does not have). */
  priceOf(key: string): number | null {
    return this.entries.find((e) => e.game.key === key)?.game.hourlyCost ?? null;
  }

  /** Staff: the whole catalog, withdrawn games included, with everything a PUT takes. */
  async listAll(actor: Actor): Promise<CatalogGameView[]> {
    requireStaff(actor);
    // From the table, not this process's copy: staff see a change of another replica at once.
    return (await this.repository.listAll()).map(toCatalogGameView);
  }

  /**
   * Staff: adds a game or replaces one (a full entry, checked exactly like GAME_CATALOG_FILE). A new price applies from
   * each server's next billed hour; the hour a server runs in stays paid at its old price.
   */
  async upsert(actor: Actor, input: SaveGameInput): Promise<CatalogGameView> {
    requireStaff(actor);
    const { key, enabled = true, ...entry } = input;
    refuseProblems(checkGameEntry(key, entry));
    const game = normalizeGame({ env: {}, ...entry, key });
    return this.save(actor, key, () => ({ game, enabled }));
  }

  /** Staff: changes only the hourly price (checked like the file's hourlyCost); the rest of the entry and whether it is offered stay. */
  async setPrice(actor: Actor, key: string, hourlyCost: number): Promise<CatalogGameView> {
    requireStaff(actor);
    return this.save(actor, key, (before) => {
      if (!before) {
        throw this.notFound(key);
      }
      const { key: _key, ...entry } = before.game;
      refuseProblems(checkGameEntry(key, { ...entry, hourlyCost }));
      return { game: { ...before.game, hourlyCost }, enabled: before.enabled };
    });
  }

  /** Staff: offers (true) or withdraws (false) a game. Withdrawn: hidden from the list and refused at create; running servers carry on. */
  async setEnabled(actor: Actor, key: string, enabled: boolean): Promise<CatalogGameView> {
    requireStaff(actor);
    const saved = await this.transactions.run(async (tx) => {
      const before = await this.repository.lockIn(tx, key);
      const after = before && (await this.repository.setEnabledIn(tx, key, enabled));
      if (!before || !after) {
        throw this.notFound(key);
      }
      await this.activity.recordIn(tx, actor, {
        action: enabled ? 'admin.game_enabled' : 'admin.game_disabled',
        target: { type: 'game', id: key },
        details: { was: before.enabled ? 'enabled' : 'disabled' },
      });
      return after;
    });
    await this.refresh();
    return toCatalogGameView(saved);
  }

  /** Writes an entry under the row's lock, with its activity entry, then serves it in this process at once. */
  private async save(
    actor: Actor,
    key: string,
    next: (before: CatalogEntry | null) => { game: GameType; enabled: boolean },
  ): Promise<CatalogGameView> {
    const saved = await this.transactions.run(async (tx) => {
      const before = await this.repository.lockIn(tx, key);
      const { game, enabled } = next(before);
      const after = await this.repository.upsertIn(tx, game, enabled);
      await this.activity.recordIn(tx, actor, {
        action: 'admin.game_saved',
        target: { type: 'game', id: key },
        details: {
          added: before === null,
          hourlyCost: { from: before?.game.hourlyCost ?? null, to: game.hourlyCost },
          enabled: { from: before?.enabled ?? null, to: enabled },
        },
      });
      return after;
    });
    await this.refresh();
    this.logger.log(`Game ${key} saved (${saved.game.hourlyCost} GC/h, ${saved.enabled ? 'enabled' : 'disabled'})`);
    return toCatalogGameView(saved);
  }

  private use(entries: readonly CatalogEntry[]): void {
    this.entries = entries;
    this.offered = entries.filter((e) => e.enabled).map((e) => e.game);
  }

  private notFound(key: string): DomainError {
    return new DomainError(ErrorCode.NOT_FOUND, `Unknown game type "${echo(key)}"; known types: ${listed(this.entries.map((e) => e.game.key))}`);
  }

  private unknown(key: string, why: string): DomainError {
    const known = listed(this.offered.map((g) => g.key));
    return new DomainError(ErrorCode.VALIDATION_FAILED, `${why}; known types: ${known}`, [
      { field: 'gameType', messages: [`gameType must be one of: ${known}`] },
    ]);
  }
}

/** VALIDATION_FAILED with one detail per field, each with the file's messages. */
function refuseProblems(problems: FieldProblem[]): void {
  if (problems.length) {
    const fields = [...new Set(problems.map((p) => p.field))];
    throw new DomainError(
      ErrorCode.VALIDATION_FAILED,
      `Invalid game: ${problems.map((p) => p.message).join('; ')}`,
      fields.map((field) => ({ field, messages: problems.filter((p) => p.field === field).map((p) => p.message) })),
    );
  }
}

function requireStaff(actor: Actor): void {
  if (!hasScope(actor, 'admin')) {
    throw new DomainError(ErrorCode.FORBIDDEN, 'Changing the game catalog is for staff (the admin scope)');
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
