import { embedLength, EMBEDS_TOTAL_MAX, fitEmbed, linesWithin, pagesBySize } from './discord-limits';
import { FittedEmbed } from './embeds';

describe('Discord limits', () => {
  it('cuts every part of an embed to its own limit and the whole to 6,000 characters', () => {
    const fitted = fitEmbed({
      title: 't'.repeat(300),
      description: 'd'.repeat(5000),
      footer: { text: 'f'.repeat(3000) },
      fields: Array.from({ length: 30 }, (_, i) => ({ name: `n${i}`.repeat(200), value: 'v'.repeat(2000) })),
    });
    expect(fitted.title?.length).toBeLessThanOrEqual(256);
    expect(fitted.footer?.text.length).toBeLessThanOrEqual(2048);
    expect(fitted.fields).toHaveLength(25);
    for (const f of fitted.fields ?? []) {
      expect(f.name.length).toBeLessThanOrEqual(256);
      expect(f.value.length).toBeLessThanOrEqual(1024);
    }
    expect(embedLength(fitted)).toBeLessThanOrEqual(EMBEDS_TOTAL_MAX);
  });

  it('shortens the longest texts first and leaves short ones whole', () => {
    const fitted = fitEmbed({
      title: 'Your schedules',
      fields: Array.from({ length: 10 }, (_, i) => ({ name: `schedule ${i}`, value: 'v'.repeat(1000) })),
    });
    expect(fitted.title).toBe('Your schedules');
    expect(fitted.fields?.map((f) => f.name)).toEqual(Array.from({ length: 10 }, (_, i) => `schedule ${i}`));
    expect(fitted.fields?.[0].value).toMatch(/^v+…$/);
    expect(embedLength(fitted)).toBeLessThanOrEqual(EMBEDS_TOTAL_MAX);
    expect(embedLength(fitted)).toBeGreaterThan(EMBEDS_TOTAL_MAX - 20);
  });

  it('builds embeds that fit whatever is set on them, where discord.js alone would throw', () => {
    const embed = new FittedEmbed()
      .setTitle('t'.repeat(1000))
      .setDescription('d'.repeat(9000))
      .addFields(Array.from({ length: 40 }, () => ({ name: 'n', value: 'v'.repeat(1500) })));
    const json = embed.toJSON();
    expect(json.fields).toHaveLength(25);
    expect(embedLength(json)).toBeLessThanOrEqual(EMBEDS_TOTAL_MAX);
    expect(new FittedEmbed().addFields({ name: '', value: '' }).toJSON().fields).toEqual([{ name: '—', value: '—' }]);
  });

  it('keeps whole lines within a description and says how many were left out', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i} `.padEnd(100, '.'));
    const text = linesWithin(lines, 4096, (n) => `… and ${n} more`);
    expect(text.length).toBeLessThanOrEqual(4096);
    const kept = text.split('\n');
    expect(kept.at(-1)).toBe(`… and ${100 - (kept.length - 1)} more`);
    expect(linesWithin(['a', 'b'], 4096, () => 'more')).toBe('a\nb');
  });

  it('pages items by count and by size', () => {
    expect(pagesBySize([1, 2, 3, 4, 5], () => 1, 2, 100)).toEqual([[1, 2], [3, 4], [5]]);
    expect(pagesBySize([60, 60, 60], (n) => n, 25, 100)).toEqual([[60], [60], [60]]);
  });
});
