import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Security-relevant actions recorded in a user's activity log. */
export const ACTIVITY_ACTIONS = [
  'key.created',
  'key.revoked',
  'key.blocked',
  'server.created',
  'server.start',
  'server.stop',
  'server.restart',
  'server.delete',
  'schedule.created',
  'schedule.updated',
  'schedule.deleted',
  'webhook.created',
  'webhook.deleted',
  'admin.server_stopped',
  'admin.server_deleted',
  'admin.credits_adjusted',
  'admin.user_suspended',
  'admin.user_unsuspended',
  'admin.game_saved',
  'admin.game_enabled',
  'admin.game_disabled',
] as const;
export type ActivityAction = (typeof ACTIVITY_ACTIONS)[number];

export interface ActivityEntry {
  action: ActivityAction;
  target?: { type: 'api-key' | 'server' | 'schedule' | 'webhook' | 'user' | 'game'; id: string };
  details?: Record<string, unknown>;
}

/** A row to write to activity_log: the entry with who acted and how. */
export interface NewActivity {
  userId: string;
  action: string;
  via: 'api-key' | 'discord' | 'system';
  apiKeyId: string | null;
  systemName: string | null;
  ip: string | null;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, unknown>;
}

/** A stored activity_log row. */
export interface ActivityRecord extends Omit<NewActivity, 'userId'> {
  id: string;
  createdAt: Date;
}

export class ActivityView {
  @ApiProperty({ example: '1042' }) id: string;
  @ApiProperty({ enum: ACTIVITY_ACTIONS, example: 'server.start' }) action: ActivityAction;
  @ApiProperty({ enum: ['api-key', 'discord', 'system'], description: 'How the action reached agis' }) via: 'api-key' | 'discord' | 'system';
  @ApiPropertyOptional({ type: String, nullable: true, example: 'k3j9x0a1b2c3', description: 'The API key used, if any' }) apiKeyId: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'scheduler', description: 'The agis component that acted (scheduled runs)' })
  systemName: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: '203.0.113.7' }) ip: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, enum: ['api-key', 'server', 'schedule', 'webhook', 'user', 'game'] }) targetType:
    string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) targetId: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { action: 'start' } }) details: Record<string, unknown>;
  @ApiProperty() createdAt: string;
}
