import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { ServerStatus } from './server-status';

export interface ServerPort { name: string; port: number; protocol: string }

@Entity('servers')
export class Server {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') ownerId: string;
  @Column() name: string;
  @Column() gameType: string;
  @Column({ type: 'varchar' }) status: ServerStatus;
  @Column({ type: 'varchar', nullable: true }) address: string | null;
  @Column({ type: 'int', nullable: true }) port: number | null;
  /** Every host port of the running GameServer, with the protocol the catalog gives it. */
  @Column({ type: 'jsonb' }) ports: ServerPort[];
  @Column({ type: 'int', nullable: true }) playersOnline: number | null;
  @Column({ type: 'int', nullable: true }) playersMax: number | null;
  /** The current start must be Ready by then, or it ends in error with its hour refunded. */
  @Column({ type: 'timestamptz', nullable: true }) startDeadline: Date | null;
  @Column({ type: 'varchar', nullable: true }) gameserverName: string | null;
  @Column('int') costPerHour: number;
  @Column({ type: 'timestamptz', nullable: true }) billedUntil: Date | null;
  /** Grows with every start; old GameServer events and retried starts are told apart by it. */
  @Column('int') startSeq: number;
  /** The current start paid a new hour; refunded if this start fails before the server is ever Ready. */
  @Column() startCharged: boolean;
  @Column({ type: 'text', nullable: true }) lastError: string | null;
  @Column({ type: 'varchar', nullable: true }) stopReason: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
