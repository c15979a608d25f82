import { Injectable } from '@nestjs/common';
import { UsersService } from '../users/users.service';
import { ApiKeysService } from './api-keys.service';
import { USER_SCOPES } from './scopes';

export const DEMO_DISCORD_ID = '100000000000000001';

/** First run: with no users at all, create a demo user and one key to try the API. */
@Injectable()
export class DemoSeedService {
  constructor(private readonly users: UsersService, private readonly keys: ApiKeysService) {}

  async seedIfEmpty(): Promise<string | undefined> {
    if ((await this.users.count()) > 0) {
      return undefined;
    }
    const created = await this.keys.mintForDiscordUser(DEMO_DISCORD_ID, 'demo', [...USER_SCOPES], 'demo key');
    return created.key;
  }
}
