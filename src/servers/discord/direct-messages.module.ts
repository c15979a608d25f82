import { Module } from '@nestjs/common';
import { JobRunner } from '../../common/background/job-runner';
import { EventsModule } from '../../events/events.module';
import { DirectMessages } from './direct-messages.service';

/**
 * The owners' direct messages about their servers, a bot-role job. AppModule imports this module only
 * where the Discord bot runs: DirectMessages needs the gateway's Client, which NecordModule (global, in
 * DiscordModule) provides.
 */
@Module({
  imports: [EventsModule],
  providers: [DirectMessages],
  exports: [DirectMessages],
})
export class DirectMessagesModule extends JobRunner {
  constructor(messages: DirectMessages) {
    super([messages]);
  }
}
