import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor, RequireScopes } from '../auth/auth.decorators';
import { ApiEnvelope } from '../common/http/api-docs.decorator';
import { RewardOffersService } from './reward-offers.service';
import { RewardOfferView } from './rewards.types';

@ApiTags('rewards')
@Controller('rewards')
export class RewardOffersController {
  constructor(private readonly offers: RewardOffersService) {}

  @Get('offers')
  @ApiOperation({
    summary: 'Where you can earn GameCredits: one link per enabled ad network, carrying your Discord id so its rewards reach you',
    description: 'Lists the providers that have both a callback secret and an offer URL (REWARDS_OFFER_URL_<PROVIDER>); an empty list when none do.',
  })
  @RequireScopes('profile:read')
  @ApiEnvelope(RewardOfferView, { list: true, paged: false })
  listRewardOffers(@CurrentActor() actor: Actor): Promise<RewardOfferView[]> {
    return this.offers.offers(actor);
  }
}
