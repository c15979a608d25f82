import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Public, RequireScopes } from '../auth/auth.decorators';
import { Actor } from '../auth/actor';
import { ApiEnvelope, ApiErrors } from '../common/http/api-docs.decorator';
import { Paginated } from '../common/http/envelope';
import { IdempotencyKey, Idempotent } from '../common/idempotency/idempotency.interceptor';
import { PageQuery } from '../common/http/pagination';
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
