import { messageErrors } from '../../../test/fakes/fake-discord-limits';
import { EMBED_DESCRIPTION_MAX, EMBED_TITLE_MAX, EMBEDS_TOTAL_MAX, embedLength } from '../../discord/discord-limits';
import { SERVER_NAME_MAX, type ServerLogsView } from '../servers.types';
import { logsEmbed } from './server-embeds';

const SERVER_ID = '0b7a3c2e-5f41-4d6a-9c3e-2a1f0e9d8c7b';
const logOf = (lines: string[]): ServerLogsView => ({ serverId: SERVER_ID, status: 'running', lines });
/** `[000042] xxxx…`: each line says which it is, padded to `length` characters. */
const numbered = (count: number, length: number) => Array.from({ length: count }, (_, i) => `[${String(i).padStart(6, '0')}] `.padEnd(length, 'x'));

/** The lines inside the description's code block; fails unless the block is the whole description, opened and closed once. */
function blockLines(description: string | undefined): string[] {
  expect(description).toMatch(/^```\n[\s\S]*\n```$/);
  const inner = description!.slice('```\n'.length, -'\n```'.length);
  expect(inner).not.toContain('```');
  return inner.split('\n');
}

describe('logsEmbed: a server log as one Discord reply', () => {
  it("keeps the newest lines of a 500-line log of 1,000-character lines within Discord's limits, each cut line ending in …", () => {
    const lines = numbered(500, 1000);
    const embed = logsEmbed('n'.repeat(SERVER_NAME_MAX), logOf(lines)).toJSON();

    expect(messageErrors({ embeds: [embed] })).toEqual([]);
    expect(embed.title!.length).toBeLessThanOrEqual(EMBED_TITLE_MAX);
    expect(embed.description!.length).toBeLessThanOrEqual(EMBED_DESCRIPTION_MAX);
    expect(embedLength(embed)).toBeLessThanOrEqual(EMBEDS_TOTAL_MAX);

    const shown = blockLines(embed.description);
    // The tail, in order, ending with the newest line: what an owner looks at a log for.
    const first = lines.length - shown.length;
    expect(shown.length).toBeGreaterThan(5);
    shown.forEach((line, i) => {
      expect(line).toMatch(/…$/);
      expect(lines[first + i].startsWith(line.slice(0, -1))).toBe(true);
    });
    expect(shown[shown.length - 1].startsWith('[000499] ')).toBe(true);
    expect(embed.footer?.text).toBe(`last ${shown.length} line(s) · GET /api/v1/servers/${SERVER_ID}/logs?tail=500 for more`);
  });

  it('keeps short lines whole and leaves out the oldest first', () => {
    const lines = numbered(2000, 40);
    const shown = blockLines(logsEmbed('survival', logOf(lines)).toJSON().description);
    expect(shown).toEqual(lines.slice(lines.length - shown.length));
    expect(shown.length).toBeLessThan(lines.length);
  });

  it('keeps the code block closed whatever backticks and code fences the game writes', () => {
    const tricky = ['```', '````js', '`` ` ``', 'ends with two ``', '``', 'a ```\n``` b', '`'.repeat(1000), 'done `'];
    const lines = [...numbered(400, 900), ...tricky];
    const embed = logsEmbed('fences', logOf(lines)).toJSON();

    expect(messageErrors({ embeds: [embed] })).toEqual([]);
    const shown = blockLines(embed.description);
    expect(shown[shown.length - 1]).toBe('done `');
    expect(shown.join('\n')).toContain('ends with two ``');
    for (const line of shown) {
      expect(line).not.toContain('```');
    }
  });
});
