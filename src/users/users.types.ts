import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export const TIERS = ['free', 'premium'] as const;
export type Tier = (typeof TIERS)[number];

export const USERNAME_MAX = 100;

/** The per-user reward slots, each taken at most once per its cooldown (a timestamp column on users). */
export type RewardSlot = 'daily' | 'work';

/** A user as other modules see it (the users row, camelCase). */
export interface UserRecord {
  id: string;
  discordId: string;
  username: string;
  credits: number;
  wtgCoins: number;
  /** The tier in force now: premium only while `premiumUntil` lies ahead (or has no end). */
  tier: Tier;
  /** When bought premium ends (null: never bought, or premium without an end). */
  premiumUntil: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A user as staff see them: the record and whether (and why) they are suspended. */
export interface UserAccount extends UserRecord {
  suspendedAt: Date | null;
  suspendedReason: string | null;
}

/** A balance column on users; moved only by the credits module's Ledger. */
export type Balance = 'credits' | 'wtgCoins';

/** How to reach a user on Discord, and whether they accept direct messages about their servers. */
export interface UserContact {
  discordId: string;
  directMessages: boolean;
}

/** The counters of user_stats; lastActiveAt is the latest of a command or ad reward, an API key use and a ledger row. */
export interface UserStatsRecord {
  serversCreated: number;
  creditsEarned: number;
  creditsSpent: number;
  adConversions: number;
  commandsUsed: number;
  lastActiveAt: Date | null;
}

export class ProfileView {
  @ApiProperty({ example: '123456789012345678' }) discordId: string;
  @ApiProperty({ example: 'demo' }) username: string;
  @ApiProperty({ example: 1000, description: 'GameCredits (GC) balance' }) credits: number;
  @ApiProperty({ example: 0, description: 'WTG coin balance (1 WTG = 1000 GC)' }) wtgCoins: number;
  @ApiProperty({ enum: [...TIERS], description: 'The tier in force now: premium turns back to free by itself when premiumUntil passes' })
  tier: Tier;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '2026-01-31T12:00:00.000Z',
    description: 'When bought premium ends (also after it ended); null if premium was never bought',
  })
  premiumUntil: string | null;
  @ApiProperty() createdAt: string;
}

export class StatsView {
  @ApiProperty() serversCreated: number;
  @ApiProperty() creditsEarned: number;
  @ApiProperty() creditsSpent: number;
  @ApiProperty() adConversions: number;
  @ApiProperty() commandsUsed: number;
  @ApiPropertyOptional({ nullable: true, type: String }) lastActiveAt: string | null;
}
