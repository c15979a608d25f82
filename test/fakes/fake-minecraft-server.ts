import { createServer, type Server, type Socket } from 'node:net';

/**
 * A fake Minecraft Java Edition server that answers the Server List Ping (minecraft.wiki "Java Edition
 * protocol/Server List Ping"): frames are `VarInt length, VarInt packet id, data`; the client sends a Handshake
 * (id 0x00: VarInt protocol version, String address of at most 255 characters, unsigned short port, VarInt next
 * state, 1 = status) then a Status Request (id 0x00, empty); the server answers a Status Response (id 0x00, JSON
 * String with `version`, `players.online/max/sample`, `description`) and echoes a Ping Request (id 0x01, Long) as a
 * Pong. Anything else — a first packet that is not a Handshake, a next state other than 1 or 2, a login — closes
 * the connection without an answer, as the real server does for a status client that breaks the protocol.
 */
export class FakeMinecraftServer {
  players = { online: 0, max: 20 };
  readonly statusRequests: number[] = [];
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  constructor(readonly port: number) {}

  /** The game finished booting: it accepts connections from now on. */
  async listen(): Promise<void> {
    const server = createServer((socket) => this.serve(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', resolve);
    });
    this.server = server;
  }

  /** The game crashed or hung: the port stops answering. */
  async stop(): Promise<void> {
    for (const socket of this.sockets) {
      socket.destroy();
    }
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = Buffer.alloc(0);
    let stage: 'handshake' | 'status' = 'handshake';
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const frame = readFrame(buffer);
        if (!frame) {
          return;
        }
        buffer = buffer.subarray(frame.size);
        const reader = new Reader(frame.payload);
        const id = reader.varint();
        if (stage === 'handshake') {
          if (id !== 0x00) {
            socket.destroy();
            return;
          }
          reader.varint(); // protocol version
          const address = reader.string();
          reader.ushort();
          const next = reader.varint();
          if (address.length > 255 || (next !== 1 && next !== 2)) {
            socket.destroy();
            return;
          }
          if (next === 2) {
            socket.destroy();
            return;
          } // a login: not what a status client sends
          stage = 'status';
        } else if (id === 0x00) {
          this.statusRequests.push(Date.now());
          socket.write(
            frameOf(
              0x00,
              stringOf(
                JSON.stringify({
                  version: { name: '1.21.4', protocol: 769 },
                  players: { online: this.players.online, max: this.players.max, sample: [] },
                  description: { text: 'agis test world' },
                }),
              ),
            ),
          );
        } else if (id === 0x01) {
          socket.write(frameOf(0x01, frame.payload.subarray(1, 9)));
          socket.end();
        } else {
          socket.destroy();
          return;
        }
      }
    });
  }
}

function varintOf(value: number): Buffer {
  const bytes: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) {
      byte |= 0x80;
    }
    bytes.push(byte);
  } while (v !== 0);
  return Buffer.from(bytes);
}

function stringOf(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.concat([varintOf(bytes.length), bytes]);
}

function frameOf(id: number, data: Buffer): Buffer {
  const body = Buffer.concat([varintOf(id), data]);
  return Buffer.concat([varintOf(body.length), body]);
}

/** One whole frame at the start of `buffer`, or undefined while it is incomplete. */
function readFrame(buffer: Buffer): { payload: Buffer; size: number } | undefined {
  let length = 0;
  for (let i = 0; i < 5 && i < buffer.length; i += 1) {
    length |= (buffer[i] & 0x7f) << (7 * i);
    if ((buffer[i] & 0x80) === 0) {
      const start = i + 1;
      return buffer.length >= start + length ? { payload: buffer.subarray(start, start + length), size: start + length } : undefined;
    }
  }
  return undefined;
}

class Reader {
  private offset = 0;
  constructor(private readonly data: Buffer) {}

  varint(): number {
    let value = 0;
    for (let i = 0; i < 5; i += 1) {
      const byte = this.data[this.offset++];
      value |= (byte & 0x7f) << (7 * i);
      if ((byte & 0x80) === 0) {
        return value;
      }
    }
    return value;
  }

  string(): string {
    const length = this.varint();
    const text = this.data.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return text;
  }

  ushort(): number {
    const value = this.data.readUInt16BE(this.offset);
    this.offset += 2;
    return value;
  }
}
