import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Server } from './server.entity';
import { SERVER_STATUSES, ServerStatus } from './server-status';

export const SERVER_NAME_MAX = 32;
/** Letters, digits, spaces, dots, dashes and underscores; starts and ends with a visible character. */
export const SERVER_NAME_PATTERN = /^[A-Za-z0-9]([A-Za-z0-9 ._-]*[A-Za-z0-9._-])?$/;
export const SERVERS_PER_USER_MAX = 20;
export const GAME_TYPE_MAX = 32;

export interface CreateServerInput { name: string; gameType: string; start?: boolean }
export interface ListServersInput { page?: number; perPage?: number; gameType?: string; status?: ServerStatus }

/** Why a server stopped without its owner asking. */
export const StopReason = {
  USER: 'user',
  INSUFFICIENT_CREDITS: 'insufficient_credits',
  GAMESERVER_GONE: 'gameserver_gone',
  GAMESERVER_FAILED: 'gameserver_failed',
} as const;

export class ServerView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'survival' }) name: string;
  @ApiProperty({ example: 'minecraft' }) gameType: string;
  @ApiProperty({ enum: SERVER_STATUSES, example: 'running' }) status: ServerStatus;
  @ApiPropertyOptional({ type: String, nullable: true, example: '203.0.113.10', description: 'Where players connect once running' })
  address: string | null;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 7034 }) port: number | null;
  @ApiProperty({ example: 30, description: 'GameCredits charged per started hour' }) costPerHour: number;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Paid up to this instant; the next hour is charged then' })
  billedUntil: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) lastError: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'insufficient_credits', description: 'Why it last stopped' })
  stopReason: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class ServerActionView extends ServerView {
  @ApiProperty({ enum: ['running', 'stopped'], description: 'The state this action leads to; follow `status` until it gets there' })
  targetStatus: 'running' | 'stopped';
}

export class DeletedServerView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: true }) deleted: true;
}

class GamePortView {
  @ApiProperty({ example: 'game' }) name: string;
  @ApiProperty({ example: 25565 }) containerPort: number;
  @ApiProperty({ enum: ['TCP', 'UDP'] }) protocol: 'TCP' | 'UDP';
}

class GameResourcesView {
  @ApiProperty({ example: '1000m' }) cpu: string;
  @ApiProperty({ example: '2Gi' }) memory: string;
}

export class GameView {
  @ApiProperty({ example: 'minecraft', description: 'Use as gameType when creating a server' }) key: string;
  @ApiProperty({ example: 'Minecraft (Java)' }) name: string;
  @ApiProperty({ example: 30, description: 'GameCredits per hour' }) hourlyCost: number;
  @ApiProperty({ example: 'itzg/minecraft-server:latest' }) image: string;
  @ApiProperty({ type: [GamePortView] }) ports: GamePortView[];
  @ApiProperty({ type: GameResourcesView }) resources: GameResourcesView;
}

export function toServerView(s: Server): ServerView {
  return {
    id: s.id, name: s.name, gameType: s.gameType, status: s.status, address: s.address, port: s.port, costPerHour: s.costPerHour,
    billedUntil: s.billedUntil?.toISOString() ?? null, lastError: s.lastError, stopReason: s.stopReason,
    createdAt: s.createdAt.toISOString(), updatedAt: s.updatedAt.toISOString(),
  };
}
