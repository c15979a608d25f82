import { Body, Controller, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, RequireScopes } from '../auth/auth.decorators';
import { Actor } from '../auth/actor';
import { ApiEnvelope, ApiErrors } from '../common/http/api-docs.decorator';
import { Idempotent } from '../common/idempotency/idempotency.interceptor';
import { GrantWtgDto } from './dto/grant-wtg.dto';
import { ShopService } from './shop.service';
import { WtgGrantView } from './shop.types';

@ApiTags('admin')
@Controller('admin/wtg')
export class WtgAdminController {
  constructor(private readonly shop: ShopService) {}

  @Post('grant')
  @ApiOperation({ summary: 'Credit purchased WTG coins to a user (payment systems); a reference is granted once, repeats replay it' })
  @RequireScopes('admin')
  @ApiEnvelope(WtgGrantView)
  @ApiErrors(400, 404, 409, 422)
  @Idempotent()
  grantWtg(@CurrentActor() actor: Actor, @Body() body: GrantWtgDto): Promise<WtgGrantView> {
    return this.shop.grant(actor, body);
  }
}
