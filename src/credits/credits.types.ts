import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Reasons used by this codebase; other modules add their own (lower snake case, at most 40 characters). */
export const CreditReason = {
  SERVER_HOUR: 'server_hour',
  REFUND: 'refund',
  DEMO_GRANT: 'demo_grant',
} as const;

export const CREDIT_REASON_PATTERN = /^[a-z][a-z0-9_]{1,39}$/;
export const LEDGER_KEY_MAX = 200;
export const LEDGER_REFERENCE_MAX = 200;

export interface LedgerOptions {
  /** What the movement is about (a server id, an order id, ...). */
  reference?: string;
  /** Retry-safe key: a second call with the same key changes nothing and returns the first entry. */
  idempotencyKey?: string;
}

/** One ledger row as callers see it; `replayed` is true when an idempotency key matched an earlier row. */
export interface LedgerEntry {
  id: string;
  userId: string;
  amount: number;
  balanceAfter: number;
  reason: string;
  reference: string | null;
  idempotencyKey: string | null;
  createdAt: Date;
  replayed: boolean;
}

export class CreditTransactionView {
  @ApiProperty({ example: '42' }) id: string;
  @ApiProperty({ example: -30, description: 'Signed GC amount: positive grants, negative spends' }) amount: number;
  @ApiProperty({ example: 970, description: 'Balance right after this transaction' }) balanceAfter: number;
  @ApiProperty({ example: 'server_hour' }) reason: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: '3f1c9a5e-2b7d-4f7a-9a41-0d2b9c1e8f00' }) reference: string | null;
  @ApiProperty() createdAt: string;
}

/** One ledger line in a history page (GC or WTG). */
export interface LedgerLine {
  id: string;
  amount: number;
  balanceAfter: number;
  reason: string;
  reference: string | null;
  createdAt: string;
}

export class DailyBonusView {
  @ApiProperty({ example: 50, description: 'GC granted (50, or 100 for premium)' }) amount: number;
  @ApiProperty({ example: 1050, description: 'GC balance after the bonus' }) balance: number;
  @ApiProperty() claimedAt: string;
  @ApiProperty({ description: 'The next claim opens 24 h after this one' }) nextClaimAt: string;
}
