import { EnumField, EnumListField, StringField } from '../../common/http/api-field.decorator';
import { WEBHOOK_URL_MAX } from '../webhook-target';
import { WEBHOOK_EVENTS, WEBHOOK_FORMATS, WebhookFormat } from '../webhooks.types';

export class CreateWebhookDto {
  @StringField({
    example: 'https://example.com/hooks/agis',
    maxLength: WEBHOOK_URL_MAX,
    description: 'http(s) URL; addresses in private, loopback, link-local or unique-local ranges are refused unless the operator allows them',
  })
  url: string;

  @EnumListField(WEBHOOK_EVENTS, { minItems: 1, example: ['server.started', 'server.stopped'] })
  events: string[];

  @EnumField(WEBHOOK_FORMATS, {
    default: 'json',
    optional: true,
    description: 'discord: POST a Discord webhook body {content, embeds} instead of the JSON envelope',
  })
  format?: WebhookFormat;
}
