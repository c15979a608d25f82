import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { WEBHOOK_URL_MAX } from '../webhook-target';
import { WEBHOOK_EVENTS, WEBHOOK_FORMATS, WebhookFormat } from '../webhooks.types';

export class CreateWebhookDto {
  @ApiProperty({ example: 'https://example.com/hooks/agis', maxLength: WEBHOOK_URL_MAX,
    description: 'http(s) URL; addresses in private, loopback, link-local or unique-local ranges are refused unless the operator allows them' })
  @IsString() @MaxLength(WEBHOOK_URL_MAX)
  url: string;

  @ApiProperty({ enum: WEBHOOK_EVENTS, isArray: true, example: ['server.started', 'server.stopped'] })
  @ArrayMinSize(1) @ArrayMaxSize(WEBHOOK_EVENTS.length) @ArrayUnique() @IsIn(WEBHOOK_EVENTS, { each: true })
  events: string[];

  @ApiPropertyOptional({ enum: WEBHOOK_FORMATS, default: 'json', description: 'discord: POST a Discord webhook body {content, embeds} instead of the JSON envelope' })
  @IsOptional() @IsIn(WEBHOOK_FORMATS)
  format?: WebhookFormat;
}
