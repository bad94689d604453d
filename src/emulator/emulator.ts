import { TypedEmitter } from '../util/emitter.js';
import { CatError } from '../util/errors.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { FirmwareProfile } from '../dialects/ecmt/firmware.js';
import type { ModemPort } from '../port/types.js';
import { LineAssembler, parseCommandLine, type InputEvent } from '../at/command-line.js';
// the registry installs the dialects' command-line rules into at/command-line.ts (which commands take the rest of the line as data)
import '../dialects/index.js';
import { finalText } from './cme.js';
import { ECMT_COMMANDS, recvUrc } from '../dialects/ecmt/emulator.js';
import { GENERAL_COMMANDS, regUrc } from './commands/general.js';
import { FaultInjector } from './faults.js';
import { defaultConnect, resolveHost } from './network.js';
import {
  checkFaults,
  mergeConditions,
  resolveOptions,
  type ConditionsInput,
  type ConnectHook,
  type EcmtEmulatorOptions,
  type EmulatorConditions,
  type EmulatorIdentity,
  type FaultOptions,
  type ResolvedOptions,
} from './options.js';
import { stream, type Random } from './prng.js';
import { EmulatorRecorder } from './recorder.js';
import { QmtModule } from '../dialects/qmt/emulator.js';
import { EcmtSession, type SessionEvent, type SessionHost, type SessionState } from '../dialects/ecmt/emulator-session.js';
import { ERROR, OK, reply, type EcmtEmulatorEvents, type Final, type ModuleContext, type ModuleSettings, type PromptReply, type Reply } from './types.js';

const STAT: Record<EmulatorConditions['registration'], number> = { home: 1, roaming: 5, searching: 2, denied: 3, 'not-registered': 0 };

/**
 * A software ECMT module on the module side of a ModemPort. It reads AT like the firmware,
 * answers like the firmware (quirks of its profile included), and opens real TCP connections
 * speaking real MQTT 3.1/3.1.1 (mqtt-packet) to a real broker.
 *
 *     const pair = createPortPair();
 *     const emulator = new EcmtEmulator(pair.module, { profile: 'ec616s' });
 *     const engine = new AtEngine(pair.host, { grammar: defaultGrammar() });
 *
 * What it reproduces, and what it does not, is listed in src/emulator/README.md.
 * `close()` stops the module (sockets, timers) but leaves the port to its owner; the module
 * closes itself when the port closes.
 */
export class EcmtEmulator extends TypedEmitter<EcmtEmulatorEvents> {
  readonly port: ModemPort;
  readonly profile: FirmwareProfile;
  readonly identity: Readonly<EmulatorIdentity>;
  readonly #opts: ResolvedOptions;
  readonly #clock: Clock;
  readonly #connect: ConnectHook;
  readonly #faults: FaultInjector;
  readonly #recorder: EmulatorRecorder | null;
  readonly #streams = new Map<string, Random>();
  readonly #asm = new LineAssembler();
  readonly #ctx: ModuleContext;
  readonly #onPortData = (chunk: Buffer): void => this.#rx(chunk);
  readonly #onPortClose = (): void => void this.close();
  #conditions: EmulatorConditions;
  #settings: ModuleSettings;
  #session: EcmtSession;
  /** dialect 'qmt': the Quectel clients and commands (src/emulator/qmt/); null for ECMT */
  #qmt: QmtModule | null;
  #queue: Buffer[] = [];
  #queuePos = 0;
  #busy = false;
  #prompt: PromptReply | null = null;
  #epoch = 0;
  #closed = false;
  #lastStat: number;
  /** commands received since start (the hang fault counts them) */
  #commands = 0;
  /** the hang fault fired: nothing is printed or executed until reboot() or setFaults() */
  #hung = false;

