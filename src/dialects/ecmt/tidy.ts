import type { AtEngine, SendOptions } from '../../at/engine.js';
import type { AtOutcome, TimelineItem } from '../../at/types.js';
import type { ModemEvent } from '../../urc/types.js';
import { systemClock, type Clock } from '../../util/clock.js';
import { waitUntil } from '../../util/waiter.js';
import { ecmtCmd } from './commands.js';

/**
 * What a run owes the module so that it leaves it as it found it: the MQTT connection it made
 * (`AT+ECMTDISC`) or the network link it opened (`AT+ECMTCLOSE`) — and only those.
 *
 * It watches every command written through the engine (whichever session sent it) and its
 * final result, so the debt follows what really went to the module:
 *   - `AT+ECMTOPEN=…` answered anything but an error → a link to close;
 *   - `AT+ECMTCONN=…` answered anything but an error → a connection to end (DISC frees the link too);
 *   - `AT+ECMTDISC`/`AT+ECMTCLOSE` answered OK, a failed `+ECMTOPEN` URC (the firmware deletes the
 *     context) or a reboot banner → nothing owed any more.
 * An unsolicited `+ECMTDISC` (the module gave up reconnecting) does NOT settle the debt: the
 * context stays on the module until the host frees it.
 *
 * A session the run did not open is never owed: when the module answers `AT+ECMTOPEN?` with an
 * open link (or `AT+ECMTCONN?` with a connection) while nothing is owed, that session is
 * someone else's (`foreign`), and commands sent over it create no debt — so the tidy never
 * tears it down. Only an explicit `AT+ECMTDISC`/`AT+ECMTCLOSE` of the run (--reconnect) ends it;
 * what the run opens after that is owed again.
 */
export type Owed = 'none' | 'close' | 'disc';

export interface TidyStep {
  command: string;
  outcome: AtOutcome | null;
  /** the +ECMTDISC/+ECMTCLOSE that confirmed it, or null (none within the wait) */
  urc: ModemEvent | null;
  /** why nothing more could be sent (the port went away), or null */
  error: Error | null;
}

export interface TidyOptions {
  /** how the commands are sent (default engine.send); a reserved sender when nothing else may interleave */
  send?: (command: string, opts?: SendOptions) => Promise<AtOutcome>;
  /** timeout for each command's immediate answer, ms. Default: the engine's. */
  timeoutMs?: number;
  /** how long to wait for the +ECMTDISC/+ECMTCLOSE URC after OK, ms. Default 3000. */
  urcWaitMs?: number;
  clock?: Clock;
}

type Kind = 'open' | 'conn' | 'disc' | 'close';

function kindOf(command: string): Kind | null {
  const c = command.trim().toUpperCase();
  if (c.startsWith('AT+ECMTOPEN=')) return 'open';
  if (c.startsWith('AT+ECMTCONN=')) return 'conn';
  if (c.startsWith('AT+ECMTDISC=')) return 'disc';
  if (c.startsWith('AT+ECMTCLOSE=')) return 'close';
  return null;
}

export class EcmtTidy {
  readonly engine: AtEngine;
  #owed: Owed = 'none';
  #foreign = false;
  /** the ECMT command waiting for its final result, and the debt before it */
  #pending: { kind: Kind; command: string; before: Owed } | null = null;
  readonly #onItem = (item: TimelineItem): void => this.#item(item);
  readonly #onBoot = (): void => {
    this.#owed = 'none';
    this.#foreign = false;
    this.#pending = null;
  };

  constructor(engine: AtEngine) {
    this.engine = engine;
    engine.on('item', this.#onItem);
    engine.on('boot', this.#onBoot);
  }

  /** What is owed right now. */
  get owed(): Owed {
    return this.#owed;
  }

  /** The module had a session the run did not open (seen in AT+ECMTOPEN?/AT+ECMTCONN? answers); the tidy leaves it alone. */
  get foreign(): boolean {
    return this.#foreign;
  }

  /** Stop watching the engine. */
  detach(): void {
    this.engine.off('item', this.#onItem);
    this.engine.off('boot', this.#onBoot);
  }

  #item(item: TimelineItem): void {
    const ev = item.event;
    if (item.role === 'answer' && this.#owed === 'none' && ((ev.type === 'ecmt-open-state' && ev.host !== '') || (ev.type === 'ecmt-conn-state' && (ev.state === 2 || ev.state === 3)))) {
      this.#foreign = true;
      return;
    }
    if (item.role === 'command' && ev.type === 'command') {
      const kind = kindOf(ev.command);
      if (!kind) return;
      this.#pending = { kind, command: ev.command.trim(), before: this.#owed };
      // a session someone else opened is not the run's to undo
      if (this.#foreign && (kind === 'open' || kind === 'conn')) return;
      // owed from the moment it is written: an interruption before the answer must still undo it
      if (kind === 'conn') this.#owed = 'disc';
      else if (kind === 'open' && this.#owed === 'none') this.#owed = 'close';
      return;
    }
    if (item.role === 'final' && this.#pending && item.command?.trim() === this.#pending.command) {
      const p = this.#pending;
      this.#pending = null;
      const ok = ev.type === 'ok';
      if ((p.kind === 'open' || p.kind === 'conn') && !ok) this.#owed = p.before;
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
    if (item.role === 'urc' && ev.type === 'ecmt-open' && ev.result !== 0 && this.#owed === 'close') this.#owed = 'none';
  }

  /**
   * Pay what is owed: `AT+ECMTDISC=0` for a connection (then `AT+ECMTCLOSE=0` if refused), or
   * `AT+ECMTCLOSE=0` for a link (then `AT+ECMTDISC=0` if refused, e.g. still opening). Each
   * waits for its confirming URC, bounded. Never throws: a port that is gone ends it.
   */
  async tidy(opts: TidyOptions = {}): Promise<TidyStep[]> {
    const order: Array<'disc' | 'close'> = this.#owed === 'disc' ? ['disc', 'close'] : this.#owed === 'close' ? ['close', 'disc'] : [];
    const steps: TidyStep[] = [];
    for (const kind of order) {
      const step = await this.#one(kind, opts);
      steps.push(step);
      if (step.error || !step.outcome || step.outcome.status !== 'error') break;
    }
    return steps;
  }

  async #one(kind: 'disc' | 'close', opts: TidyOptions): Promise<TidyStep> {
    const command = kind === 'disc' ? ecmtCmd.disc(0) : ecmtCmd.close(0);
    const clock = opts.clock ?? systemClock;
    const want: ModemEvent['type'] = kind === 'disc' ? 'ecmt-disc' : 'ecmt-close';
    let urc: ModemEvent | null = null;
    // registered before sending: the URC can come in the same read as the OK
    const onUrc = (ev: ModemEvent): void => {
      if (ev.type !== want || urc) return;
      urc = ev;
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
