import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ActivityModule } from '../activity/activity.module';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { Authenticator } from '../auth/authenticator';
import { CreditsModule } from '../credits/credits.module';
import { UsersModule } from '../users/users.module';
import { ApiKeyTouchService } from './api-key-touch.service';
import { ApiKeysCommands } from './api-keys.commands';
import { apiKeysMetricProviders } from './api-keys.metrics';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';

/** API keys, and the global guard that authenticates every HTTP request with them (auth/ declares the port). */
@Module({
  imports: [UsersModule, ActivityModule, CreditsModule],
  controllers: [ApiKeysController],
  providers: [
    ApiKeysService,
    ApiKeysRepository,
    ApiKeyTouchService,
    ApiKeysCommands,
    ...apiKeysMetricProviders,
    { provide: Authenticator, useExisting: ApiKeysService },
    { provide: APP_GUARD, useClass: ApiKeyGuard },
  ],
  exports: [ApiKeysService],
})
export class ApiKeysModule {}
