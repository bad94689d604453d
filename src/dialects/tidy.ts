import type { AtEngine, SendOptions } from '../at/engine.js';
import type { AtOutcome, TimelineItem } from '../at/types.js';
import { parseCommandLine, splitArgs, intOf } from '../at/command-line.js';
import type { ModemEvent } from '../urc/types.js';
import { systemClock, type Clock } from '../util/clock.js';
import { waitUntil } from '../util/waiter.js';
import type { CommandSpec, Dialect, MqttOp } from './types.js';

/**
 * What a run owes the module so that it leaves it as it found it: the MQTT connection it made
 * (the dialect's disconnect command) or the network link it opened (its close command) — and
 * only those. Dialect-neutral: the commands, their result URCs and the read-form answers come
 * from the dialect's tables and hooks (ECMT: AT+ECMTDISC/AT+ECMTCLOSE; QMT: AT+QMTDISC/AT+QMTCLOSE).
 *
 * It watches every command written through the engine (whichever session sent it) and its
 * final result, so the debt follows what really went to the module:
 *   - the open command answered anything but an error → a link to close;
 *   - the connect command answered anything but an error → a connection to end (disconnect
 *     frees the link too: ecmt.md, qmt.md "the client is closed afterwards");
 *   - the disconnect/close command answered OK, a failed open result URC (the firmware deletes
 *     the context) or a reboot banner → nothing owed any more;
 *   - for a dialect whose module does not reconnect by itself (`autoReconnect` false: QMT), a
 *     link-loss URC on the owed client closes it (qmt.md §1: "After +QMTSTAT the client is
 *     closed") → nothing owed. Where the module reconnects by itself (ECMT), a link loss or an
 *     unsolicited end does NOT settle the debt: the context stays until the host frees it.
 *
 * A session the run did not open is never owed: when a read-form answer shows an open link or a
 * connection (`Dialect.activeSessionOf`) while nothing is owed, that session is someone else's
 * (`foreign`), and commands sent over it create no debt — so the tidy never tears it down. Only
 * an explicit disconnect/close of the run (--reconnect) ends it; what the run opens after that is
 * owed again.
 */
export type Owed = 'none' | 'close' | 'disc';

export interface TidyStep {
  command: string;
  outcome: AtOutcome | null;
  /** the disconnect/close result URC that confirmed it, or null (none within the wait) */
  urc: ModemEvent | null;
  /** why nothing more could be sent (the port went away), or null */
  error: Error | null;
}

export interface TidyOptions {
  /** how the commands are sent (default engine.send); a reserved sender when nothing else may interleave */
  send?: (command: string, opts?: SendOptions) => Promise<AtOutcome>;
  /** timeout for each command's immediate answer, ms. Default: the engine's. */
  timeoutMs?: number;
  /** how long to wait for the confirming result URC after OK, ms. Default 3000. */
  urcWaitMs?: number;
  clock?: Clock;
}

type Kind = 'open' | 'conn' | 'disc' | 'close';

const KIND_OF_OP: Partial<Record<MqttOp, Kind>> = { open: 'open', connect: 'conn', disconnect: 'disc', close: 'close' };
const OP_OF_KIND: Record<'disc' | 'close', 'disconnect' | 'close'> = { disc: 'disconnect', close: 'close' };

/** The client a command line names (its `connectId` parameter), 0 when it names none readable. */
function clientOf(spec: CommandSpec, args: string): number {
  const i = spec.params.findIndex((p) => p.name === 'connectId');
  if (i < 0) return 0;
  return intOf(splitArgs(args)?.[i]) ?? 0;
}

/**
 * The disconnect or close command line of a dialect for one client (`AT+QMTDISC=2`), built from
 * its table; null when the dialect has no such command or it takes more than the client.
 */
export function tidyCommand(d: Dialect, op: 'disconnect' | 'close', connectId: number): string | null {
  const c = d.commands.find((x) => x.op === op);
  if (!c) return null;
  const required = c.params.filter((p) => p.optional !== true);
  if (required.length !== 1 || required[0]!.name !== 'connectId') return null;
  return `AT${c.name}=${connectId}`;
}

