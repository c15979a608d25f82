/** A message queued for a guild's notice channel (GuildTreasuryService.noticeIn), as the bot role claims it. */
export interface GuildNotice {
  id: string;
  guildId: string;
  channelId: string;
  content: string;
}
