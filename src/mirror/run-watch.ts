import { connect as tcpConnect, type Socket } from 'node:net';
import type { AtEngine } from '../at/engine.js';
import type { TimelineItem } from '../at/types.js';
import { createRedactor } from '../redact/redact.js';
import { text, type Text } from '../util/i18n.js';
import type { BrokerLoss, CompareStepName, ModuleSilence } from './report.js';
import type { BrokerTarget } from './target.js';

/**
 * Watches a run from both ends, by events only (no polling):
 *   - ModuleWatch: the module's last byte and last line, to tell a module that stopped answering
 *     (no byte at all after a command) from one that answers late or wrongly;
 *   - BrokerWatch: an idle TCP connection to the broker held by the host; when it drops (or a
 *     step fails) a fresh TCP connect says whether the broker itself went away.
 */

export class ModuleWatch {
  readonly engine: AtEngine;
  /** seconds since the port was opened of the module's last byte, or null */
  lastByteAt: number | null = null;
  /** the last line the module printed, secrets masked */
  lastLine: string | null = null;
  readonly #redactor;
  readonly #onItem = (item: TimelineItem): void => {
    if (item.dir !== 'rx') return;
    this.#seen(item.t ?? this.engine.elapsed(), item.event.raw);
  };

  constructor(engine: AtEngine, secrets: string[] = []) {
    this.engine = engine;
    this.#redactor = createRedactor(undefined, secrets);
    // what the module said before this watch began (earlier stages, earlier commands) counts too
    const before = engine.lastRx;
    if (before) this.#seen(before.t, before.line);
    engine.on('item', this.#onItem);
  }

  #seen(t: number, raw: string): void {
    this.lastByteAt = t;
    const line = raw.trim();
    if (line === '') return;
    // a bare run of digits is an identity answer (IMSI, ICCID, IMEI): never shown
    this.lastLine = /^\d{6,}$/.test(line) ? '*'.repeat(line.length) : this.#redactor.line(Buffer.from(line, 'utf8'), 'rx').data.toString('utf8');
  }

  /**
   * The module is silent when a command got no final result and nothing at all came from the
   * module since it was written (`sentAt`, seconds on the engine's clock).
   */
  silence(command: string | null, sentAt: number, waitedMs: number, step: CompareStepName): ModuleSilence | null {
    if (this.lastByteAt !== null && this.lastByteAt >= sentAt) return null;
    return { lastByteAt: this.lastByteAt, lastLine: this.lastLine, command: command ?? '?', sentAt, waitedMs, step };
  }

  detach(): void {
    this.engine.off('item', this.#onItem);
  }
}

/** One TCP connect to host:port: null when accepted, else the error code. */
export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const sock = tcpConnect({ host, port });
    const timer = setTimeout(() => {
      sock.destroy();
      resolve('ETIMEDOUT');
    }, timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.destroy();
      resolve(null);
    });
    sock.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(err.code ?? 'ERROR');
    });
  });
}

export interface BrokerWatchOptions extends Pick<BrokerTarget, 'host' | 'port'> {
  /** the module's timeline clock (seconds since the port was opened) */
  now: () => number;
  /** the step running now (for the report) */
  step: () => CompareStepName;
  /** timeout of each TCP probe, ms. Default 3000. */
  probeTimeoutMs?: number;
}

/**
 * Holds an idle TCP connection to the broker while the module runs its steps; when it drops, or
 * when someone asks (`check`), a fresh TCP connect decides whether the broker is gone. `lost`
 * resolves once it is. Re-opens the watch connection when the broker is still there (some
 * brokers close connections that send no CONNECT).
 */
export class BrokerWatch {
  readonly #o: BrokerWatchOptions;
  #sock: Socket | null = null;
  #stopped = false;
  #checking: Promise<BrokerLoss | null> | null = null;
  #resolveLost!: (l: BrokerLoss) => void;
  /** the loss, once seen */
  loss: BrokerLoss | null = null;
  /** resolves when the broker is found gone (never rejects) */
  readonly lost: Promise<BrokerLoss>;
  /** seconds (module clock) the direct side last reached the broker */
  lastOkAt: number | null = null;

  constructor(o: BrokerWatchOptions) {
    this.#o = o;
    this.lost = new Promise((r) => (this.#resolveLost = r));
  }

  /** Open the watch connection (resolves once it is up or failed; a failure starts a check). */
  start(): Promise<void> {
    if (this.#stopped || this.loss) return Promise.resolve();
    return new Promise((resolve) => {
      const sock = tcpConnect({ host: this.#o.host, port: this.#o.port });
      this.#sock = sock;
      let up = false;
      sock.setKeepAlive(true, 1000);
      sock.once('connect', () => {
        up = true;
        this.lastOkAt = this.#o.now();
        resolve();
      });
      sock.on('data', () => undefined); // a broker that talks first is not our business
      sock.once('error', () => undefined); // 'close' follows
      sock.once('close', () => {
        if (this.#sock === sock) this.#sock = null;
        if (!up) resolve();
        if (this.#stopped) return;
        void this.check(text('the host\'s watch connection to the broker closed', '主机到服务器的监视连接被关闭'));
      });
    });
  }

  /** Is the broker still there? A fresh TCP connect; records and announces the loss. */
  check(seenBy: Text): Promise<BrokerLoss | null> {
    if (this.loss) return Promise.resolve(this.loss);
    if (this.#stopped) return Promise.resolve(null);
    this.#checking ??= (async () => {
      const step = this.#o.step();
      const code = await tcpProbe(this.#o.host, this.#o.port, this.#o.probeTimeoutMs ?? 3000);
      this.#checking = null;
      if (code === null) {
        this.lastOkAt = this.#o.now();
        if (!this.#sock && !this.#stopped) void this.start();
        return null;
      }
      this.loss ??= { at: round(this.#o.now()), step, code, seenBy, lastOkAt: this.lastOkAt === null ? null : round(this.lastOkAt) };
      this.#resolveLost(this.loss);
      return this.loss;
    })();
    return this.#checking;
  }

  stop(): void {
    this.#stopped = true;
    this.#sock?.destroy();
    this.#sock = null;
  }
}

const round = (s: number): number => Math.round(s * 1000) / 1000;
