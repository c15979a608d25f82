import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PORT_PROTOCOLS, PortProtocol } from '../agones/agones.client';
import { GameType } from './catalog/game-catalog';
import { SERVER_STATUSES, ServerStatus } from './lifecycle/server-status';

export const SERVER_NAME_MAX = 32;
/** Letters, digits, spaces, dots, dashes and underscores; starts and ends with a visible character. */
export const SERVER_NAME_PATTERN = /^[A-Za-z0-9]([A-Za-z0-9 ._-]*[A-Za-z0-9._-])?$/;
export const SERVERS_PER_USER_MAX = 20;
export const GAME_TYPE_MAX = 32;
/** The lobby description an owner gives a listed server (ServerListingsService.setListing, the DTO and the /lobby option read it). */
export const LOBBY_DESCRIPTION_MAX = 100;
/** Log lines one request may ask for, and how long one line may be (a game can write anything). */
export const LOG_TAIL_DEFAULT = 100;
export const LOG_TAIL_MAX = 500;
export const LOG_LINE_MAX = 1000;

export interface ServerPort {
  name: string;
  port: number;
  protocol: string;
}

/** A server record as the servers table holds it (ServersRepository maps the rows). */
export interface Server {
  id: string;
  ownerId: string;
  name: string;
  gameType: string;
  status: ServerStatus;
  address: string | null;
  port: number | null;
  /** Every host port of the running GameServer, with the protocol the catalog gives it. */
  ports: ServerPort[];
  playersOnline: number | null;
  playersMax: number | null;
  /** The current start must be Ready by then, or it ends in error with its hour refunded. */
  startDeadline: Date | null;
  gameserverName: string | null;
  costPerHour: number;
  billedUntil: Date | null;
  /** Grows with every start; old GameServer events and retried starts are told apart by it. */
  startSeq: number;
  /** The current start paid a new hour; refunded if this start fails before the server is ever Ready. */
  startCharged: boolean;
  lastError: string | null;
  stopReason: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** The Discord guild whose treasury pays for it; null for a personal server (paid by its owner). */
  guildId: string | null;
}

/** A server's place in the public lobby: listed (`public`) with its description and the Discord guild it was listed from. */
export interface ServerListing {
  server: Server;
  public: boolean;
  description: string | null;
  guildId: string | null;
}

/** A listing change: `guildId` is the guild of the Discord interaction (never taken from a REST body). */
export interface SetListingInput {
  public: boolean;
  description?: string | null;
  guildId?: string | null;
}

export interface CreateServerInput {
  name: string;
  gameType: string;
  start?: boolean;
}
export interface ListServersInput {
  page?: number;
  perPage?: number;
  gameType?: string;
  status?: ServerStatus;
}

/** Why a server stopped without its owner asking. */
export const StopReason = {
  USER: 'user',
  SCHEDULE: 'schedule',
  INSUFFICIENT_CREDITS: 'insufficient_credits',
  GAMESERVER_GONE: 'gameserver_gone',
  GAMESERVER_FAILED: 'gameserver_failed',
  /** Staff stopped it (AdminService); the owner is told why by a staff notice. */
  STAFF: 'staff',
} as const;

export class ServerPortView {
  @ApiProperty({ example: 'game' }) name: string;
  @ApiProperty({ example: 7034 }) port: number;
  @ApiProperty({ enum: PORT_PROTOCOLS, example: 'TCP' }) protocol: string;
}

export class PlayersView {
  @ApiProperty({ example: 3 }) online: number;
  @ApiProperty({ example: 20 }) max: number;
}

export class ServerView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'survival' }) name: string;
  @ApiProperty({ example: 'minecraft' }) gameType: string;
  @ApiProperty({ enum: SERVER_STATUSES, example: 'running' }) status: ServerStatus;
  @ApiPropertyOptional({ type: String, nullable: true, example: '203.0.113.10', description: 'Where players connect once running' })
  address: string | null;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 7034, description: "The game's own port (the first of `ports`)" })
  port: number | null;
  @ApiProperty({ type: () => [ServerPortView], description: 'Every port players or tools connect to, once running' })
  ports: ServerPortView[];
  @ApiPropertyOptional({ type: () => PlayersView, nullable: true, description: "Players online, where the game's query protocol tells" })
  players: PlayersView | null;
  @ApiProperty({ example: 30, description: 'GameCredits charged per started hour' }) costPerHour: number;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Paid up to this instant; the next hour is charged then' })
  billedUntil: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) lastError: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'insufficient_credits', description: 'Why it last stopped' })
  stopReason: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class ServerLogsView {
  @ApiProperty({ format: 'uuid' }) serverId: string;
  @ApiProperty({ enum: SERVER_STATUSES, example: 'running' }) status: ServerStatus;
  @ApiProperty({
    type: [String],
    example: ['[Server thread/INFO]: Done (4.2s)! For help, type "help"'],
    description: 'Oldest first; empty while the server has no GameServer',
  })
  lines: string[];
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
  @ApiProperty({ enum: PORT_PROTOCOLS, description: 'TCPUDP: the same port on both' }) protocol: PortProtocol;
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
  @ApiProperty({ example: '10Gi', description: "Size of each server's world volume (kept across stops)" }) storage: string;
}

export function toServerView(s: Server): ServerView {
  return {
    id: s.id,
    name: s.name,
    gameType: s.gameType,
    status: s.status,
    address: s.address,
    port: s.port,
    ports: s.ports.map((p) => ({ ...p })),
    players: s.playersOnline !== null && s.playersMax !== null ? { online: s.playersOnline, max: s.playersMax } : null,
    costPerHour: s.costPerHour,
    billedUntil: s.billedUntil?.toISOString() ?? null,
    lastError: s.lastError,
    stopReason: s.stopReason,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

/** The public face of a game type: price and shape, not its environment or boot details (operators may keep tokens there). */
export function toGameView(g: GameType): GameView {
  return {
    key: g.key,
    name: g.name,
    hourlyCost: g.hourlyCost,
    image: g.image,
    ports: g.ports.map((p) => ({ ...p })),
    resources: { ...g.resources },
    storage: g.storage,
  };
}
