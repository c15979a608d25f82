import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Public, RequireScopes } from '../auth/auth.decorators';
import { Actor } from '../auth/actor';
import { ApiEnvelope, ApiErrors } from '../common/http/api-docs.decorator';
import { Paginated } from '../common/http/envelope';
import { IdempotencyKey, Idempotent } from '../common/idempotency/idempotency.interceptor';
import { PageQuery } from '../common/http/pagination';
import { CheckoutView } from '../payments/payments.types';
import { CheckoutDto } from './dto/checkout.dto';
import { ConvertWtgDto } from './dto/convert-wtg.dto';
import { ShopService } from './shop.service';
import { ConversionView, ShopView, WtgTransactionView } from './shop.types';

@ApiTags('shop')
@Controller('shop')
export class ShopController {
  constructor(private readonly shop: ShopService) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'WTG coin packages (price in cents, coins with bonus) and the WTG → GC rate; no key needed' })
  @ApiEnvelope(ShopView)
  getShop(): ShopView {
    return this.shop.catalog();
  }

  @Post('checkout')
  @ApiOperation({
    summary: 'Buy a WTG package with Stripe Checkout: returns the payment page; the coins arrive once Stripe reports the payment',
    description:
      'Creates a Stripe Checkout Session for the package (its price, quantity 1). The coins are granted by the Stripe webhook, once per session. ' +
      '404 while checkout is off (STRIPE_SECRET_KEY unset); 409 while you owe coins from a refunded or disputed payment; ' +
      '502 when Stripe cannot be reached (nothing is charged or recorded). The same Idempotency-Key returns the same session.',
  })
  @RequireScopes('credits:write')
  @ApiEnvelope(CheckoutView, { status: 201 })
  @ApiErrors(400, 404, 409, 502)
  @Idempotent()
  createCheckout(@CurrentActor() actor: Actor, @Body() body: CheckoutDto, @IdempotencyKey() key?: string): Promise<CheckoutView> {
    return this.shop.checkout(actor, { packageId: body.packageId, idempotencyKey: key });
  }

  @Post('convert')
  @ApiOperation({ summary: 'Convert WTG coins to GameCredits at 1:1000 (one-way, atomic)' })
  @RequireScopes('credits:write')
  @ApiEnvelope(ConversionView)
  @ApiErrors(400, 409, 422)
  @Idempotent()
  convertWtg(@CurrentActor() actor: Actor, @Body() body: ConvertWtgDto, @IdempotencyKey() key?: string): Promise<ConversionView> {
    return this.shop.convert(actor, { wtg: body.wtg, idempotencyKey: key });
  }

  @Get('transactions')
  @ApiOperation({ summary: 'Your WTG coin ledger, newest first: purchases and conversions' })
  @RequireScopes('profile:read')
  @ApiEnvelope(WtgTransactionView, { list: true })
  listWtgTransactions(@CurrentActor() actor: Actor, @Query() page: PageQuery): Promise<Paginated<WtgTransactionView>> {
    return this.shop.wtgHistory(actor, page);
  }
}
