import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../database/columns';

@Entity('user_stats')
export class UserStats {
  @PrimaryColumn('uuid') userId: string;
  @Column() serversCreated: number;
  @Column({ type: 'bigint', transformer: bigintNumber }) creditsEarned: number;
  @Column({ type: 'bigint', transformer: bigintNumber }) creditsSpent: number;
  @Column() adConversions: number;
  @Column() commandsUsed: number;
  @Column({ type: 'timestamptz', nullable: true }) lastActiveAt: Date | null;
}
