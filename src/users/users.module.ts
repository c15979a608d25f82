import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { User } from './user.entity';
import { UserStats } from './user-stats.entity';
import { UsersCommands } from './users.commands';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([User, UserStats])],
  controllers: [UsersController],
  providers: [UsersService, UsersCommands],
  exports: [UsersService],
})
export class UsersModule {}
