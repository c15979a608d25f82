import { Injectable, Logger } from '@nestjs/common';
import { Actor } from '../auth/actor';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { AppConfig } from '../config/app-config';
import { Board, Checkpoint } from '../users/user-rankings.types';
import { UsersService } from '../users/users.service';
import { LEADERBOARD_LIMIT_DEFAULT, LEADERBOARD_LIMIT_MAX, LeaderboardCallerView, LeaderboardEntryView, LeaderboardView } from './leaderboard.types';
import { CHECKPOINT_EVERY, lastCheckpointBefore } from './rank-checkpoints';

interface Cached<T> {
  value: T;
  readAt: Date;
  expires: number;
}

/**
 * Leaderboards by GC balance and by servers owned, in the order value desc, older account, lower id.
 * The top of each board (the largest page a caller may ask for) is kept in memory for
 * LEADERBOARD_CACHE_MS. The caller's rank is computed per request from rank checkpoints (see
 * rank-checkpoints.ts) refreshed every LEADERBOARD_RANK_SNAPSHOT_MS, and their value is read fresh.
 * Concurrent misses of either cache share one query.
 */
@Injectable()
export class LeaderboardService {
  private readonly logger = new Logger(LeaderboardService.name);
  private readonly tops = new SingleFlightCache<Board, LeaderboardEntryView[]>();
  private readonly checkpoints = new SingleFlightCache<Board, Checkpoint[]>();

  constructor(
    private readonly users: UsersService,
    private readonly config: AppConfig,
  ) {}

  async board(actor: Actor, board: Board, input: { limit?: number }): Promise<LeaderboardView> {
    const limit = input.limit ?? LEADERBOARD_LIMIT_DEFAULT;
    if (!Number.isInteger(limit) || limit < 1 || limit > LEADERBOARD_LIMIT_MAX) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `limit must be a whole number from 1 to ${LEADERBOARD_LIMIT_MAX}`);
    }
    const [top, you] = await Promise.all([
      this.tops.get(board, this.config.LEADERBOARD_CACHE_MS, async () =>
        (await this.users.rankingTop(board, LEADERBOARD_LIMIT_MAX)).map((r, i) => ({
          rank: i + 1,
          discordId: r.discordId,
          username: r.username,
          value: r.value,
        })),
      ),
      this.rankOf(board, actor.userId),
    ]);
    return { board, entries: top.value.slice(0, limit), you, generatedAt: top.readAt.toISOString() };
  }

  private async rankOf(board: Board, userId: string): Promise<LeaderboardCallerView> {
    const [me, checkpoints] = await Promise.all([
      this.users.rankingKeyOf(board, userId),
      this.checkpoints.get(board, this.config.LEADERBOARD_RANK_SNAPSHOT_MS, () => this.users.rankingCheckpoints(board, CHECKPOINT_EVERY), {
        staleWhileRefreshing: true,
        onError: (err) => this.logger.warn({ err, board }, 'Could not refresh leaderboard rank checkpoints'),
      }),
    ]);
    if (!me) {
      throw new DomainError(ErrorCode.USER_NOT_FOUND, 'User not found');
    }
    const from = lastCheckpointBefore(checkpoints.value, me);
    const between = await this.users.countRankedBetween(board, from?.key ?? null, me);
    return { rank: (from?.position ?? 0) + between + 1, value: me.value };
  }
}

/**
 * A per-key value cache whose concurrent misses share one load. With staleWhileRefreshing, an
 * expired value is still served while one background load replaces it (only the first load waits);
 * a TTL of 0 turns caching off.
 */
class SingleFlightCache<K, V> {
  private readonly entries = new Map<K, Cached<V>>();
  private readonly loading = new Map<K, Promise<Cached<V>>>();

  async get(
    key: K,
    ttlMs: number,
    load: () => Promise<V>,
    opts: { staleWhileRefreshing?: boolean; onError?: (err: unknown) => void } = {},
  ): Promise<Cached<V>> {
    const cached = this.entries.get(key);
    if (cached && cached.expires > Date.now()) {
      return cached;
    }
    const pending = this.loading.get(key) ?? this.start(key, ttlMs, load);
    if (cached && opts.staleWhileRefreshing && ttlMs > 0) {
      pending.catch((err: unknown) => opts.onError?.(err));
      return cached;
    }
    return pending;
  }

  private start(key: K, ttlMs: number, load: () => Promise<V>): Promise<Cached<V>> {
    const pending = load()
      .then((value) => {
        const readAt = new Date();
        const fresh = { value, readAt, expires: readAt.getTime() + ttlMs };
        this.entries.set(key, fresh);
        return fresh;
      })
      .finally(() => this.loading.delete(key));
    this.loading.set(key, pending);
    return pending;
  }
}
