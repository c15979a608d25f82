import { Injectable } from '@nestjs/common';
import { Actor } from '../auth/actor';
import { AppConfig } from '../config/app-config';
import { UsersService } from '../users/users.service';
import { DEFAULT_TYPE, REWARD_PROVIDERS, RewardProvider } from './reward-payload';
import { OFFER_LABELS, offerUrl } from './reward-offers';
import { RewardOfferView } from './rewards.types';

/**
 * The links where a user earns GC from ad networks: one per provider that is enabled (its callback secret is
 * set) and has an offer URL template. The user's Discord id goes into the link, and the network sends it back
 * in its callback (`discordId`), which is how RewardsService finds whom to credit.
 */
@Injectable()
export class RewardOffersService {
  constructor(
    private readonly users: UsersService,
    private readonly config: AppConfig,
  ) {}

  async offers(actor: Actor): Promise<RewardOfferView[]> {
    const user = await this.users.findById(actor.userId);
    return REWARD_PROVIDERS.flatMap((provider) => {
      const template = this.templateOf(provider);
      return template ? [{ provider, type: DEFAULT_TYPE[provider], label: OFFER_LABELS[provider], url: offerUrl(template, user.discordId) }] : [];
    });
  }

  /** The provider's template, only when its callbacks can be verified (a link whose conversions would all be refused helps no one). */
  private templateOf(provider: RewardProvider): string | undefined {
    const settings: Record<RewardProvider, { secret?: string; template?: string }> = {
      offerwall: { secret: this.config.REWARDS_SECRET_OFFERWALL, template: this.config.REWARDS_OFFER_URL_OFFERWALL },
      survey: { secret: this.config.REWARDS_SECRET_SURVEY, template: this.config.REWARDS_OFFER_URL_SURVEY },
      video: { secret: this.config.REWARDS_SECRET_VIDEO, template: this.config.REWARDS_OFFER_URL_VIDEO },
    };
    const { secret, template } = settings[provider];
    return secret && template ? template : undefined;
  }
}
