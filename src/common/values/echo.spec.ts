import { echo, listed, truncate } from './echo';

describe('echo and truncate', () => {
  it('leaves short text alone and cuts long text to the limit, ending in "…"', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abcdef', 4)).toHaveLength(4);
  });

  it('never cuts an emoji in half', () => {
    const cut = truncate('ab🟢cd', 4);
    expect(cut).toBe('ab…');
    expect(() => encodeURIComponent(cut)).not.toThrow();
  });

  it('repeats input on one line, at most 64 characters', () => {
    expect(echo('x'.repeat(500))).toBe(`${'x'.repeat(63)}…`);
    expect(echo('a\nb\u0000c')).toBe('a b c');
  });

  it('lists items comma-separated within 200 characters', () => {
    expect(listed(['a', 'b'])).toBe('a, b');
    expect(listed(Array.from({ length: 100 }, (_, i) => `item${i}`))).toHaveLength(200);
  });
});
