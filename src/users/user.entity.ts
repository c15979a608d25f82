import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { bigintNumber } from '../database/columns';

export type Tier = 'free' | 'premium';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column() discordId: string;
  @Column() username: string;
  @Column({ type: 'bigint', transformer: bigintNumber }) credits: number;
  @Column({ type: 'bigint', transformer: bigintNumber }) wtgCoins: number;
  @Column({ type: 'varchar' }) tier: Tier;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
