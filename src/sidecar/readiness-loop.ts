import { setTimeout as sleep } from 'node:timers/promises';
import { type GameProbe, type ProbeResult } from './game-probe';

/** The part of the Agones SDK (`@google-cloud/agones-sdk`) the sidecar uses. */
export interface AgonesSdkPort {
  ready(): Promise<unknown>;
  health(errorCallback?: (error: Error) => void): void;
  setAnnotation(key: string, value: string): Promise<unknown>;
}

/** Annotation key given to SetAnnotation; Agones stores it as `agones.dev/sdk-agis-players` on the GameServer. */
export const PLAYERS_ANNOTATION = 'agis-players';

export type SidecarLog = (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;

export interface ReadinessOptions {
  intervalMs: number;
  /** Consecutive failed checks of a Ready game before Health() pings stop. */
  failureThreshold: number;
}

/**
 * Stands in for the SDK calls a stock game image never makes. Agones counts a GameServer healthy only while
 * Health() pings keep coming (from the pod's start, after `health.initialDelaySeconds`), and moves it to Ready
 * only on the SDK's Ready() (agones.dev "Health Checking", "Client SDKs"). So: ping while the game boots (its
 * boot allowance is agis's start deadline, not Agones' health check), call Ready() once the game answers, keep
 * pinging while it answers, and stop after `failureThreshold` misses so Agones marks it Unhealthy.
 */
export class ReadinessLoop {
  private ready = false;
  private misses = 0;
  private lastPlayers?: string;
  private healthError?: string;

  constructor(
    private readonly sdk: AgonesSdkPort,
    private readonly probe: GameProbe,
    private readonly options: ReadinessOptions,
    private readonly log: SidecarLog,
  ) {}

  /** Runs until `signal` aborts. A refused SDK call is logged and tried again on the next round. */
  async run(signal: AbortSignal): Promise<void> {
    this.log('info', 'waiting for the game to answer');
    while (!signal.aborted) {
      await this.step(await this.probe.check());
      await sleep(this.options.intervalMs, undefined, { signal }).catch(() => undefined);
    }
  }

  /** One round: act on one check's result. */
  async step(result: ProbeResult): Promise<void> {
    if (!this.ready) {
      this.pingHealth();
      if (!result.ok) {
        this.log('debug', `game not answering yet (${result.reason ?? 'no answer'})`);
        return;
      }
      try {
        await this.sdk.ready();
      } catch (err) {
        this.log('warn', `Ready() failed, trying again: ${message(err)}`);
        return;
      }
      this.ready = true;
      this.log('info', 'game answers: Ready() sent to Agones');
      await this.publishPlayers(result);
      return;
    }
    if (result.ok) {
      if (this.misses >= this.options.failureThreshold) {
        this.log('info', 'game answers again: resuming Health() pings');
      }
      this.misses = 0;
      this.pingHealth();
      await this.publishPlayers(result);
      return;
    }
    this.misses += 1;
    if (this.misses < this.options.failureThreshold) {
      this.log('warn', `game missed a check (${this.misses}/${this.options.failureThreshold}): ${result.reason ?? 'no answer'}`);
      this.pingHealth();
    } else if (this.misses === this.options.failureThreshold) {
      this.log('error', `game stopped answering (${result.reason ?? 'no answer'}): Health() pings stopped so Agones marks it Unhealthy`);
    }
  }

  private pingHealth(): void {
    this.sdk.health((error) => {
      // One line per distinct failure: the stream retries on the next ping.
      if (error.message !== this.healthError) {
        this.healthError = error.message;
        this.log('warn', `Health() ping failed: ${error.message}`);
      }
    });
  }

  private async publishPlayers(result: ProbeResult): Promise<void> {
    if (!result.players) {
      return;
    }
    const value = `${result.players.online}/${result.players.max}`;
    if (value === this.lastPlayers) {
      return;
    }
    try {
      await this.sdk.setAnnotation(PLAYERS_ANNOTATION, value);
      this.lastPlayers = value;
    } catch (err) {
      this.log('warn', `publishing players failed, trying again: ${message(err)}`);
    }
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
