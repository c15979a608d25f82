import { parseRewardPayload } from './reward-payload';

const valid = { conversionId: 'cv-1', discordId: '123456789012345678', amount: 150 };

describe('parseRewardPayload', () => {
  it('reads the fields, defaults the type from the provider and ignores provider-specific extras', () => {
    expect(parseRewardPayload('video', { ...valid, placement: 'home', sub_id: 7 })).toEqual({
      ok: true,
      payload: { conversionId: 'cv-1', discordId: '123456789012345678', amount: 150, type: 'video', occurredAt: null },
    });
    expect(parseRewardPayload('offerwall', valid)).toMatchObject({ ok: true, payload: { type: 'offer' } });
    expect(parseRewardPayload('offerwall', { ...valid, type: 'install' })).toMatchObject({ ok: true, payload: { type: 'install' } });
  });

  it('reads timestamps in unix seconds, unix milliseconds and ISO 8601', () => {
    const at = new Date('2026-11-24T12:00:00.000Z');
    for (const timestamp of [at.getTime() / 1000, at.getTime(), at.toISOString()]) {
      expect(parseRewardPayload('survey', { ...valid, timestamp })).toMatchObject({ ok: true, payload: { occurredAt: at } });
    }
  });

  it('cannot use a body without a well-formed conversion id', () => {
    for (const body of [
      {},
      null,
      [],
      'x',
      { ...valid, conversionId: '' },
      { ...valid, conversionId: 'a b' },
      { ...valid, conversionId: 'x'.repeat(129) },
    ]) {
      expect(parseRewardPayload('video', body)).toMatchObject({ ok: false, conversionId: null });
    }
  });

  it('lists every problem of a body that has a conversion id', () => {
    const parsed = parseRewardPayload('video', { conversionId: 'cv-2', discordId: 42, amount: -5, type: 'lottery', timestamp: 'yesterday' });
    expect(parsed).toMatchObject({ ok: false, conversionId: 'cv-2', discordId: '' });
    expect(parsed.ok ? [] : parsed.problems).toHaveLength(4);
    expect(parseRewardPayload('video', { ...valid, amount: 1.5 })).toMatchObject({ ok: false, discordId: valid.discordId });
    expect(parseRewardPayload('video', { ...valid, amount: '150' })).toMatchObject({ ok: false });
  });
});
