import { Controller, Headers, Post, Req } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../auth/auth.decorators';
import { ApiEnvelope, ApiErrors } from '../common/http/api-docs.decorator';
import { PaymentsService } from './payments.service';
import { StripeWebhookView } from './payments.types';

/** Signed over its exact bytes: bootstrap reads its body raw (common/http/raw-bodies.ts). */
export const STRIPE_WEBHOOK_PATH = 'payments/stripe/webhook';

@ApiTags('payments')
@Controller('payments/stripe')
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Post('webhook')
  @Public()
  @ApiOperation({
    summary: 'Stripe webhook endpoint: checkout.session.completed grants WTG coins, charge.refunded and charge.dispute.created take them back',
    description:
      'Verified with the Stripe-Signature header over the raw body (STRIPE_WEBHOOK_SECRET, STRIPE_WEBHOOK_TOLERANCE_SECONDS): a missing, stale or wrong ' +
      'signature is 400 and changes nothing. Every event is handled once (by its id) and a session grants once, in whatever order or however often ' +
      'Stripe delivers; other event types answer 200 with outcome "ignored". 404 while STRIPE_WEBHOOK_SECRET is not set.',
  })
  @ApiHeader({ name: 'Stripe-Signature', required: true, description: 't=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">, as Stripe sends it' })
  @ApiBody({
    schema: {
      type: 'object',
      description: 'A Stripe Event object (https://docs.stripe.com/api/events/object)',
      required: ['id', 'type'],
      properties: { id: { type: 'string', example: 'evt_1PExample' }, type: { type: 'string', example: 'customer.created' } },
      additionalProperties: true,
    },
  })
  @ApiEnvelope(StripeWebhookView)
  @ApiErrors(400, 404)
  receiveStripeWebhook(
    @Headers('stripe-signature') signature: string | undefined,
    @Req() req: Request & { rawBody?: Buffer },
  ): Promise<StripeWebhookView> {
    return this.payments.handleWebhook({ rawBody: req.rawBody ?? Buffer.alloc(0), signature, ip: req.ip });
  }
}
