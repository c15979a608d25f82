import { Module } from '@nestjs/common';
import { JobRunner } from '../common/background/job-runner';
import { CreditsModule } from '../credits/credits.module';
import { GuildNotices } from './guild-notices.service';

/** The guilds' channel notices, a bot-role job: AppModule imports this module only where the Discord bot runs (it needs the Client). */
@Module({
  imports: [CreditsModule],
  providers: [GuildNotices],
  exports: [GuildNotices],
})
export class GuildNoticesModule extends JobRunner {
  constructor(notices: GuildNotices) {
    super([notices]);
  }
}
