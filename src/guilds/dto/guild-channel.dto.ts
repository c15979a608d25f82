import { StringField } from '../../common/http/api-field.decorator';

export class SetGuildChannelDto {
  @StringField({
    example: '234567890123456789',
    description: 'A text channel of the guild: told when a guild server stops because the treasury cannot pay (the bot must be able to post there)',
    maxLength: 20,
    pattern: /^\d{17,20}$/,
    patternMessage: 'channelId must be a Discord snowflake (17-20 digits)',
  })
  channelId: string;
}
