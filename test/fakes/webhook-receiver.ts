import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

export interface ReceivedDelivery {
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body exactly as received: signatures are checked over these bytes. */
  body: string;
  receivedAt: number;
}

/** How a path answers its n-th request (1-based): a status and an optional delay before answering. */
export type Responder = (n: number, delivery: ReceivedDelivery) => { status: number; delayMs?: number };

/**
 * A webhook receiver on 127.0.0.1 (node:http): records every request and answers per path as told,
 * 200 by default. Stands in for a user's endpoint at the wire level.
 */
export class WebhookReceiver {
  readonly received: ReceivedDelivery[] = [];
  private readonly responders = new Map<string, Responder>();
  private readonly counts = new Map<string, number>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<WebhookReceiver> {
    // The handler needs the receiver, which needs the listening server's port: filled in below.
    const self: { receiver?: WebhookReceiver } = {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = (req.url ?? '/').split('?')[0];
        const delivery: ReceivedDelivery = { path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), receivedAt: Date.now() };
        self.receiver!.received.push(delivery);
        const n = (self.receiver!.counts.get(path) ?? 0) + 1;
        self.receiver!.counts.set(path, n);
        const { status, delayMs } = self.receiver!.responders.get(path)?.(n, delivery) ?? { status: 200 };
        const answer = () => {
          res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'nope');
        };
        if (delayMs) {
          setTimeout(answer, delayMs);
        } else {
          answer();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self.receiver = new WebhookReceiver(server, (server.address() as AddressInfo).port);
    return self.receiver;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  respond(path: string, responder: Responder): void {
    this.responders.set(path, responder);
  }

  on(path: string): ReceivedDelivery[] {
    return this.received.filter((d) => d.path === path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
