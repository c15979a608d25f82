import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';

/** What one check of the game found: whether it answers and, where its query protocol says, who is on it. */
export interface ProbeResult {
  ok: boolean;
  players?: { online: number; max: number };
  /** Why it did not answer, for the log and the termination message. */
  reason?: string;
}

export interface GameProbe {
  check(): Promise<ProbeResult>;
}

interface ProbeTarget {
  host: string;
  port: number;
  timeoutMs: number;
}

/** A game with a query protocol: asked through gamedig, which also reports players online / max. */
export class QueryProbe implements GameProbe {
  constructor(
    private readonly type: string,
    private readonly target: ProbeTarget,
  ) {}

  async check(): Promise<ProbeResult> {
    const { GameDig } = loadGameDig();
    try {
      const state = await GameDig.query({
        type: this.type,
        host: this.target.host,
        port: this.target.port,
        // Ask exactly the given port once: a readiness check wants a fast, certain answer, not port guessing.
        givenPortOnly: true,
        maxRetries: 0,
        socketTimeout: this.target.timeoutMs,
        attemptTimeout: this.target.timeoutMs,
      });
      const online = Number(state.numplayers ?? state.players?.length ?? 0);
      const max = Number(state.maxplayers ?? 0);
      return { ok: true, players: Number.isFinite(online) && Number.isFinite(max) ? { online, max } : undefined };
    } catch (err) {
      return { ok: false, reason: `${this.type} query on port ${this.target.port}: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
}

/** A game without a query protocol that listens on TCP: it answers when a connection is accepted. */
export class TcpProbe implements GameProbe {
  constructor(private readonly target: ProbeTarget) {}

  check(): Promise<ProbeResult> {
    const { host, port, timeoutMs } = this.target;
    return new Promise((resolve) => {
      const socket = connect({ host, port });
      const done = (result: ProbeResult) => {
        socket.destroy();
        resolve(result);
      };
      socket.setTimeout(timeoutMs, () => done({ ok: false, reason: `TCP port ${port}: no answer within ${timeoutMs} ms` }));
      socket.once('connect', () => done({ ok: true }));
      socket.once('error', (err: NodeJS.ErrnoException) => done({ ok: false, reason: `TCP port ${port}: ${err.code ?? err.message}` }));
    });
  }
}

/**
 * A UDP game without a query protocol need not answer a stray datagram, so "answers" means "has bound its
 * port": the sidecar shares the pod's network namespace, where /proc/net/udp and udp6 list every bound socket
 * (local address `IP:PORT`, port in hex, see proc(5)).
 */
export class UdpBoundProbe implements GameProbe {
  constructor(
    private readonly target: ProbeTarget,
    private readonly procNet = '/proc/net',
  ) {}

  async check(): Promise<ProbeResult> {
    const hexPort = this.target.port.toString(16).toUpperCase().padStart(4, '0');
    for (const table of ['udp', 'udp6']) {
      const text = await readFile(`${this.procNet}/${table}`, 'utf8').catch(() => '');
      const bound = text
        .split('\n')
        .slice(1)
        .some((line) => line.trim().split(/\s+/)[1]?.endsWith(`:${hexPort}`));
      if (bound) {
        return { ok: true };
      }
    }
    return { ok: false, reason: `UDP port ${this.target.port}: nothing has bound it yet` };
  }
}

export function probeFor(check: string, target: ProbeTarget): GameProbe {
  switch (check) {
    case 'tcp':
      return new TcpProbe(target);
    case 'udp':
      return new UdpBoundProbe(target);
    default:
      return new QueryProbe(check, target);
  }
}

interface GameDigState {
  numplayers?: number;
  maxplayers?: number;
  players?: unknown[];
}
interface GameDigModule {
  GameDig: { query(options: Record<string, unknown>): Promise<GameDigState> };
}

/** gamedig ships CommonJS beside its ESM build; loaded on first use so the API process never pays for it. */
function loadGameDig(): GameDigModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('gamedig') as GameDigModule;
}

/** Whether gamedig knows the type (a game id or `protocol-<name>`); used to validate catalog entries. */
export function isKnownQueryType(type: string): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { games, protocols } = require('gamedig') as { games: Record<string, unknown>; protocols: Record<string, unknown> };
  return type.startsWith('protocol-') ? type.slice('protocol-'.length) in protocols : type in games;
}
