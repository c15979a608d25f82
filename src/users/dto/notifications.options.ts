import { BooleanOption } from 'necord';

export class NotificationsOptions {
  @BooleanOption({
    name: 'direct_messages',
    description: 'Get a direct message when your server is ready, stopped by agis, or fails, or someone gifts you GC',
    required: true,
  })
  directMessages: boolean;
}
