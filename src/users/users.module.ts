import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CreditsModule } from '../credits/credits.module';
import { User } from './user.entity';
import { DailyBonusCommands } from './daily-bonus.commands';
import { DailyBonusService } from './daily-bonus.service';
import { UserStats } from './user-stats.entity';
import { UsersCommands } from './users.commands';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([User, UserStats]), CreditsModule],
  controllers: [UsersController],
  providers: [UsersService, UsersRepository, DailyBonusService, UsersCommands, DailyBonusCommands],
  exports: [UsersService, DailyBonusService],
})
export class UsersModule {}
