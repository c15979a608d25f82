import { StringOption } from 'necord';

/** `server:` of /servers info|start|stop|restart|delete: autocomplete shows names, the value is the id. */
export class ServerIdOptions {
  @StringOption({ name: 'server', description: 'One of your servers (start typing its name)', required: true, autocomplete: true })
  server: string;
}
