import { Injectable } from '@nestjs/common';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { USER_SCOPES } from '../auth/scopes';
import { CreditsService } from '../credits/credits.service';
import { CreditReason } from '../credits/credits.types';
import { UsersService } from '../users/users.service';

export const DEMO_DISCORD_ID = '100000000000000001';
/** Enough GameCredits to create and run a few servers from Swagger on the first run. */
export const DEMO_GRANT_GC = 1000;

/** First run: with no users at all, create a demo user with some credits and one key to try the API. */
@Injectable()
export class DemoSeedService {
  constructor(
    private readonly users: UsersService,
    private readonly keys: ApiKeysService,
    private readonly credits: CreditsService,
  ) {}

  async seedIfEmpty(): Promise<string | undefined> {
    if ((await this.users.count()) > 0) {
      return undefined;
    }
    const created = await this.keys.mintForDiscordUser(DEMO_DISCORD_ID, 'demo', [...USER_SCOPES], 'demo key');
    const user = await this.users.findByDiscordId(DEMO_DISCORD_ID);
    await this.credits.grant(user!.id, DEMO_GRANT_GC, CreditReason.DEMO_GRANT, { idempotencyKey: `demo_grant:${user!.id}` });
    return created.key;
  }
}
