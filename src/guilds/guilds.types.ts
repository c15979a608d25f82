import { ApiProperty } from '@nestjs/swagger';

/** Largest single deposit the input accepts; what a member may really deposit is their balance. */
export const DEPOSIT_AMOUNT_MAX = 1_000_000_000;
/** A Discord snowflake (guild and channel ids). */
export const SNOWFLAKE_PATTERN = /^\d{17,20}$/;

export class GuildDepositView {
  @ApiProperty({ example: '123456789012345678' }) guildId: string;
  @ApiProperty({ example: 250, description: 'GC moved from your balance into the guild treasury' }) amount: number;
  @ApiProperty({ example: 750, description: 'Your GC balance after the deposit' }) balance: number;
  @ApiProperty({ example: 1250, description: "The treasury's balance after the deposit" }) treasuryBalance: number;
}

export class GuildTreasuryView {
  @ApiProperty({ example: '123456789012345678' }) guildId: string;
  @ApiProperty({ example: 1250, description: 'GC in the treasury' }) balance: number;
  @ApiProperty({ example: true, description: 'Whether you may manage the guild servers (Discord "Manage Server" when the bot last saw you)' })
  manager: boolean;
}

export class GuildChannelView {
  @ApiProperty({ example: '123456789012345678' }) guildId: string;
  @ApiProperty({ example: '234567890123456789', description: 'Told when a guild server stops because the treasury cannot pay' })
  channelId: string;
}
