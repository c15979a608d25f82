import type { Channel } from 'discord.js';
import { ChannelType } from 'discord.js';
import { ChannelOption, IntegerOption, StringOption } from 'necord';
import { CHOICE_VALUE_MAX } from '../../discord/discord-limits';
import { DEPOSIT_AMOUNT_MAX } from '../guilds.types';

export class GuildDepositOptions {
  @IntegerOption({
    name: 'amount',
    description: 'GC to move from your balance into the treasury',
    required: true,
    min_value: 1,
    max_value: DEPOSIT_AMOUNT_MAX,
  })
  amount: number;
}

export class GuildChannelOptions {
  @ChannelOption({
    name: 'channel',
    description: 'Told when a guild server stops because the treasury cannot pay',
    required: true,
    channel_types: [ChannelType.GuildText],
  })
  channel: Channel;
}

/** `server:` of /guild servers start|stop|delete: the id /guild servers list shows. */
export class GuildServerOptions {
  @StringOption({ name: 'server', description: 'The guild server id (from /guild servers list)', required: true, max_length: CHOICE_VALUE_MAX })
  server: string;
}
