import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Tier } from './user.entity';

export class ProfileView {
  @ApiProperty({ example: '123456789012345678' }) discordId: string;
  @ApiProperty({ example: 'demo' }) username: string;
  @ApiProperty({ example: 1000, description: 'GameCredits (GC) balance' }) credits: number;
  @ApiProperty({ example: 0, description: 'WTG coin balance (1 WTG = 1000 GC)' }) wtgCoins: number;
  @ApiProperty({ enum: ['free', 'premium'] }) tier: Tier;
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

export const USERNAME_MAX = 100;

export class DailyBonusView {
  @ApiProperty({ example: 50, description: 'GC granted (50, or 100 for premium)' }) amount: number;
  @ApiProperty({ example: 1050, description: 'GC balance after the bonus' }) balance: number;
  @ApiProperty() claimedAt: string;
  @ApiProperty({ description: 'The next claim opens 24 h after this one' }) nextClaimAt: string;
}
