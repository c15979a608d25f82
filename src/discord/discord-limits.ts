import type { APIEmbed } from 'discord.js';
import { truncate } from '../common/values/echo';

// Discord refuses (400, 50035 "Invalid Form Body") a message or interaction response that breaks
// these documented limits, and the user then sees nothing. Sources:
// https://discord.com/developers/docs/resources/message#embed-object-embed-limits (embeds, the 6,000 total),
// https://discord.com/developers/docs/resources/message#create-message (content ≤ 2,000, ≤ 10 embeds),
// https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-response-object-autocomplete
// and .../application-commands#application-command-object-application-command-option-choice-structure (choices).
// Lengths are counted in UTF-16 units, as discord.js's builders validate them; never fewer than Discord's count.
export const CONTENT_MAX = 2000;
export const EMBED_TITLE_MAX = 256;
export const EMBED_DESCRIPTION_MAX = 4096;
export const EMBED_FIELDS_MAX = 25;
export const EMBED_FIELD_NAME_MAX = 256;
export const EMBED_FIELD_VALUE_MAX = 1024;
export const EMBED_FOOTER_MAX = 2048;
export const EMBED_AUTHOR_NAME_MAX = 256;
/** Title, description, field names and values, footer and author of all embeds of one message together. */
export const EMBEDS_TOTAL_MAX = 6000;
export const CHOICES_MAX = 25;
export const CHOICE_NAME_MAX = 100;
/**
 * A string choice value is at most 100 characters, so an autocompleted option never needs more: it is
 * the `max_length` of every option filled by autocomplete (ids, and what a user types to search).
 */
export const CHOICE_VALUE_MAX = 100;

/** Characters Discord counts towards the 6,000 total of an embed. */
export function embedLength(e: APIEmbed): number {
  return (
    (e.title?.length ?? 0) +
    (e.description?.length ?? 0) +
    (e.footer?.text.length ?? 0) +
    (e.author?.name.length ?? 0) +
    (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0)
  );
}

/**
 * The embed cut to Discord's limits: every text to its own maximum, at most 25 fields, and then, while
 * the whole is over `total`, the longest texts shortened with "…" to one common length that fits.
 * A safety net under replies that are already built to fit (lists page or share a budget by design).
 */
export function fitEmbed(embed: APIEmbed, total = EMBEDS_TOTAL_MAX): APIEmbed {
  const e: APIEmbed = { ...embed };
  if (e.title !== undefined) {
    e.title = truncate(e.title, EMBED_TITLE_MAX);
  }
  if (e.description !== undefined) {
    e.description = truncate(e.description, EMBED_DESCRIPTION_MAX);
  }
  if (e.footer) {
    e.footer = { ...e.footer, text: truncate(e.footer.text, EMBED_FOOTER_MAX) };
  }
  if (e.author) {
    e.author = { ...e.author, name: truncate(e.author.name, EMBED_AUTHOR_NAME_MAX) };
  }
  if (e.fields) {
    e.fields = e.fields.slice(0, EMBED_FIELDS_MAX).map((f) => ({
      ...f,
      name: truncate(f.name, EMBED_FIELD_NAME_MAX),
      value: truncate(f.value, EMBED_FIELD_VALUE_MAX),
    }));
  }
  // Over the total: cut every text longer than one common length, the largest length that fits, so
  // the longest texts give up the most and short ones (names, labels) stay whole.
  const parts = textsOf(e);
  const lengthIfCutAt = (level: number) => parts.reduce((n, p) => n + Math.min(p.text.length, level), 0);
  if (lengthIfCutAt(Infinity) > total) {
    let [low, high] = [1, Math.max(...parts.map((p) => p.text.length))];
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      [low, high] = lengthIfCutAt(mid) <= total ? [mid, high] : [low, mid - 1];
    }
    for (const p of parts.filter((q) => q.text.length > low)) {
      p.set(truncate(p.text, low));
    }
  }
  return e;
}

/** Every text of an embed that counts towards its total, each with a setter (the embed is a private copy). */
function textsOf(e: APIEmbed): Array<{ text: string; set: (t: string) => void }> {
  const parts: Array<{ text: string; set: (t: string) => void }> = [];
  if (e.description) {
    parts.push({
      text: e.description,
      set: (t) => {
        e.description = t;
      },
    });
  }
  if (e.title) {
    parts.push({
      text: e.title,
      set: (t) => {
        e.title = t;
      },
    });
  }
  if (e.footer) {
    parts.push({
      text: e.footer.text,
      set: (t) => {
        e.footer = { ...e.footer, text: t };
      },
    });
  }
  if (e.author) {
    parts.push({
      text: e.author.name,
      set: (t) => {
        e.author = { ...e.author, name: t };
      },
    });
  }
  for (const f of e.fields ?? []) {
    parts.push(
      {
        text: f.value,
        set: (t) => {
          f.value = t;
        },
      },
      {
        text: f.name,
        set: (t) => {
          f.name = t;
        },
      },
    );
  }
  return parts;
}

/**
 * Joins lines for an embed description, stopping before `max` characters; when lines are left out the
 * last line says how many (`more(hidden)`), so a long list never breaks the reply.
 */
export function linesWithin(lines: readonly string[], max: number, more: (hidden: number) => string): string {
  const all = lines.join('\n');
  if (all.length <= max) {
    return all;
  }
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    const next = used + (kept.length ? 1 : 0) + line.length;
    if (next + 1 + more(lines.length - kept.length - 1).length > max) {
      break;
    }
    kept.push(line);
    used = next;
  }
  return truncate([...kept, more(lines.length - kept.length)].join('\n'), max);
}

/**
 * Splits items into pages that each fit: at most `perPage` items and at most `budget` characters
 * (`size` of an item as it will be shown). An item larger than the budget gets a page of its own.
 */
export function pagesBySize<T>(items: readonly T[], size: (item: T) => number, perPage: number, budget: number): T[][] {
  const pages: T[][] = [];
  let page: T[] = [];
  let used = 0;
  for (const item of items) {
    const n = size(item);
    if (page.length > 0 && (page.length >= perPage || used + n > budget)) {
      pages.push(page);
      page = [];
      used = 0;
    }
    page.push(item);
    used += n;
  }
  if (page.length > 0) {
    pages.push(page);
  }
  return pages;
}
