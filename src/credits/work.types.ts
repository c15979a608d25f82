import { ApiProperty } from '@nestjs/swagger';

/** GC ledger reason of a /work reward. */
export const WORK_REASON = 'work';

export class WorkView {
  @ApiProperty({ example: 15, description: 'GC paid (WORK_REWARD_GC, twice that for premium)' }) amount: number;
  @ApiProperty({ example: 115, description: 'GC balance after the reward' }) balance: number;
  @ApiProperty() claimedAt: string;
  @ApiProperty({ description: 'The next /work pays from this time on (WORK_COOLDOWN_MINUTES after this one)' }) nextClaimAt: string;
}
