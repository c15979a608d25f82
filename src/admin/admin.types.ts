import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TIERS, Tier } from '../users/users.types';
import { ServerView } from '../servers/servers.types';

/** Every staff action carries a reason: the owner is told it, the activity log keeps it. */
export const STAFF_REASON_MAX = 300;
/** One credit adjustment moves at most this many GC either way (a typo must not mint a fortune). */
export const CREDIT_ADJUST_MAX = 1_000_000;
export const ADMIN_SEARCH_MAX = 100;
/** GC ledger reason of a staff adjustment (the staff member and their reason are in the activity log). */
export const STAFF_ADJUSTMENT_REASON = 'staff_adjustment';

export class AdminUserView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '123456789012345678' }) discordId: string;
  @ApiProperty({ example: 'demo' }) username: string;
  @ApiProperty({ example: 1000 }) credits: number;
  @ApiProperty({ example: 0 }) wtgCoins: number;
  @ApiProperty({ enum: [...TIERS] }) tier: Tier;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'When staff suspended the user; null if not suspended' })
  suspendedAt: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'spam' }) suspendedReason: string | null;
  @ApiProperty() createdAt: string;
}

export class AdminServerView extends ServerView {
  @ApiProperty({ format: 'uuid', description: "The owner's user id" }) ownerId: string;
}

export class CreditAdjustmentView {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ example: 250, description: 'Signed GC moved: positive grants, negative takes' }) amount: number;
  @ApiProperty({ example: 1250, description: "The user's GC balance after it" }) balance: number;
  @ApiProperty({ example: 'refund for the outage' }) reason: string;
}

export class SuspensionView {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ example: true }) suspended: boolean;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'spam' }) reason: string | null;
  @ApiProperty({ example: 1, description: 'Running servers stopped by this suspension' }) serversStopped: number;
}
