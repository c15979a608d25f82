import { BooleanField, StringField } from '../../common/http/api-field.decorator';
import { GAME_TYPE_MAX, SERVER_NAME_MAX, SERVER_NAME_PATTERN } from '../servers.types';

export class CreateServerDto {
  @StringField({
    example: 'survival',
    minLength: 1,
    maxLength: SERVER_NAME_MAX,
    pattern: SERVER_NAME_PATTERN,
    patternMessage: 'name may hold letters, digits, spaces, dots, dashes and underscores, starting with a letter or digit',
    description: 'Unique among your servers (case-insensitive)',
  })
  name: string;

  /** The catalog is configurable, so its keys are listed in the document at startup (`documentGameTypes`). */
  @StringField({ example: 'minecraft', maxLength: GAME_TYPE_MAX, description: 'A key from GET /games' })
  gameType: string;

  @BooleanField({ default: true, optional: true, description: 'Start right away (charges the first hour); false only creates the record' })
  start?: boolean;
}
