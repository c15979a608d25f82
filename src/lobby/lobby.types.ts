import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PlayersView, ServerPortView, ServerView } from '../servers/servers.types';

/** PATCH /servers/:id answers the server with its lobby listing. */
export class ListedServerView extends ServerView {
  @ApiProperty({ example: true, description: 'Shown in the public lobby (GET /lobby) while it runs; a stop unlists it' }) public: boolean;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Vanilla survival, friendly admins' }) description: string | null;
}

export class LobbyOwnerView {
  @ApiProperty({ example: 'alice' }) username: string;
}

/** A listed server as anyone sees it: where to connect and what it is, nothing about its billing or id. */
export class LobbyEntryView {
  @ApiProperty({ example: 'survival' }) name: string;
  @ApiProperty({ example: 'minecraft' }) gameType: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Vanilla survival, friendly admins' }) description: string | null;
  @ApiProperty({ example: '203.0.113.10' }) address: string;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 7034, description: "The game's own port (the first of `ports`)" })
  port: number | null;
  @ApiProperty({ type: () => [ServerPortView] }) ports: ServerPortView[];
  @ApiPropertyOptional({ type: () => PlayersView, nullable: true, description: "Players online, where the game's query protocol tells" })
  players: PlayersView | null;
  @ApiProperty({ type: () => LobbyOwnerView }) owner: LobbyOwnerView;
}
