import { type RewardProvider } from './reward-payload';

/** Where a user's id goes in an offer URL template (REWARDS_OFFER_URL_<PROVIDER>): the id reward callbacks name them by. */
export const OFFER_USER_PLACEHOLDER = '{discordId}';

/** What a user is offered per ad network, as a button label. */
export const OFFER_LABELS: Record<RewardProvider, string> = {
  offerwall: 'Offerwall',
  survey: 'Surveys',
  video: 'Watch a video',
};

/** The template with the user's Discord id filled in (the template holds the placeholder once; config validation sees to it). */
export function offerUrl(template: string, discordId: string): string {
  return template.replace(OFFER_USER_PLACEHOLDER, encodeURIComponent(discordId));
}
