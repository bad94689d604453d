import type { PacketCmd, QoS } from 'mqtt-packet';
import type { Clock } from '../../util/clock.js';
import { intOf, present, utf8Of, type AtCommand, type Param } from '../../at/command-line.js';
import { decode } from '../../emulator/commands/params.js';
import type { ConnectHook, IncomingMessage } from '../../emulator/options.js';
import type { SessionEvent } from '../../emulator/types.js';
import { ERROR, OK, reply, type CommandHandler, type ModuleContext, type Reply } from '../../emulator/types.js';
import { QmtClient, RECV_SLOTS, defaultSslContext, recvBytes, type QmtClientHost, type SslContext } from './emulator-client.js';
import type { EmulatedModel } from './emulator-models.js';

/**
 * The Quectel side of the emulator: six MQTT clients and the AT commands that drive them
 * (AT+QMTCFG/OPEN/CLOSE/CONN/DISC/SUB/UNS/PUB/PUBEX/RECV), plus the Quectel commands a host
 * sends before MQTT (AT+QIACT, AT+QICSGP, AT+QIDEACT, AT+QCCID, AT+QGMR, AT+QURCCFG,
 * AT+QSSLCFG). Reference ../shared/protocol/qmt.md; syntax and state errors answer a bare
 * `ERROR` (§6, the emulator's default).
 */

const SYNTAX = reply(ERROR);

/** Several information lines as Quectel prints them: one CRLF between them, one empty line before OK (O [WIZ][EC800M]). */
function block(lines: readonly string[]): string[] {
  return lines.length > 0 ? [lines.join('\r\n')] : [];
}

/** What the QMT module needs from the emulator around it. */
export interface QmtModuleHost {
  readonly profile: EmulatedModel;
  readonly clock: Clock;
  readonly openTimeoutMs: number;
  readonly connect: ConnectHook;
  /** the emulator's module context (conditions, identity, settings) */
  readonly ctx: ModuleContext;
  urc(text: string, bytes?: Buffer): void;
  brokerSilent(cmd: PacketCmd): boolean;
  dropIncoming(m: IncomingMessage): boolean;
  event(e: SessionEvent): void;
}

function intIn(p: Param | undefined, min: number, max: number): number | null {
  const n = intOf(p);
  return n !== null && n >= min && n <= max ? n : null;
}

/** A string parameter, quoted or bare (AT+QMTCONN=0,0 worked unquoted on EC800M, O). */
function str(p: Param | undefined): string | null {
  return present(p) ? utf8Of(p.text) : null;
}

const CFG_KEYS = ['version', 'pdpcid', 'ssl', 'keepalive', 'session', 'timeout', 'will', 'recv/mode', 'aliauth'] as const;
type CfgKey = (typeof CFG_KEYS)[number];

export class QmtModule {
  readonly clients: QmtClient[];
  readonly commands: ReadonlyMap<string, CommandHandler>;
  readonly #h: QmtModuleHost;
  readonly #ssl = new Map<number, SslContext>();
  /** PDP contexts deactivated by AT+QIDEACT (activated again by AT+QIACT) */
  readonly #deactivated = new Set<number>();
  readonly #apn = new Map<number, { type: number; apn: string }>();
  #incoming = 0;
  #urcPort = 'uart1';

