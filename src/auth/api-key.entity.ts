import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity('api_keys')
export class ApiKey {
  @PrimaryColumn() id: string;
  /** `agis_<id>`: safe to show, identifies the key in lists and logs. */
  @Column() prefix: string;
  /** SHA-256 (hex) of the secret; the secret itself is never stored. */
  @Column() secretHash: string;
  @Column('uuid') userId: string;
  @Column() name: string;
  @Column('text', { array: true }) scopes: string[];
  /** Normalised IPs/CIDRs the key may be used from; empty = anywhere. */
  @Column('text', { array: true }) allowedIps: string[];
  @Column({ type: 'timestamptz', nullable: true }) expiresAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) lastUsedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) revokedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
