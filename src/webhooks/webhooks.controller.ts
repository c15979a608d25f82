import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, RequireScopes } from '../auth/auth.decorators';
import { Actor } from '../auth/actor';
import { ApiEnvelope, ApiErrors } from '../common/http/api-docs.decorator';
import { Paginated } from '../common/http/envelope';
import { Idempotent } from '../common/idempotency/idempotency.interceptor';
import { PageQuery } from '../common/http/pagination';
import { CreateWebhookDto } from './dto/create-webhook.dto';
import { WebhooksService } from './webhooks.service';
import { CreatedWebhookView, DeliveryView, WebhookView } from './webhooks.types';

const SIGNING =
  'Each delivery is a POST with X-Agis-Event, X-Agis-Delivery (its id), X-Agis-Timestamp (unix seconds) and ' +
  'X-Agis-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the webhook secret>. Non-2xx answers and timeouts ' +
  'are retried with exponential backoff for up to 24 h; repeated failures disable the webhook.';

@ApiTags('webhooks')
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @ApiOperation({ summary: 'List your webhooks (secrets are never shown again)' })
  @RequireScopes('webhooks:manage')
  @ApiEnvelope(WebhookView, { list: true })
  listWebhooks(@CurrentActor() actor: Actor, @Query() page: PageQuery): Promise<Paginated<WebhookView>> {
    return this.webhooks.list(actor, page);
  }

  @Post()
  @ApiOperation({ summary: 'Register a URL for events; the signing secret is in the response once', description: SIGNING })
  @RequireScopes('webhooks:manage')
  @ApiEnvelope(CreatedWebhookView, { status: 201 })
  @ApiErrors(400, 409, 422)
  @Idempotent({ secretFields: ['secret'] })
  createWebhook(@CurrentActor() actor: Actor, @Body() body: CreateWebhookDto): Promise<CreatedWebhookView> {
    return this.webhooks.create(actor, body);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a webhook and its delivery log' })
  @RequireScopes('webhooks:manage')
  @ApiEnvelope(WebhookView)
  @ApiErrors(404)
  deleteWebhook(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<WebhookView> {
    return this.webhooks.remove(actor, id);
  }

  @Post(':id/test')
  @ApiOperation({ summary: 'Queue a webhook.test delivery to this webhook; follow it in its deliveries' })
  @RequireScopes('webhooks:manage')
  @ApiEnvelope(DeliveryView, { status: 202 })
  @ApiErrors(404, 409)
  testWebhook(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<DeliveryView> {
    return this.webhooks.sendTest(actor, id);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'Deliveries of a webhook, newest first, each with every attempt (status, duration, error)' })
  @RequireScopes('webhooks:manage')
  @ApiEnvelope(DeliveryView, { list: true })
  @ApiErrors(404)
  listWebhookDeliveries(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() page: PageQuery): Promise<Paginated<DeliveryView>> {
    return this.webhooks.deliveries(actor, id, page);
  }
}
