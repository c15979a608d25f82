import { Injectable, Logger } from '@nestjs/common';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { AppConfig } from '../config/app-config';
import { CreditsService } from '../credits/credits.service';
import { Transactions, Tx } from '../database/transactions';
import { UsersService } from '../users/users.service';
import { detectFraud } from './fraud-rules';
import { parseCallbackJson } from './reward-callback-body';
import { DEFAULT_TYPE, isRewardProvider, parseRewardPayload, REWARD_PROVIDERS, RewardPayload, RewardProvider } from './reward-payload';
import { verifyRewardSignature } from './reward-signature';
import { RewardsMetrics } from './rewards.metrics';
import { RewardsRepository } from './rewards.repository';
import { AD_REWARD_REASON, ConversionRecord, INVALID_PAYLOAD, NewConversion, RewardCallbackView } from './rewards.types';

export interface RewardCallbackInput {
  provider: string;
  /** The exact bytes the provider signed; parsed as JSON only once the signature holds. */
  rawBody: Buffer;
  signature: string | undefined;
  ip?: string;
}

/**
 * Ad-network callbacks: authenticated by an HMAC of the raw body, deduplicated by the provider's
 * conversion id, checked by the fraud rules, and credited through the ledger in the same
 * transaction that stores the conversion, so a conversion row and its credit exist together or not at all.
 */
@Injectable()
export class RewardsService {
  private readonly logger = new Logger(RewardsService.name);

  constructor(
    private readonly transactions: Transactions,
    private readonly repo: RewardsRepository,
    private readonly credits: CreditsService,
    private readonly users: UsersService,
    private readonly metrics: RewardsMetrics,
    private readonly config: AppConfig,
  ) {}

