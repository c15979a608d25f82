import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActivityModule } from '../activity/activity.module';
import { CreditsModule } from '../credits/credits.module';
import { UsersModule } from '../users/users.module';
import { ApiKey } from './api-key.entity';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyTouchService } from './api-key-touch.service';
import { ApiKeysService } from './api-keys.service';
import { AuthCommands } from './auth.commands';
import { AuthController } from './auth.controller';
import { DemoSeedService } from './demo-seed.service';

@Module({
  imports: [TypeOrmModule.forFeature([ApiKey]), UsersModule, CreditsModule, ActivityModule],
  controllers: [AuthController],
  providers: [ApiKeysService, ApiKeyTouchService, DemoSeedService, AuthCommands, { provide: APP_GUARD, useClass: ApiKeyGuard }],
  exports: [ApiKeysService, DemoSeedService],
})
export class AuthModule {}
