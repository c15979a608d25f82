import { ApiProperty } from '@nestjs/swagger';
import { Board, BOARDS } from '../users/user-rankings.types';

export const LEADERBOARD_LIMIT_DEFAULT = 10;
export const LEADERBOARD_LIMIT_MAX = 100;

export class LeaderboardEntryView {
  @ApiProperty({ example: 1 }) rank: number;
  @ApiProperty({ example: '123456789012345678' }) discordId: string;
  @ApiProperty({ example: 'alice' }) username: string;
  @ApiProperty({ example: 125000, description: 'GC balance (credits board) or servers owned (servers board)' }) value: number;
}

export class LeaderboardCallerView {
  @ApiProperty({ example: 4211, description: 'Your position in the same order as the list' }) rank: number;
  @ApiProperty({ example: 350 }) value: number;
}

export class LeaderboardView {
  @ApiProperty({ enum: BOARDS }) board: Board;
  @ApiProperty({ type: [LeaderboardEntryView] }) entries: LeaderboardEntryView[];
  @ApiProperty({ type: LeaderboardCallerView }) you: LeaderboardCallerView;
  @ApiProperty({ description: 'When the list was read (it may be cached for a few seconds); your rank is always fresh' }) generatedAt: string;
}