export class SessionTidy {
  readonly engine: AtEngine;
  readonly dialect: Dialect;
  #owed: Owed = 'none';
  #foreign = false;
  /** the client the debt is on */
  #client = 0;
  /** the link-loss URC with which the module closed the owed client itself (no auto-reconnect), or null */
  #closedBy: ModemEvent | null = null;
  /** the command waiting for its final result, and the debt before it */
  #pending: { kind: Kind; command: string; before: Owed; beforeClient: number } | null = null;
  readonly #onItem = (item: TimelineItem): void => this.#item(item);
  readonly #onBoot = (): void => {
    this.#owed = 'none';
    this.#foreign = false;
    this.#pending = null;
  };

  constructor(engine: AtEngine, dialect: Dialect) {
    this.engine = engine;
    this.dialect = dialect;
    engine.on('item', this.#onItem);
    engine.on('boot', this.#onBoot);
  }

  /** What is owed right now. */
  get owed(): Owed {
    return this.#owed;
  }

  /** The client (connect id / client idx) the debt is on. */
  get client(): number {
    return this.#client;
  }

  /**
   * The link-loss URC (`+QMTSTAT: 0,1`) with which the module closed the owed client itself — a
   * dialect without auto-reconnect — so nothing was left to undo; null otherwise. Set until the
   * run owes something again.
   */
  get closedBy(): ModemEvent | null {
    return this.#closedBy;
  }

  /** The module had a session the run did not open (seen in a read-form answer); the tidy leaves it alone. */
  get foreign(): boolean {
    return this.#foreign;
  }

  /** The command the tidy would send first for what is owed now (`AT+QMTDISC=0`), or null when nothing is owed. */
  get firstCommand(): string | null {
    if (this.#owed === 'none') return null;
    return tidyCommand(this.dialect, this.#owed === 'disc' ? 'disconnect' : 'close', this.#client);
  }

  /** Stop watching the engine. */
  detach(): void {
    this.engine.off('item', this.#onItem);
    this.engine.off('boot', this.#onBoot);
  }

  #kindOf(command: string): { kind: Kind; client: number } | null {
    const parsed = parseCommandLine(Buffer.from(command.trim(), 'utf8').toString('latin1'));
    if (parsed.kind !== 'command' || parsed.command.form !== 'set') return null;
    const spec = this.dialect.commands.find((c) => c.name === parsed.command.name);
    const kind = spec ? KIND_OF_OP[spec.op] : undefined;
    if (!spec || !kind) return null;
    return { kind, client: clientOf(spec, parsed.command.args) };
  }

  #item(item: TimelineItem): void {
    const ev = item.event;
    // answers and URCs are module events (TimelineItem: a command, data or a note otherwise)
    if (item.role === 'answer' && this.#owed === 'none' && this.dialect.activeSessionOf?.(ev as ModemEvent)) {
      this.#foreign = true;
      return;
    }
    if (item.role === 'command' && ev.type === 'command') {
      const k = this.#kindOf(ev.command);
      if (!k) return;
      this.#pending = { kind: k.kind, command: ev.command.trim(), before: this.#owed, beforeClient: this.#client };
      // a session someone else opened is not the run's to undo
      if (this.#foreign && (k.kind === 'open' || k.kind === 'conn')) return;
      // owed from the moment it is written: an interruption before the answer must still undo it
      if (k.kind === 'conn') {
        this.#owed = 'disc';
        this.#client = k.client;
        this.#closedBy = null;
      } else if (k.kind === 'open' && this.#owed === 'none') {
        this.#owed = 'close';
        this.#client = k.client;
        this.#closedBy = null;
      }
      return;
    }
    if (item.role === 'final' && this.#pending && item.command?.trim() === this.#pending.command) {
      const p = this.#pending;
      this.#pending = null;
      const ok = ev.type === 'ok';
      if ((p.kind === 'open' || p.kind === 'conn') && !ok) {
        this.#owed = p.before;
        this.#client = p.beforeClient;
      }
      // DISC frees the context whatever state it was in; a refused DISC means there is none
      if (p.kind === 'disc') {
        this.#owed = 'none';
        this.#foreign = false;
      }
      if (p.kind === 'close' && ok) {
        this.#owed = 'none';
        this.#foreign = false;
      }
      return;
    }
    if (item.role !== 'urc' || this.#owed === 'none') return;
    const r = this.dialect.resultOf(ev as ModemEvent);
    if (r && r.op === 'open' && !r.ok && r.connectId === this.#client && this.#owed === 'close') this.#owed = 'none';
    if (!this.dialect.autoReconnect) {
      const u = this.dialect.unsolicitedOf(ev as ModemEvent);
      if (u?.kind === 'link-lost' && u.connectId === this.#client) {
        this.#owed = 'none';
        this.#closedBy = ev as ModemEvent;
      }
    }
  }

  /**
   * Pay what is owed: the disconnect command for a connection (then the close command if
   * refused), or the close command for a link (then disconnect if refused, e.g. still opening).
   * Each waits for its confirming URC, bounded. Never throws: a port that is gone ends it. Stops
   * when the module closes the client itself meanwhile (`closedBy`: its link-loss URC came while
   * a command was in flight, which the module then refuses).
   */
  async tidy(opts: TidyOptions = {}): Promise<TidyStep[]> {
    const order: Array<'disc' | 'close'> = this.#owed === 'disc' ? ['disc', 'close'] : this.#owed === 'close' ? ['close', 'disc'] : [];
    const steps: TidyStep[] = [];
    for (const kind of order) {
      if (this.#closedBy) break;
      const step = await this.#one(kind, this.#client, opts);
      if (!step) continue;
      steps.push(step);
      if (step.error || !step.outcome || step.outcome.status !== 'error') break;
    }
    return steps;
  }

  async #one(kind: 'disc' | 'close', client: number, opts: TidyOptions): Promise<TidyStep | null> {
    const op = OP_OF_KIND[kind];
    const command = tidyCommand(this.dialect, op, client);
    if (!command) return null;
    const clock = opts.clock ?? systemClock;
    let urc: ModemEvent | null = null;
    // registered before sending: the URC can come in the same read as the OK
    const onUrc = (ev: ModemEvent): void => {
      if (urc) return;
      const r = this.dialect.resultOf(ev);
      if (r && r.op === op && r.connectId === client) urc = ev;
    };
    this.engine.on('urc', onUrc);
    try {
      const send = opts.send ?? ((c: string, o?: SendOptions) => this.engine.send(c, o));
      const outcome = await send(command, opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {});
      if (outcome.status === 'ok' && !urc) {
        await waitUntil(this.engine, ['urc'], () => urc !== null, { timeoutMs: opts.urcWaitMs ?? 3000, clock });
      }
      return { command, outcome, urc, error: null };
    } catch (err) {
      return { command, outcome: null, urc, error: err instanceof Error ? err : new Error(String(err)) };
    } finally {
      this.engine.off('urc', onUrc);
    }
  }
}
