/** The most of a caller's input an error message repeats back ("Server '…' not found"). */
export const ECHO_MAX = 64;
/** The most of a list (known game types, unknown scopes) an error message spells out. */
export const LISTED_MAX = 200;

const ELLIPSIS = '…';

/**
 * `text` cut to at most `max` UTF-16 units, ending in "…" when cut. Never splits a surrogate pair
 * (an emoji cut in half is not valid text), and counts the way discord.js validates lengths, which
 * is never fewer than the characters Discord itself counts.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) {
    return text;
  }
  let end = Math.max(0, max - ELLIPSIS.length);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) {
    end -= 1;
  }
  return `${text.slice(0, end).trimEnd()}${ELLIPSIS}`;
}

/**
 * Caller input as an error message repeats it: on one line and at most `max` characters. Input is
 * bounded by validation on every transport, but a message must stay readable (and fit a Discord
 * embed) even for input that nothing bounded, e.g. a path parameter.
 */
export function echo(input: unknown, max = ECHO_MAX): string {
  // Control characters are exactly what this removes.
  // eslint-disable-next-line no-control-regex
  return truncate(String(input).replace(/[\u0000-\u001f\u007f]+/g, ' '), max);
}

/** `a, b, c` cut to `max` characters, for error messages that list what is known or what was wrong. */
export function listed(items: readonly unknown[], max = LISTED_MAX): string {
  return truncate(items.map((i) => echo(i)).join(', '), max);
}
