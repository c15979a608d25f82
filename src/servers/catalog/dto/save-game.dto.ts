import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import { BooleanField } from '../../../common/http/api-field.decorator';
import { GAME_NAME_MAX } from '../game-catalog';
import { GamePortDoc, GameReadinessDoc, GameResourcesDoc } from '../game-catalog.types';

/**
 * PUT /admin/games/:key: a full catalog entry. `@Allow()` only lets each field through the global pipe: the service
 * checks the entry with GAME_CATALOG_FILE's own rules (checkGameEntry), so an entry is valid here exactly when it
 * would be valid in the file, with the same messages. The examples are the built-in Minecraft entry.
 */
export class SaveGameDto {
  @ApiProperty({ minLength: 1, maxLength: GAME_NAME_MAX, example: 'Minecraft (Java)' })
  @Allow()
  name: string;

  @ApiProperty({ type: 'integer', minimum: 1, example: 30, description: 'GameCredits per hour; applies from the next billed hour of each server' })
  @Allow()
  hourlyCost: number;

  @ApiProperty({ maxLength: 255, example: 'itzg/minecraft-server:latest', description: 'Container image reference' })
  @Allow()
  image: string;

  @ApiProperty({ type: [GamePortDoc], minItems: 1, maxItems: 8, example: [{ name: 'game', containerPort: 25565, protocol: 'TCP' }] })
  @Allow()
  ports: GamePortDoc[];

  @ApiProperty({ type: GameResourcesDoc, example: { cpu: '1000m', memory: '2Gi' } })
  @Allow()
  resources: GameResourcesDoc;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { EULA: 'TRUE' }, description: 'Container environment' })
  @Allow()
  env?: Record<string, string>;

  @ApiPropertyOptional({ type: [String], maxItems: 64, example: [], description: 'Container arguments' })
  @Allow()
  args?: string[];

  @ApiProperty({ example: '/data', description: "Absolute path where the image keeps its world (the server's volume)" })
  @Allow()
  dataPath: string;

  @ApiProperty({ example: '10Gi', description: 'World volume size (Mi, Gi or Ti)' })
  @Allow()
  storage: string;

  @ApiProperty({ type: GameReadinessDoc, example: { check: 'protocol-minecraftvanilla', port: 25565 } })
  @Allow()
  readiness: GameReadinessDoc;

  @BooleanField({
    optional: true,
    default: true,
    description: 'Offered to users; false withdraws the game (hidden, refused at create; running servers carry on)',
  })
  enabled?: boolean;
}
