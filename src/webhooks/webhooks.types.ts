import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Events a webhook can subscribe to. */
export const WEBHOOK_EVENTS = [
  'server.created',
  'server.started',
  'server.stopped',
  'server.deleted',
  'server.failed',
  'schedule.executed',
  'schedule.failed',
  'credits.low',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
/** Sent only by POST /webhooks/:id/test. */
export const TEST_EVENT = 'webhook.test';
export type DeliveryEvent = WebhookEvent | typeof TEST_EVENT;

export const WEBHOOK_FORMATS = ['json', 'discord'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export const WEBHOOKS_PER_USER_MAX = 10;

export interface CreateWebhookInput {
  url: string;
  events: string[];
  format?: WebhookFormat;
}

/** A registered webhook as stored; the secret stays sealed (webhook-crypto) until a delivery needs it. */
export interface WebhookRecord {
  id: string;
  userId: string;
  url: string;
  events: string[];
  format: WebhookFormat;
  secretCiphertext: string;
  enabled: boolean;
  consecutiveFailures: number;
  disabledReason: string | null;
  createdAt: Date;
}

export interface DeliveryRecord {
  id: string;
  event: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: Date;
  lastStatusCode: number | null;
  lastError: string | null;
  payload: Record<string, unknown>;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface AttemptRecord {
  deliveryId: string;
  attempt: number;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  createdAt: Date;
}

/** A delivery claimed for one attempt, with what is needed to send it. */
export interface ClaimedDelivery {
  id: string;
  webhookId: string;
  userId: string;
  event: DeliveryEvent;
  payload: Record<string, unknown>;
  attempt: number;
  createdAt: Date;
  url: string;
  format: WebhookFormat;
  secretCiphertext: string;
}

export interface AttemptOutcome {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export class WebhookView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'https://example.com/hooks/agis' }) url: string;
  @ApiProperty({ enum: WEBHOOK_EVENTS, isArray: true }) events: WebhookEvent[];
  @ApiProperty({ enum: WEBHOOK_FORMATS, description: 'json: the signed agis envelope; discord: a Discord webhook body {content, embeds}' })
  format: WebhookFormat;
  @ApiProperty({ description: 'False once disabled after repeated failures' }) enabled: boolean;
  @ApiProperty({ example: 0, description: 'Failed attempts in a row' }) consecutiveFailures: number;
  @ApiPropertyOptional({ type: String, nullable: true }) disabledReason: string | null;
  @ApiProperty() createdAt: string;
}

export class CreatedWebhookView extends WebhookView {
  @ApiProperty({ example: 'whsec_Q2hhbmdlIG1lIQ...', description: 'Signing secret. Shown only once: store it now.' })
  secret: string;
}

export class DeliveryAttemptView {
  @ApiProperty({ example: 1 }) attempt: number;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 500, description: 'HTTP status, null when no response came' }) statusCode:
    number | null;
  @ApiProperty({ example: 84 }) durationMs: number;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'HTTP 500' }) error: string | null;
  @ApiProperty() at: string;
}

export class DeliveryView {
  @ApiProperty({ format: 'uuid', description: 'Sent as X-Agis-Delivery: receivers can drop repeats by it' }) id: string;
  @ApiProperty({ example: 'server.started' }) event: string;
  @ApiProperty({ enum: ['pending', 'delivered', 'failed'] }) status: 'pending' | 'delivered' | 'failed';
  @ApiProperty({ example: 1 }) attempts: number;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'When the next attempt is due (pending only)' }) nextAttemptAt: string | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) lastStatusCode: number | null;
  @ApiPropertyOptional({ type: String, nullable: true }) lastError: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) payload: Record<string, unknown>;
  @ApiProperty() createdAt: string;
  @ApiPropertyOptional({ type: String, nullable: true }) finishedAt: string | null;
  @ApiProperty({ type: [DeliveryAttemptView], description: 'Every attempt, oldest first' }) attemptLog: DeliveryAttemptView[];
}
