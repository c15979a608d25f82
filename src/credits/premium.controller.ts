import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor, RequireScopes } from '../auth/auth.decorators';
import { ApiEnvelope, ApiErrors } from '../common/http/api-docs.decorator';
import { IdempotencyKey, Idempotent } from '../common/idempotency/idempotency.interceptor';
import { BuyPremiumDto } from './dto/buy-premium.dto';
import { PremiumService } from './premium.service';
import { PremiumPurchaseView, PremiumStatusView } from './premium.types';

/** GET and POST /users/me/premium: the same calls as /premium info and /premium buy. */
@ApiTags('users')
@Controller('users/me/premium')
export class PremiumController {
  constructor(private readonly premium: PremiumService) {}

  @Get()
  @ApiOperation({ summary: 'Your premium: tier in force, when it ends, the price per month in WTG coins' })
  @RequireScopes('profile:read')
  @ApiEnvelope(PremiumStatusView)
  getPremium(@CurrentActor() actor: Actor): Promise<PremiumStatusView> {
    return this.premium.status(actor);
  }

  @Post()
  @ApiOperation({
    summary:
      'Buy 1-12 months of premium with WTG coins (PREMIUM_PRICE_WTG_PER_MONTH each); extends from the later of now and the current end. Premium doubles the daily bonus and /work',
  })
  @RequireScopes('credits:write')
  @ApiEnvelope(PremiumPurchaseView)
  @ApiErrors(400, 409, 422)
  @Idempotent()
  buyPremium(@CurrentActor() actor: Actor, @Body() body: BuyPremiumDto, @IdempotencyKey() key?: string): Promise<PremiumPurchaseView> {
    return this.premium.buy(actor, { months: body.months, idempotencyKey: key });
  }
}
