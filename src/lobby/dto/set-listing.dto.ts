import { BooleanField, StringField } from '../../common/http/api-field.decorator';
import { LOBBY_DESCRIPTION_MAX } from '../../servers/servers.types';

/** PATCH /servers/:id: list a running server in the lobby, or take it out. */
export class SetListingDto {
  @BooleanField({ example: true, description: 'true lists the server in the public lobby (it must be running); false takes it out' })
  public: boolean;

  @StringField({
    example: 'Vanilla survival, friendly admins',
    maxLength: LOBBY_DESCRIPTION_MAX,
    optional: true,
    description: 'Shown in the lobby beside the server; cleared when it is unlisted',
  })
  description?: string;
}