  constructor(port: ModemPort, options: EcmtEmulatorOptions = {}) {
    super();
    if (!port || typeof port.write !== 'function' || typeof port.on !== 'function') {
      throw new CatError('ERR_INVALID_OPTION', 'EcmtEmulator needs the module side of a ModemPort (e.g. createPortPair().module)');
    }
    this.#opts = resolveOptions(options);
    this.port = port;
    this.profile = this.#opts.profile;
    this.identity = this.#opts.identity;
    this.#clock = options.clock ?? systemClock;
    this.#connect = options.connect ?? defaultConnect;
    this.#faults = new FaultInjector(this.#opts.seed, this.#opts.faults);
    this.#recorder = options.record ? new EmulatorRecorder(options.record, { redact: this.#opts.recordRedact, clock: this.#clock }) : null;
    this.#conditions = this.#opts.conditions;
    this.#settings = this.#powerUpSettings();
    this.#ctx = this.#makeContext();
    this.#session = this.#newSession();
    this.#qmt = this.#newQmt();
    this.#lastStat = this.#ctx.regStat();
    port.on('data', this.#onPortData);
    port.on('close', this.#onPortClose);
  }

  /** The conditions in force (change them with setConditions). */
  get conditions(): Readonly<EmulatorConditions> {
    return this.#conditions;
  }

  /** The ECMT session state (connect ID 0). */
  get state(): SessionState {
    return this.#session.state;
  }

  /** The AT dialect the module speaks. */
  get dialect(): 'ecmt' | 'qmt' {
    return this.#opts.dialect;
  }

  /** Dialect 'qmt': the Quectel module (its six clients); null for ECMT. */
  get qmt(): QmtModule | null {
    return this.#qmt;
  }

  /** The fault set in force. */
  get faults(): Readonly<FaultOptions> {
    return this.#faults.options;
  }

  /** Echo and CMEE as the module has them now. */
  get settings(): Readonly<Pick<ModuleSettings, 'echo' | 'cmee' | 'cfun'>> {
    return this.#settings;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Change the world while the module runs (e.g. lose registration or the PDN). Registration
   * changes are reported by +CEREG/+CREG per their n; losing the PDN cuts the broker link.
   */
  setConditions(change: ConditionsInput): void {
    this.#conditions = mergeConditions(this.#conditions, change, 'setConditions');
    this.#networkChanged();
  }

  /** Replace the faults (validated like the constructor's `faults`), e.g. switch broker silence on. */
  setFaults(faults: FaultOptions): void {
    this.#faults.set(checkFaults(faults, 'setFaults'));
    if (!faults.hang) this.#hung = false;
  }

  /** The hang fault fired: the module prints nothing and executes nothing. */
  get hung(): boolean {
    return this.#hung;
  }

  /**
   * Restart now: every state is lost (sessions, sockets without DISCONNECT, settings back to
   * power-up values, a command in progress is never answered), then the boot banner
   * (`\r\nRDY\r\n` by default) is printed.
   */
  reboot(): void {
    if (this.#closed) return;
    this.#epoch++;
    this.#session.destroy();
    this.#session = this.#newSession();
    this.#qmt?.destroy();
    this.#qmt = this.#newQmt();
    this.#hung = false;
    this.#commands = 0;
    this.#asm.reset();
    this.#queue = [];
    this.#queuePos = 0;
    this.#busy = false;
    this.#prompt = null;
    this.#settings = this.#powerUpSettings();
    this.#lastStat = this.#ctx.regStat();
    this.#recorder?.note('emulator: module rebooted');
    this.emit('reboot');
    for (const line of this.#opts.bootBanner) this.#write(Buffer.from(`\r\n${line}\r\n`, 'utf8'));
  }

  /** Cut the broker TCP connection as a network failure would. False when there was none. */
  dropLink(): boolean {
    const cut = this.#session.dropLink() || (this.#qmt?.dropLink('link dropped (network failure)') ?? false);
    if (cut) this.emit('fault', 'drop-link', 'broker connection cut');
    return cut;
  }

  /** Stop: sockets and timers released, the recording closed. The port stays open (its owner closes it). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#epoch++;
    this.#session.destroy();
    this.#qmt?.destroy();
    this.port.off('data', this.#onPortData);
    this.port.off('close', this.#onPortClose);
    this.#recorder?.close();
  }

  // ---- input ----

  #rx(chunk: Buffer): void {
    if (this.#closed) return;
    this.#recorder?.host(chunk);
    // before anything it answers (an unknown command's ERROR is written at once)
    this.emit('input', chunk);
    if (this.#hung) return; // a hung firmware reads nothing (and echoes nothing)
    this.#queue.push(chunk);
    this.#pump();
  }

  /** Consume input bytes until a command or payload is complete; resume when it was answered. */
  #pump(): void {
    const echo: number[] = [];
    const flushEcho = (): void => {
      if (echo.length > 0) this.#write(Buffer.from(echo.splice(0)));
    };
    while (!this.#busy && !this.#closed && this.#queue.length > 0) {
      const buf = this.#queue[0]!;
      const b = buf[this.#queuePos++]!;
      if (this.#queuePos >= buf.length) {
        this.#queue.shift();
        this.#queuePos = 0;
      }
      const dataMode = this.#asm.mode === 'data' && !this.#asm.fixedLength;
      // echo: every received byte as it is read, payload bytes too, not Ctrl-Z/ESC (which are payload in a fixed-length data mode)
      if (this.#settings.echo && !(dataMode && (b === 0x1a || b === 0x1b))) echo.push(b);
      const ev = this.#asm.push(b);
      if (!ev) continue;
      flushEcho();
      this.#busy = true;
      const epoch = this.#epoch;
      void this.#handle(ev, epoch)
        .catch((e: unknown) => this.emit('error', e instanceof Error ? e : new Error(String(e))))
        .finally(() => {
          if (epoch !== this.#epoch) return;
          this.#busy = false;
          this.#pump();
        });
    }
    flushEcho();
  }

  async #handle(ev: InputEvent, epoch: number): Promise<void> {
    if (ev.kind === 'data') {
      const p = this.#prompt;
      this.#prompt = null;
      if (!p) return;
      if (ev.end === 'esc') {
        this.#deliver(reply(OK));
        return;
      }
      const r = await p.onData(ev.payload, ev.overflow);
      if (epoch === this.#epoch) this.#deliver(r);
      return;
    }
    if (ev.overlong) {
      this.emit('invalid', ev.line.slice(0, 64), 'line too long');
      this.#finalOnly(ERROR);
      return;
    }
    const parsed = parseCommandLine(ev.line);
    if (parsed.kind === 'empty') return;
    if (parsed.kind === 'invalid') {
      this.emit('invalid', parsed.line, parsed.reason);
      this.#finalOnly(ERROR);
      return;
    }
    const command = parsed.command;
    this.emit('command', command);
    if (this.#faults.hangsAt(command.line, ++this.#commands)) {
      this.#hung = true;
      this.#queue = [];
      this.#queuePos = 0;
      this.emit('fault', 'hang', `the firmware hangs at ${command.line.slice(0, 40)}: no answer, no URC from now on`);
      this.#recorder?.note(`emulator fault: hang at command ${this.#commands}`);
      return;
    }
    const delay = this.#faults.commandDelay();
    if (delay > 0) {
      this.emit('fault', 'delay', `${delay} ms before ${command.line.slice(0, 40)}`);
      await new Promise<void>((resolve) => this.#clock.setTimeout(resolve, delay));
      if (epoch !== this.#epoch) return;
    }
    const handler = this.#qmt
      ? // a Quectel module: its own commands and the 3GPP ones, none of the Eigencomm +EC… set
        (this.#qmt.commands.get(command.name) ?? (command.name.startsWith('+EC') ? undefined : GENERAL_COMMANDS.get(command.name)))
      : (ECMT_COMMANDS.get(command.name) ?? GENERAL_COMMANDS.get(command.name));
    if (!handler) {
      this.#finalOnly(ERROR);
      return;
    }
    const r = await handler(command, this.#ctx);
    if (epoch === this.#epoch) this.#deliver(r);
  }

  // ---- output ----

  #deliver(r: Reply): void {
    if (this.#closed) return;
    if (r.kind === 'prompt') {
      this.#prompt = r;
      this.#asm.enterData(r.limit, r.exact);
      this.#write(Buffer.from('\r\n> ', 'latin1'));
      return;
    }
    const final = finalText(r.final, this.#settings.cmee);
    const text = r.lines.map((l) => `\r\n${l}\r\n`).join('') + `\r\n${final}\r\n`;
    this.#write(Buffer.from(text, 'utf8'));
    this.emit('answered', final);
    r.after?.();
  }

  #finalOnly(final: Final): void {
    this.#deliver(reply(final));
  }

  /** A URC, `\r\n<text>\r\n`, unless a fault drops it. */
  #urc(text: string, bytes?: Buffer): void {
    if (this.#closed) return;
    const dropped = this.#faults.dropUrc(text);
    this.emit('urc', text, dropped);
    if (dropped) {
      this.emit('fault', 'drop-urc', text.slice(0, 60));
      this.#recorder?.note(`emulator fault: URC dropped: ${text.slice(0, 60)}`);
      return;
    }
    this.#write(bytes ?? Buffer.from(`\r\n${text}\r\n`, 'utf8'));
  }

  /** A received message, printed as the ECMT dialect's emulator prints it (recvUrc). */
  #recv(msgId: number, topic: string, payload: Buffer): void {
    const { text, bytes } = recvUrc(msgId, topic, payload);
    this.#urc(text, bytes);
  }

  #write(bytes: Buffer): void {
    if (this.#closed || this.#hung || bytes.length === 0) return;
    const { pieces, garbled } = this.#faults.transform(bytes);
    if (garbled > 0) this.emit('fault', 'garble', `${garbled} byte(s) garbled`);
    const all = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
    this.#recorder?.module(all);
    this.emit('output', all);
    for (const piece of pieces) this.port.write(piece).catch(() => undefined);
  }

  // ---- the module around the session ----

  #powerUpSettings(): ModuleSettings {
    const cid = this.#conditions.rat === 'nbiot' ? 0 : 1;
    return {
      echo: this.#opts.echo,
      cmee: this.#opts.cmee,
      cfun: 1,
      ceregN: 0,
      cregN: 0,
      attach: true,
      pinEntered: false,
      contexts: new Map([[cid, { type: 'IP', apn: this.#conditions.pdp.apn }]]),
    };
  }

  #random(purpose: string): number {
    let r = this.#streams.get(purpose);
    if (!r) {
      r = stream(this.#opts.seed, purpose);
      this.#streams.set(purpose, r);
    }
    return r();
  }

  #makeContext(): ModuleContext {
    const self = this;
    const regStat = (): number => {
      const c = self.#conditions;
      if (self.#settings.cfun !== 1) return 0;
      if (c.sim === 'absent' || (c.sim === 'pin-required' && !self.#settings.pinEntered)) return 0;
      return STAT[c.registration];
    };
    return {
      get profile() {
        return self.profile;
      },
      get identity() {
        return self.identity;
      },
      get conditions() {
        return self.#conditions;
      },
      get settings() {
        return self.#settings;
      },
      get session() {
        return self.#session;
      },
      get clock() {
        return self.#clock;
      },
      get epoch() {
        return self.#epoch;
      },
      get defaultCid() {
        return self.#conditions.rat === 'nbiot' ? 0 : 1;
      },
      urc: (text) => self.#urc(text),
      resolve: (host) => resolveHost(self.#conditions.dns, host),
      random: (purpose) => self.#random(purpose),
      reboot: () => self.reboot(),
      networkChanged: () => self.#networkChanged(),
      regStat,
      pdpActive: () => {
        const s = regStat();
        return (s === 1 || s === 5) && self.#settings.attach && self.#conditions.pdp.active;
      },
    };
  }

  #networkChanged(): void {
    const stat = this.#ctx.regStat();
    if (stat !== this.#lastStat) {
      this.#lastStat = stat;
      for (const family of ['CEREG', 'CREG'] as const) {
        const u = regUrc(this.#ctx, family);
        if (u) this.#urc(u);
      }
    }
    if (!this.#ctx.pdpActive() && (this.#session.dropLink('PDN deactivated') || (this.#qmt?.dropLink('PDN deactivated') ?? false))) {
      this.emit('note', 'the PDN went away: broker link cut');
    }
  }

  #newSession(): EcmtSession {
    const host: SessionHost = {
      profile: this.profile,
      clock: this.#clock,
      reconnectDelayMs: this.#opts.reconnectDelayMs,
      openTimeoutMs: this.#opts.openTimeoutMs,
      connect: this.#connect,
      urc: (text) => this.#urc(text),
      recv: (msgId, topic, payload) => this.#recv(msgId, topic, payload),
      pdpActive: () => this.#ctx.pdpActive(),
      resolve: (h) => resolveHost(this.#conditions.dns, h),
      brokerSilent: (cmd) => this.#faults.brokerSilent(cmd),
      dropIncoming: (m) => this.#faults.dropIncoming(m),
      event: (e) => this.#sessionEvent(e),
    };
    return new EcmtSession(host);
  }

  #newQmt(): QmtModule | null {
    const profile = this.#opts.qmt;
    if (!profile) return null;
    return new QmtModule({
      profile,
      clock: this.#clock,
      openTimeoutMs: this.#opts.openTimeoutMs,
      connect: this.#connect,
      ctx: this.#ctx,
      urc: (text, bytes) => this.#urc(text, bytes),
      brokerSilent: (cmd) => this.#faults.brokerSilent(cmd),
      dropIncoming: (m) => this.#faults.dropIncoming(m),
      event: (e) => this.#sessionEvent(e),
    });
  }

  #sessionEvent(e: SessionEvent): void {
    switch (e.type) {
      case 'state':
        this.emit('state', e.state);
        return;
      case 'mqtt':
        this.emit('mqtt', e.dir, e.packet);
        return;
      case 'link':
        this.#recorder?.note(`emulator link ${e.what}: ${e.detail}`);
        this.emit('link', { type: e.what, detail: e.detail });
        return;
      case 'incoming':
        this.emit('incoming', e.message, e.outcome);
        return;
      case 'fault':
        this.#recorder?.note(`emulator fault: ${e.detail}`);
        this.emit('fault', e.kind, e.detail);
        return;
      case 'note':
        this.#recorder?.note(`emulator: ${e.text}`);
        this.emit('note', e.text);
        return;
      default: {
        const never: never = e;
        return never;
      }
    }
  }
}