  constructor(host: QmtModuleHost) {
    this.#h = host;
    const p = host.profile;
    const clientHost: QmtClientHost = {
      profile: p,
      clock: host.clock,
      openTimeoutMs: host.openTimeoutMs,
      connect: host.connect,
      urc: (text, bytes) => host.urc(text, bytes),
      pdpActive: (cid) => this.pdpActive(cid),
      resolve: (name) => host.ctx.resolve(name),
      sslContext: (ctx) => this.#sslCtx(ctx),
      brokerSilent: (cmd) => host.brokerSilent(cmd),
      dropIncoming: (m) => host.dropIncoming(m),
      nextIncomingIndex: () => ++this.#incoming,
      event: (e) => host.event(e),
    };
    this.clients = Array.from({ length: p.clients }, (_, i) => new QmtClient(i, clientHost));
    this.commands = new Map<string, CommandHandler>([
      ['+QMTCFG', (c) => this.#cfg(c)],
      ['+QMTOPEN', (c) => this.#open(c)],
      ['+QMTCLOSE', (c) => this.#close(c)],
      ['+QMTCONN', (c) => this.#conn(c)],
      ['+QMTDISC', (c) => this.#disc(c)],
      ['+QMTSUB', (c) => this.#sub(c)],
      ['+QMTUNS', (c) => this.#uns(c)],
      ['+QMTPUB', (c) => this.#pub(c, false)],
      ['+QMTPUBEX', (c) => this.#pub(c, true)],
      ['+QMTRECV', (c) => this.#recv(c)],
      ['+QIACT', (c) => this.#qiact(c)],
      ['+QIDEACT', (c) => this.#qideact(c)],
      ['+QICSGP', (c) => this.#qicsgp(c)],
      ['+QCCID', (c) => this.#qccid(c)],
      ['+QGMR', (c) => (c.form === 'action' ? reply(OK, [host.ctx.identity.revision]) : c.form === 'test' ? reply(OK) : SYNTAX)],
      ['+QURCCFG', (c) => this.#qurccfg(c)],
      ['+QSSLCFG', (c) => this.#qsslcfg(c)],
    ]);
  }

  /** The PDP context `cid` has an address (the emulator's one bearer is the default CID). */
  pdpActive(cid: number): boolean {
    return cid === this.#h.ctx.defaultCid && this.#h.ctx.pdpActive() && !this.#deactivated.has(cid);
  }

  /** Cut every broker connection (fault, PDN lost). True when there was one. */
  dropLink(reason: string, code = 1): boolean {
    let any = false;
    for (const c of this.clients) any = c.dropLink(reason, code) || any;
    return any;
  }

  destroy(): void {
    for (const c of this.clients) c.destroy();
  }

  #sslCtx(ctx: number): SslContext {
    let s = this.#ssl.get(ctx);
    if (!s) {
      s = defaultSslContext();
      this.#ssl.set(ctx, s);
    }
    return s;
  }

  #client(p: Param | undefined): QmtClient | null {
    const i = intIn(p, 0, this.#h.profile.clients - 1);
    return i === null ? null : this.clients[i]!;
  }

  get #range(): string {
    return `(0-${this.#h.profile.clients - 1})`;
  }

  #after(work: (() => void) | null): Reply {
    return work ? reply(OK, [], work) : SYNTAX;
  }

  // ---- AT+QMTCFG ----

  #cfgTest(): string[] {
    const r = this.#range;
    const p = this.#h.profile;
    return [
      `+QMTCFG: "version",${r},(3,4)`,
      `+QMTCFG: "pdpcid",${r},(1-${p.pdpcidMax})`,
      `+QMTCFG: "ssl",${r},(0,1),(0-5)`,
      `+QMTCFG: "keepalive",${r},(0-${p.keepaliveMax})`,
      `+QMTCFG: "session",${r},(0,1)`,
      `+QMTCFG: "timeout",${r},(1-${p.pktTimeoutMax}),(0-${p.retryMax}),(0,1)`,
      `+QMTCFG: "will",${r},(0,1),(0-2),(0,1),"will_topic","will_msg"`,
      `+QMTCFG: "recv/mode",${r},(0,1),(0,1)`,
      `+QMTCFG: "aliauth",${r},"product_key","device_name","device_secret"`,
    ];
  }

  #cfgQuery(key: CfgKey, c: QmtClient): string {
    const g = c.config;
    switch (key) {
      case 'version':
        return `+QMTCFG: "version",${g.version}`;
      case 'pdpcid':
        return `+QMTCFG: "pdpcid",${g.pdpcid}`;
      case 'ssl':
        return g.ssl.enable === 1 ? `+QMTCFG: "ssl",1,${g.ssl.ctx}` : '+QMTCFG: "ssl",0';
      case 'keepalive':
        return `+QMTCFG: "keepalive",${g.keepalive}`;
      case 'session':
        return `+QMTCFG: "session",${g.session}`;
      case 'timeout':
        return `+QMTCFG: "timeout",${g.timeout.join(',')}`;
      case 'will':
        return g.will.flag === 1 ? `+QMTCFG: "will",1,${g.will.qos},${g.will.retain},"${g.will.topic}","${g.will.message}"` : '+QMTCFG: "will",0';
      case 'recv/mode':
        return `+QMTCFG: "recv/mode",${g.recv.mode},${g.recv.len}`;
      case 'aliauth': {
        const a = g.aliauth;
        return a ? `+QMTCFG: "aliauth","${a.productKey}","${a.deviceName}","${a.deviceSecret}"` : '+QMTCFG: "aliauth"';
      }
    }
  }

  #cfg(command: AtCommand): Reply {
    if (command.form === 'test') return reply(OK, block(this.#cfgTest()));
    if (command.form !== 'set') return SYNTAX;
    const ps = decode(command, 2, 7);
    if (!ps) return SYNTAX;
    // sub-keys are case-insensitive (O [QF3562]); unknown or invented keys → ERROR (I)
    const key = ps[0]!.text.toLowerCase() as CfgKey;
    if (!CFG_KEYS.includes(key)) return SYNTAX;
    const c = this.#client(ps[1]);
    if (!c) return SYNTAX;
    if (ps.length === 2) return reply(OK, [this.#cfgQuery(key, c)]);
    const g = c.config;
    const p = this.#h.profile;
    const v = ps.slice(2);
    switch (key) {
      case 'version': {
        const n = intIn(v[0], 3, 4);
        if (n === null || v.length > 1) return SYNTAX;
        g.version = n as 3 | 4;
        return reply(OK);
      }
      case 'pdpcid': {
        const n = intIn(v[0], 1, p.pdpcidMax);
        if (n === null || v.length > 1) return SYNTAX;
        g.pdpcid = n;
        return reply(OK);
      }
      case 'ssl': {
        const en = intIn(v[0], 0, 1);
        const ctx = present(v[1]) ? intIn(v[1], 0, 5) : 0;
        if (en === null || ctx === null || v.length > 2) return SYNTAX;
        g.ssl = { enable: en as 0 | 1, ctx };
        return reply(OK);
      }
      case 'keepalive': {
        const n = intIn(v[0], 0, p.keepaliveMax);
        if (n === null || v.length > 1) return SYNTAX;
        g.keepalive = n;
        return reply(OK);
      }
      case 'session': {
        const n = intIn(v[0], 0, 1);
        if (n === null || v.length > 1) return SYNTAX;
        g.session = n as 0 | 1;
        return reply(OK);
      }
      case 'timeout': {
        const pkt = intIn(v[0], 1, p.pktTimeoutMax);
        const retry = present(v[1]) ? intIn(v[1], 0, p.retryMax) : g.timeout[1];
        const notice = present(v[2]) ? intIn(v[2], 0, 1) : g.timeout[2];
        if (pkt === null || retry === null || notice === null || v.length > 3) return SYNTAX;
        g.timeout = [pkt, retry, notice];
        return reply(OK);
      }
      case 'will': {
        const flag = intIn(v[0], 0, 1);
        if (flag === null || v.length > 5) return SYNTAX;
        if (flag === 0) {
          g.will = { flag: 0, qos: 0, retain: 0, topic: '', message: '' };
          return reply(OK);
        }
        // flag 1 requires all four (D)
        const qos = intIn(v[1], 0, 2);
        const retain = intIn(v[2], 0, 1);
        const topic = str(v[3]);
        const message = str(v[4]);
        if (qos === null || retain === null || !topic || message === null) return SYNTAX;
        g.will = { flag: 1, qos, retain, topic, message };
        return reply(OK);
      }
      case 'recv/mode': {
        const mode = intIn(v[0], 0, 1);
        const len = present(v[1]) ? intIn(v[1], 0, 1) : 0;
        if (mode === null || len === null || v.length > 2) return SYNTAX;
        g.recv = { mode: mode as 0 | 1, len: len as 0 | 1 };
        return reply(OK);
      }
      case 'aliauth': {
        const [pk, dn, ds] = [str(v[0]), str(v[1]), str(v[2])];
        if (!pk || !dn || !ds || v.length > 3) return SYNTAX;
        g.aliauth = { productKey: pk, deviceName: dn, deviceSecret: ds };
        return reply(OK);
      }
    }
  }

  // ---- OPEN / CLOSE / CONN / DISC ----

  #open(command: AtCommand): Reply {
    if (command.form === 'test') return reply(OK, [`+QMTOPEN: ${this.#range},"<host_name>",(1-65535)`]);
    if (command.form === 'read') {
      const lines = this.clients.filter((c) => c.target && c.state !== 'opening').map((c) => `+QMTOPEN: ${c.idx},"${c.target!.host}",${c.target!.port}`);
      return reply(OK, block(lines));
    }
    if (command.form !== 'set') return SYNTAX;
    const ps = decode(command, 3, 3);
    if (!ps) return SYNTAX;
    const c = this.#client(ps[0]);
    const host = str(ps[1]);
    const port = intIn(ps[2], 1, 65535);
    if (!c || !host || host.length > this.#h.profile.hostMax || port === null) return SYNTAX;
    return this.#after(c.open(host, port));
  }

  #close(command: AtCommand): Reply {
    if (command.form === 'test') return reply(OK, [`+QMTCLOSE: ${this.#range}`]);
    if (command.form !== 'set') return SYNTAX;
    const ps = decode(command, 1, 1);
    const c = ps ? this.#client(ps[0]) : null;
    if (!c) return SYNTAX;
    return this.#after(c.close());
  }

  #conn(command: AtCommand): Reply {
    if (command.form === 'test') return reply(OK, [`+QMTCONN: ${this.#range},"<clientID>","<username>","<password>"`]);
    if (command.form === 'read') {
      const lines: string[] = [];
      for (const c of this.clients) {
        const s = c.connState();
        if (s !== null) lines.push(`+QMTCONN: ${c.idx},${s}`);
      }
      return reply(OK, block(lines));
    }
    if (command.form !== 'set') return SYNTAX;
    const ps = decode(command, 2, 4);
    if (!ps) return SYNTAX;
    const c = this.#client(ps[0]);
    const id = str(ps[1]);
    if (!c || id === null) return SYNTAX;
    const user = str(ps[2]);
    const pass = str(ps[3]);
    return this.#after(c.connect(id, user, pass));
  }

  #disc(command: AtCommand): Reply {
    if (command.form === 'test') return reply(OK, [`+QMTDISC: ${this.#range}`]);
    if (command.form !== 'set') return SYNTAX;
    const ps = decode(command, 1, 1);
    const c = ps ? this.#client(ps[0]) : null;
    if (!c) return SYNTAX;
    return this.#after(c.disconnect());
  }

  // ---- SUB / UNS ----

  #sub(command: AtCommand): Reply {
    if (command.form === 'test') return reply(OK, [`+QMTSUB: ${this.#range},(1-65535),"<topic>",(0-2)`]);
    if (command.form !== 'set') return SYNTAX;
    const ps = decode(command, 4, 2 + 2 * 10);
    if (!ps || ps.length % 2 !== 0) return SYNTAX;
    const c = this.#client(ps[0]);
    const msgId = intIn(ps[1], 1, 65535);
    if (!c || msgId === null) return SYNTAX;
    const filters: Array<{ topic: string; qos: QoS }> = [];
    for (let i = 2; i < ps.length; i += 2) {
      const topic = str(ps[i]);
      const qos = intIn(ps[i + 1], 0, 2);
      if (!topic || qos === null) return SYNTAX;
      filters.push({ topic, qos: qos as QoS });
    }
    return this.#after(c.subscribe(msgId, filters));
  }

  #uns(command: AtCommand): Reply {
    if (command.form === 'test') return reply(OK, [`+QMTUNS: ${this.#range},(1-65535),"<topic>"`]);
    if (command.form !== 'set') return SYNTAX;
    const ps = decode(command, 3, 2 + 10);
    if (!ps) return SYNTAX;
    const c = this.#client(ps[0]);
    const msgId = intIn(ps[1], 1, 65535);
    if (!c || msgId === null) return SYNTAX;
    const topics: string[] = [];
    for (const p of ps.slice(2)) {
      const t = str(p);
      if (!t) return SYNTAX;
      topics.push(t);
    }
    return this.#after(c.unsubscribe(msgId, topics));
  }

  // ---- PUB / PUBEX ----

  /**
   * AT+QMTPUB=<idx>,<msgid>,<qos>,<retain>,"<topic>"[,<len>|,"<msg>"] and AT+QMTPUBEX in the
   * profile's meaning (§2.3): prompt + Ctrl-Z (ESC cancels), prompt + exactly <len> bytes, or an
   * inline quoted message.
   */
  #pub(command: AtCommand, ex: boolean): Reply {
    const p = this.#h.profile;
    // AT+QMTPUBEX on a model where the reference knows neither form (Unisoc: np) → ERROR (I)
    if (ex && p.pubex === null) return SYNTAX;
    if (command.form === 'test') {
      if (ex && p.pubex === 'length') return reply(OK, [`+QMTPUBEX: ${this.#range},<msgid>,(0-2),(0,1),"topic","length"`]);
      if (ex) return reply(OK, [`+QMTPUBEX: ${this.#range},<msgid>,(0-2),(0,1),"topic","payload"`]);
      return reply(OK, [`+QMTPUB: ${this.#range},<msgid>,(0-2),(0,1),"topic",(${p.pubMin}-${p.pubMax})`]);
    }
    if (command.form !== 'set') return SYNTAX;
    const ps = decode(command, ex ? 6 : 5, 6);
    if (!ps) return SYNTAX;
    const c = this.#client(ps[0]);
    const msgId = intIn(ps[1], 0, 65535);
    const qos = intIn(ps[2], 0, 2);
    const retain = intIn(ps[3], 0, 1);
    const topic = str(ps[4]);
    // <msgid> is 0 exactly when QoS is 0 (D)
    if (!c || msgId === null || qos === null || retain === null || !topic || (qos === 0) !== (msgId === 0)) return SYNTAX;
    if (!c.canPublish) return SYNTAX;
    const last = ps[5];
    const urc = ex && p.pubex === 'length' ? 'QMTPUBEX' : 'QMTPUB';
    const send = (payload: Buffer): Reply => this.#after(c.publish(msgId, qos as QoS, retain === 1, topic, payload, urc));
    if (ex && p.pubex === 'inline') {
      // BGx: "<msg>" inline, answered by +QMTPUB (O [BG95LOG]); ≤560 bytes, no `"` (C [LOOUQ])
      if (!last || !last.quoted || last.text.length > p.pubexInlineMax) return SYNTAX;
      return send(Buffer.from(last.text, 'latin1'));
    }
    if (present(last) && last.quoted) {
      // inline AT+QMTPUB=…,"<topic>","<msg>" (Quectel's own driver on non-BG95 modules, Q [UFP]); not in the length form
      if (ex || last.text.length > p.pubMax) return SYNTAX;
      return send(Buffer.from(last.text, 'latin1'));
    }
    if (present(last)) {
      // fixed length: after `> ` exactly <len> bytes, no Ctrl-Z (text here → ERROR, D [NUMODEM])
      const len = intIn(last, p.pubMin, p.pubMax);
      if (len === null) return SYNTAX;
      return { kind: 'prompt', limit: len, exact: len, onData: (payload) => send(payload) };
    }
    if (ex) return SYNTAX;
    // variable length: bytes up to Ctrl-Z (ESC cancels); more than the limit → ERROR (I)
    return { kind: 'prompt', limit: p.pubMax, onData: (payload, overflow) => (overflow || payload.length === 0 ? SYNTAX : send(payload)) };
  }

  // ---- AT+QMTRECV (recv/mode 1 buffer) ----

  #recv(command: AtCommand): Reply {
    if (command.form === 'test') return reply(OK, [`+QMTRECV: ${this.#range},(0-${RECV_SLOTS - 1})`]);
    if (command.form === 'read') {
      const lines = this.clients.filter((c) => c.state !== 'closed').map((c) => `+QMTRECV: ${c.idx},${c.slots.map((s) => (s ? 1 : 0)).join(',')}`);
      return reply(OK, block(lines));
    }
    if (command.form !== 'set') return SYNTAX;
    const ps = decode(command, 1, 2);
    if (!ps) return SYNTAX;
    const c = this.#client(ps[0]);
    if (!c) return SYNTAX;
    const ids: number[] = [];
    if (present(ps[1])) {
      const id = intIn(ps[1], 0, RECV_SLOTS - 1);
      if (id === null) return SYNTAX;
      ids.push(id);
    } else for (let i = 0; i < RECV_SLOTS; i++) ids.push(i);
    const lines: string[] = [];
    for (const id of ids) {
      const m = c.take(id);
      // payload decoded as UTF-8 on the answer's line (binary payloads do not survive this path; URC mode keeps bytes)
      if (m) lines.push(recvBytes(c.idx, m, c.config.recv.len === 1).text);
    }
    return reply(OK, block(lines));
  }

  // ---- before MQTT: PDP context, identity, URC port, TLS ----

  #qiact(command: AtCommand): Reply {
    const ctx = this.#h.ctx;
    if (command.form === 'test') return reply(OK, ['+QIACT: (1-16)']);
    if (command.form === 'read') {
      const cid = ctx.defaultCid;
      return reply(OK, this.pdpActive(cid) ? [`+QIACT: ${cid},1,1,"${ctx.conditions.pdp.address}"`] : []);
    }
    if (command.form !== 'set') return SYNTAX;
    const ps = decode(command, 1, 1);
    const cid = ps ? intIn(ps[0], 1, 16) : null;
    if (cid === null) return SYNTAX;
    // only the default bearer exists; it needs registration and an attach (AT+QIACT before registration → ERROR, O [BG95LOG])
    if (cid !== ctx.defaultCid || !ctx.pdpActive()) return SYNTAX;
    this.#deactivated.delete(cid);
    return reply(OK);
  }

  #qideact(command: AtCommand): Reply {
    if (command.form === 'test') return reply(OK, ['+QIDEACT: (1-16)']);
    if (command.form !== 'set') return SYNTAX;
    const ps = decode(command, 1, 1);
    const cid = ps ? intIn(ps[0], 1, 16) : null;
    if (cid === null) return SYNTAX;
    this.#deactivated.add(cid);
    return reply(OK, [], () => {
      for (const c of this.clients) if (c.config.pdpcid === cid) c.dropLink(`PDP context ${cid} deactivated`);
    });
  }

  #qicsgp(command: AtCommand): Reply {
    const ctx = this.#h.ctx;
    if (command.form === 'test') return reply(OK, ['+QICSGP: (1-16),(1-3),<APN>,<username>,<password>,(0-3)']);
    if (command.form !== 'set') return SYNTAX;
    const ps = decode(command, 1, 6);
    const cid = ps ? intIn(ps[0], 1, 16) : null;
    if (!ps || cid === null) return SYNTAX;
    if (ps.length === 1) {
      const a = this.#apn.get(cid) ?? { type: 1, apn: cid === ctx.defaultCid ? ctx.conditions.pdp.apn : '' };
      // user name and password are never printed back by the emulator
      return reply(OK, [`+QICSGP: ${a.type},"${a.apn}","","",0`]);
    }
    const type = intIn(ps[1], 1, 3);
    const apn = str(ps[2]) ?? '';
    if (type === null || (present(ps[5]) && intIn(ps[5], 0, 3) === null)) return SYNTAX;
    this.#apn.set(cid, { type, apn });
    return reply(OK);
  }

  #qccid(command: AtCommand): Reply {
    const ctx = this.#h.ctx;
    if (command.form === 'test') return reply(OK);
    if (command.form !== 'action') return SYNTAX;
    if (ctx.conditions.sim === 'absent') return SYNTAX;
    return reply(OK, [`+QCCID: ${ctx.identity.iccid}`]);
  }

  #qurccfg(command: AtCommand): Reply {
    if (command.form === 'test') return reply(OK, ['+QURCCFG: "urcport",("usbat","usbmodem","uart1")']);
    if (command.form !== 'set') return SYNTAX;
    const ps = decode(command, 1, 2);
    if (!ps || ps[0]!.text.toLowerCase() !== 'urcport') return SYNTAX;
    if (!present(ps[1])) return reply(OK, [`+QURCCFG: "urcport","${this.#urcPort}"`]);
    const port = ps[1].text.toLowerCase();
    if (!['usbat', 'usbmodem', 'uart1'].includes(port)) return SYNTAX;
    // the emulator always prints its URCs on its one port; the setting is only stored (I)
    this.#urcPort = port;
    return reply(OK);
  }

  /** AT+QSSLCFG="<key>",<ctx>[,<value>]: cacert/clientcert/clientkey (file names), seclevel, sslversion, ciphersuite, ignorelocaltime, sni. */
  #qsslcfg(command: AtCommand): Reply {
    if (command.form === 'test') return reply(OK, block(['+QSSLCFG: "cacert",(0-5),<cacertpath>', '+QSSLCFG: "seclevel",(0-5),(0-2)']));
    if (command.form !== 'set') return SYNTAX;
    const ps = decode(command, 2, 3);
    if (!ps) return SYNTAX;
    const key = ps[0]!.text.toLowerCase();
    const id = intIn(ps[1], 0, 5);
    if (id === null) return SYNTAX;
    const s = this.#sslCtx(id);
    const file = ['cacert', 'clientcert', 'clientkey'] as const;
    if ((file as readonly string[]).includes(key)) {
      const k = key as (typeof file)[number];
      if (!present(ps[2])) return reply(OK, [`+QSSLCFG: "${k}",${id},"${s[k]}"`]);
      s[k] = ps[2].text;
      return reply(OK);
    }
    if (key === 'seclevel' || key === 'sni') {
      if (!present(ps[2])) return reply(OK, [`+QSSLCFG: "${key}",${id},${s[key]}`]);
      const n = intIn(ps[2], 0, key === 'seclevel' ? 2 : 1);
      if (n === null) return SYNTAX;
      s[key] = n;
      return reply(OK);
    }
    if (key === 'ciphersuite') {
      // unquoted only: a quoted value answers ERROR (O [JCOBB])
      if (present(ps[2]) && ps[2].quoted) return SYNTAX;
      return reply(OK);
    }
    if (key === 'sslversion' || key === 'ignorelocaltime') return reply(OK);
    return SYNTAX;
  }
}
