import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PORT_PROTOCOLS, PortProtocol } from '../../agones/agones.client';
import { CatalogEntry } from './catalog.repository';
import { BOOT_SECONDS, GameReadiness, GameType } from './game-catalog';

/** The documented shape of a catalog entry's parts; the rules are GAME_CATALOG_FILE's (game-catalog.ts `checkGameEntry`). */
export class GamePortDoc {
  @ApiProperty({ example: 'game', pattern: '^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$' }) name: string;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 65535, example: 25565 }) containerPort: number;
  @ApiProperty({ enum: PORT_PROTOCOLS, example: 'TCP', description: 'TCPUDP: the same port on both' }) protocol: PortProtocol;
}

export class GameResourcesDoc {
  @ApiProperty({ example: '1000m', description: 'Kubernetes CPU quantity' }) cpu: string;
  @ApiProperty({ example: '2Gi', description: 'Kubernetes memory quantity' }) memory: string;
}

export class GameReadinessDoc {
  @ApiProperty({ example: 'protocol-minecraftvanilla', description: 'tcp, udp or protocol-<gamedig protocol>' }) check: string;
  @ApiProperty({ type: 'integer', example: 25565, description: "One of the game's containerPorts" }) port: number;
  @ApiPropertyOptional({
    type: 'integer',
    minimum: BOOT_SECONDS.min,
    maximum: BOOT_SECONDS.max,
    description: 'Seconds a start may take (default SERVER_BOOT_TIMEOUT_SECONDS)',
  })
  bootSeconds?: number;
}

/** A full catalog entry as staff send it (PUT /admin/games/:key, or a staff command): the file's fields, plus whether it is offered. */
export interface SaveGameInput extends Omit<GameType, 'env'> {
  env?: Record<string, string>;
  /** Offered to users (default true); false withdraws it (hidden from the list, refused at create). */
  enabled?: boolean;
}

export class CatalogGameView {
  @ApiProperty({ example: 'minecraft' }) key: string;
  @ApiProperty({ example: 'Minecraft (Java)' }) name: string;
  @ApiProperty({ type: 'integer', example: 30, description: 'GameCredits per hour, charged from the next billed hour of each server' })
  hourlyCost: number;
  @ApiProperty({ example: 'itzg/minecraft-server:latest' }) image: string;
  @ApiProperty({ type: [GamePortDoc] }) ports: GamePortDoc[];
  @ApiProperty({ type: GameResourcesDoc }) resources: GameResourcesDoc;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { EULA: 'TRUE' } }) env: Record<string, string>;
  @ApiPropertyOptional({ type: [String], example: [] }) args?: string[];
  @ApiProperty({ example: '/data' }) dataPath: string;
  @ApiProperty({ example: '10Gi' }) storage: string;
  @ApiProperty({ type: GameReadinessDoc }) readiness: GameReadiness;
  @ApiProperty({ example: true, description: 'Offered: listed by GET /games and accepted at create' }) enabled: boolean;
  @ApiProperty({ example: '2026-12-05T20:00:00.000Z', description: 'Last written by staff or the seed' }) updatedAt: string;
}

export function toCatalogGameView(e: CatalogEntry): CatalogGameView {
  return { ...e.game, enabled: e.enabled, updatedAt: e.updatedAt.toISOString() };
}