  async handleCallback(input: RewardCallbackInput): Promise<RewardCallbackView> {
    const started = performance.now();
    const provider = this.authenticate(input);
    const parsed = parseRewardPayload(provider, parseCallbackJson(input.rawBody));
    if (!parsed.ok && parsed.conversionId === null) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `Invalid callback: ${parsed.problems.join('; ')}`);
    }
    const conversionId = parsed.ok ? parsed.payload.conversionId : parsed.conversionId;
    const discordId = parsed.ok ? parsed.payload.discordId : parsed.discordId;
    const { row, replayed } = await this.transactions.run(async (tx) => {
      await this.repo.lockConversionIn(tx, provider, conversionId);
      const earlier = await this.repo.findIn(tx, provider, conversionId, discordId);
      if (earlier) {
        return { row: earlier, replayed: true };
      }
      if (!parsed.ok) {
        const fresh = await this.repo.insertIn(tx, {
          provider,
          conversionId,
          discordId,
          userId: null,
          type: DEFAULT_TYPE[provider],
          amount: 0,
          status: 'rejected',
          reason: INVALID_PAYLOAD,
          latencyMs: elapsedMs(started),
          occurredAt: null,
          creditTransactionId: null,
        });
        return { row: fresh, replayed: false };
      }
      return { row: await this.decide(tx, provider, parsed.payload, started), replayed: false };
    });
    if (!replayed) {
      this.report(row, parsed.ok ? [] : parsed.problems);
    }
    return {
      provider: row.provider,
      conversionId: row.conversionId,
      discordId: row.discordId,
      type: row.type,
      status: row.status,
      reason: row.reason,
      credited: row.status === 'completed' ? row.amount : 0,
      replayed,
    };
  }

  /** NOT_FOUND for an unknown or disabled provider, UNAUTHENTICATED (logged, counted) for a bad signature. */
  private authenticate(input: RewardCallbackInput): RewardProvider {
    if (!isRewardProvider(input.provider)) {
      throw new DomainError(ErrorCode.NOT_FOUND, `Unknown reward provider; expected one of ${REWARD_PROVIDERS.join(', ')}`);
    }
    const secret = this.secretOf(input.provider);
    if (!secret) {
      this.logger.warn(
        { provider: input.provider },
        `Reward callback for a provider without a secret (set REWARDS_SECRET_${input.provider.toUpperCase()})`,
      );
      throw new DomainError(ErrorCode.NOT_FOUND, `Reward provider ${input.provider} is not enabled on this server`);
    }
    if (!verifyRewardSignature(secret, input.rawBody, input.signature)) {
      this.metrics.recordRefused(input.provider);
      this.logger.warn(
        { provider: input.provider, ip: input.ip, bodyBytes: input.rawBody.length, signaturePresent: Boolean(input.signature) },
        'Reward callback refused: bad signature',
      );
      throw new DomainError(
        ErrorCode.UNAUTHENTICATED,
        'Invalid signature: X-Agis-Signature must be the hex HMAC-SHA256 of the raw request body with the provider secret',
      );
    }
    return input.provider;
  }

  /** Runs the fraud rules under the conversion and user locks, then stores the conversion with its credit (if any). */
  private async decide(tx: Tx, provider: RewardProvider, p: RewardPayload, started: number): Promise<ConversionRecord> {
    const user = await this.users.findByDiscordId(p.discordId);
    if (user) {
      await this.repo.lockUserIn(tx, user.id);
    }
    const reason = detectFraud(
      {
        userKnown: user !== null,
        usedByAnotherUser: await this.repo.usedByAnotherUserIn(tx, provider, p.conversionId, p.discordId),
        amount: p.amount,
        completedLastHour: user ? await this.repo.completedLastHourIn(tx, user.id) : 0,
      },
      { maxAmount: this.config.REWARDS_MAX_AMOUNT, maxPerHour: this.config.REWARDS_MAX_PER_HOUR },
    );
    const base: Omit<NewConversion, 'status' | 'reason' | 'creditTransactionId' | 'latencyMs'> = {
      provider,
      conversionId: p.conversionId,
      discordId: p.discordId,
      userId: user?.id ?? null,
      type: p.type,
      amount: p.amount,
      occurredAt: p.occurredAt,
    };
    if (reason || !user) {
      return this.repo.insertIn(tx, {
        ...base,
        status: 'fraud',
        reason: reason ?? 'unknown_user',
        creditTransactionId: null,
        latencyMs: latencyMs(p, started),
      });
    }
    const credit = await this.credits.grantIn(tx, user.id, p.amount, AD_REWARD_REASON, {
      idempotencyKey: `reward:${provider}:${p.conversionId}`,
      reference: `${provider}:${p.conversionId}`,
    });
    await this.users.countAdConversionIn(tx, user.id);
    return this.repo.insertIn(tx, { ...base, status: 'completed', reason: null, creditTransactionId: credit.id, latencyMs: latencyMs(p, started) });
  }

  private report(row: ConversionRecord, problems: string[]): void {
    this.metrics.recordOutcome({
      provider: row.provider,
      type: row.type,
      status: row.status,
      reason: row.reason,
      credited: row.amount,
      latencySeconds: row.latencyMs / 1000,
    });
    const fields = {
      provider: row.provider,
      conversionId: row.conversionId,
      discordId: row.discordId,
      amount: row.amount,
      status: row.status,
      reason: row.reason,
    };
    if (row.status === 'completed') {
      this.logger.log(fields, 'Ad reward credited');
    } else {
      this.logger.warn({ ...fields, problems }, `Ad conversion ${row.status}: ${row.reason}`);
    }
  }

  private secretOf(provider: RewardProvider): string | undefined {
    const secrets: Record<RewardProvider, string | undefined> = {
      offerwall: this.config.REWARDS_SECRET_OFFERWALL,
      survey: this.config.REWARDS_SECRET_SURVEY,
      video: this.config.REWARDS_SECRET_VIDEO,
    };
    return secrets[provider] || undefined;
  }
}

function elapsedMs(started: number): number {
  return Math.max(0, Math.round(performance.now() - started));
}

/** From the provider's own timestamp when it sent one (end-to-end), else our processing time. */
function latencyMs(p: RewardPayload, started: number): number {
  if (p.occurredAt) {
    return Math.min(2_147_483_647, Math.max(0, Date.now() - p.occurredAt.getTime()));
  }
  return elapsedMs(started);
}
