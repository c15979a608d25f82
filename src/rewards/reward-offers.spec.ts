import { ConfigError, loadConfig } from '../config/app-config';
import { type UsersService } from '../users/users.service';
import { offerUrl } from './reward-offers';
import { RewardOffersService } from './reward-offers.service';

const DISCORD_ID = '123456789012345678';
const actor = { userId: 'u1', scopes: [], via: { kind: 'discord' as const } };
const users = { findById: () => Promise.resolve({ id: 'u1', discordId: DISCORD_ID }) } as unknown as UsersService;
const offersWith = (env: Record<string, string>) => new RewardOffersService(users, loadConfig(env)).offers(actor);

describe('reward offers', () => {
  it('puts the Discord id, the id reward callbacks name the user by, where the template says', () => {
    expect(offerUrl('https://wall.example.com/offers?sub_id={discordId}&src=agis', DISCORD_ID)).toBe(
      `https://wall.example.com/offers?sub_id=${DISCORD_ID}&src=agis`,
    );
    expect(offerUrl('https://surveys.example.com/u/{discordId}', DISCORD_ID)).toBe(`https://surveys.example.com/u/${DISCORD_ID}`);
  });

  it('lists a provider only when both its callback secret and its offer URL are set', async () => {
    const offers = await offersWith({
      REWARDS_SECRET_OFFERWALL: 'secret-1',
      REWARDS_OFFER_URL_OFFERWALL: 'https://wall.example.com/?uid={discordId}',
      REWARDS_SECRET_SURVEY: 'secret-2',
      REWARDS_OFFER_URL_VIDEO: 'https://video.example.com/?uid={discordId}',
    });
    expect(offers).toEqual([{ provider: 'offerwall', type: 'offer', label: 'Offerwall', url: `https://wall.example.com/?uid=${DISCORD_ID}` }]);
    expect(await offersWith({})).toEqual([]);
  });

  it.each([
    ['without the placeholder', 'https://wall.example.com/?uid=me'],
    ['with it twice', 'https://wall.example.com/{discordId}?u={discordId}'],
    ['that is not http(s)', 'javascript:alert({discordId})'],
    ['with spaces', 'https://wall.example.com/?uid={discordId} x'],
    ['longer than 480 characters', `https://wall.example.com/?uid={discordId}&pad=${'x'.repeat(460)}`],
  ])('refuses an offer URL template %s at boot, naming the variable', (_what, template) => {
    expect(() => loadConfig({ REWARDS_OFFER_URL_SURVEY: template })).toThrow(ConfigError);
    expect(() => loadConfig({ REWARDS_OFFER_URL_SURVEY: template })).toThrow(/REWARDS_OFFER_URL_SURVEY=/);
  });

  it('keeps a filled-in link within the 512 characters of a Discord link button', () => {
    const longest = `https://w.example.com/?uid={discordId}&pad=${'x'.repeat(480 - 43)}`;
    expect(longest).toHaveLength(480);
    expect(loadConfig({ REWARDS_OFFER_URL_OFFERWALL: longest }).REWARDS_OFFER_URL_OFFERWALL).toBe(longest);
    expect(offerUrl(longest, '9'.repeat(20)).length).toBeLessThanOrEqual(512);
  });
});
