import type { QoS } from 'mqtt-packet';
import { intOf, present, utf8Of, type AtCommand, type Param } from '../../at/command-line.js';
import type { SslConfig } from '../../emulator/network.js';
import type { Answer, SessionConfig } from './emulator-session.js';
import { ERROR, OK, cme, reply, type CommandHandler, type ModuleContext, type Reply } from '../../emulator/types.js';
import { decode } from '../../emulator/commands/params.js';

/**
 * The ECMT commands (../shared/protocol/ecmt.md §2–§3; formats as in the EC616S AT handler):
 * parameter checks (any bad value → `+CME ERROR: 3`, the only code ECMT handlers use; a missing
 * mandatory parameter → `ERROR` from the decoder), limits per firmware profile, then the
 * session decides by its state. Read and action forms that a command does not have answer
 * `+CME ERROR: 3` (the handlers' default branch).
 */

const CME3 = reply(cme(3));
const SYNTAX = reply(ERROR);

/** The test forms, verbatim (no space after the colon for AT+ECMTCFG=?; the cloud line has no connect-ID range). */
const CFG_TEST = [
  '+ECMTCFG:"keepalive",(0),(0-3600),',
  '+ECMTCFG:"session",(0),(0,1)',
  '+ECMTCFG:"timeout",(0),(1-60),(1-10),(0,1)',
  '+ECMTCFG:"will",(0),(0,1),(0-2),(0,1),"will_topic","will_msg"',
  '+ECMTCFG:"version",(0),(3,4)',
  '+ECMTCFG:"aliauth",(0),"productkey","devicename","devicesecret"',
  '+ECMTCFG:"cloud",(0-255),(0-255)',
].join('\r\n');

const TEST: Record<string, string> = {
  '+ECMTOPEN': '+ECMTOPEN: (0),<host_name>,<port>',
  '+ECMTCLOSE': '+ECMTCLOSE: (0)',
  '+ECMTCONN': '+ECMTCONN: (0),"<clientID>"[,"<username>"[,,"<password>"]]',
  '+ECMTDISC': '+ECMTDISC: (0)',
  '+ECMTSUB': '+ECMTSUB: (0),<msgID>,"<topic>",<qos>',
  '+ECMTUNS': '+ECMTUNS: (0),<msgID>,"<topic>"',
  '+ECMTPUB': '+ECMTPUB: (0),<msgID>,<qos>,<retain>,"<topic>"[,"<payload>"]',
};

/** The connect ID: only 0 exists on these builds; omitted means the default 0. */
function connectIdOk(p: Param | undefined): boolean {
  if (!present(p)) return true;
  return intOf(p) === 0;
}

function intIn(p: Param | undefined, min: number, max: number): number | null {
  const n = intOf(p);
  return n !== null && n >= min && n <= max ? n : null;
}

function answer(a: Answer): Reply {
  return a.ok ? reply(OK, [], a.after) : CME3;
}

/** Common start of the set-only commands: test form, forms the handler lacks, then decoding. */
function setOnly(command: AtCommand): Reply | 'set' {
  if (command.form === 'test') return reply(OK, [TEST[command.name]!]);
  if (command.form !== 'set') return CME3;
  return 'set';
}

// ---------------------------------------------------------------------------------------------
// AT+ECMTCFG
// ---------------------------------------------------------------------------------------------

function cfgQuery(type: string, c: SessionConfig): string {
  switch (type) {
    case 'keepalive':
      return `+ECMTCFG: "keepalive",${c.keepalive.value}`;
    case 'session':
      return `+ECMTCFG: "session",${c.session.value}`;
    case 'timeout':
      return `+ECMTCFG: "timeout",${c.timeout.join(',')}`;
    case 'will': {
      const w = c.will;
      const tail = w.topic === null ? ',' : `${w.topic},${w.message ?? ''}`;
      return `+ECMTCFG: "will",${w.flag},${w.qos},${w.retain},${tail}`;
    }
    case 'version':
      return `+ECMTCFG: "version",${c.version.value}`;
    case 'aliauth': {
      const a = c.aliauth;
      // the firmware prints device name, device secret, product key — in that order
      return a ? `+ECMTCFG: "aliauth",${a.deviceName},${a.deviceSecret},${a.productKey}` : '+ECMTCFG: "aliauth",,,';
    }
    case 'cloud':
      return `+ECMTCFG: "cloud",${c.cloud.type},${c.cloud.dataType}`;
    case 'echomode':
      return `+ECMTCFG: "echomode",${c.echomode}`;
    case 'dataformat':
      return `+ECMTCFG: "dataformat",${c.dataformat.join(',')}`;
    default:
      return '';
  }
}

const QUERYABLE = new Set(['keepalive', 'session', 'timeout', 'will', 'version', 'aliauth', 'cloud', 'echomode', 'dataformat']);

function sslSet(ps: Param[], ctx: ModuleContext): Reply {
  const syntax = ctx.profile.quirks.sslSyntax;
  let ssl: SslConfig;
  if (syntax === 'ec616s') {
    // "ssl","psk","<psk>","<identity>" | "ssl","ecc","<key>" | "ssl","ca","<base64>"[,"<hostname>"] (no connect ID)
    const kind = present(ps[1]) ? ps[1].text : '';
    if (kind === 'psk' && present(ps[2]) && present(ps[3]) && ps.length <= 4) ssl = { kind: 'psk', psk: ps[2].text, identity: ps[3].text };
    else if (kind === 'ecc' && present(ps[2]) && ps.length <= 3) ssl = { kind: 'ecc', key: ps[2].text };
    else if (kind === 'ca' && present(ps[2]) && ps.length <= 4) ssl = { kind: 'ca', base64: ps[2].text, hostname: present(ps[3]) && ps[3].text ? ps[3].text : null };
    else return CME3;
  } else {
    // EC626: "ssl",<mode>,"<ca file>","<cert file>","<key file>"
    const mode = intIn(ps[1], 0, 4);
    if (mode === null || !present(ps[2]) || ps.length > 5) return CME3;
    ssl = { kind: 'files', mode, ca: ps[2].text, cert: present(ps[3]) ? ps[3].text : '', key: present(ps[4]) ? ps[4].text : '' };
  }
  ctx.session.ensureConfig().ssl = ssl;
  return reply(OK);
}

const ecmtCfg: CommandHandler = (command, ctx) => {
  if (command.form === 'test') return reply(OK, [CFG_TEST]);
  if (command.form !== 'set') return CME3;
  const ps = decode(command, 1, 13);
  if (!ps) return SYNTAX;
  // strcmp in the firmware: the type is case-sensitive
  const type = ps[0]!.text;
  if (type === 'ssl') return sslSet(ps, ctx);
  if (!QUERYABLE.has(type) || !connectIdOk(ps[1])) return CME3;
  const lim = ctx.profile.limits;
  if (!present(ps[2])) {
    // query form: the context's fields, which start at 0 until set
    const c = ctx.session.config;
    return c ? reply(OK, [cfgQuery(type, c)]) : CME3;
  }
  switch (type) {
    case 'keepalive': {
      const v = intIn(ps[2], 0, lim.keepaliveMax);
      if (v === null || ps.length > 3) return CME3;
      ctx.session.ensureConfig().keepalive = { value: v, set: true };
      return reply(OK);
    }
    case 'session': {
      const v = intIn(ps[2], 0, 1);
      if (v === null || ps.length > 3) return CME3;
      ctx.session.ensureConfig().session = { value: v, set: true };
      return reply(OK);
    }
    case 'timeout': {
      // stored only, never used on the EC616S: an out-of-range value is still OK
      const pkt = intOf(ps[2]);
      const retry = present(ps[3]) ? intOf(ps[3]) : 3;
      const notice = present(ps[4]) ? intOf(ps[4]) : 0;
      if (pkt === null || retry === null || notice === null || ps.length > 5) return CME3;
      ctx.session.ensureConfig().timeout = [pkt, retry, notice];
      return reply(OK);
    }
    case 'will': {
      const flag = intIn(ps[2], 0, 1);
      const qos = present(ps[3]) ? intIn(ps[3], 0, 2) : 0;
      const retain = present(ps[4]) ? intIn(ps[4], 0, 1) : 0;
      const topic = present(ps[5]) ? ps[5].text : '';
      const message = present(ps[6]) ? ps[6].text : '';
      if (flag === null || qos === null || retain === null || ps.length > 7) return CME3;
      if (topic.length > lim.willTopic || message.length > lim.willMessage) return CME3;
      if (flag === 1 && topic.length === 0) return CME3;
      ctx.session.ensureConfig().will = { flag, qos, retain, topic: topic.length > 0 ? utf8Of(topic) : null, message: topic.length > 0 ? utf8Of(message) : null };
      return reply(OK);
    }
    case 'version': {
      const v = intIn(ps[2], 3, 4);
      if (v === null || ps.length > 3) return CME3;
      ctx.session.ensureConfig().version = { value: v, set: true };
      return reply(OK);
    }
    case 'aliauth': {
      const a = lim.aliauth;
      const [pk, dn, ds] = [ps[2], ps[3], ps[4]];
      if (!present(pk) || !present(dn) || !present(ds)) return CME3;
      if (pk.text.length > a.productKey || dn.text.length > a.deviceName || ds.text.length > a.deviceSecret) return CME3;
      // parameters after the device secret (product name/secret, auth type, sign method, auth mode,
      // secure mode, instance ID, dynamic registration) are accepted and not used by the emulator
      ctx.session.ensureConfig().aliauth = { productKey: utf8Of(pk.text), deviceName: utf8Of(dn.text), deviceSecret: utf8Of(ds.text) };
      return reply(OK);
    }
    case 'cloud': {
      const t = intIn(ps[2], 0, 255);
      const d = intIn(ps[3], 0, 255);
      if (t === null || d === null || ps.length > 4) return CME3;
      ctx.session.ensureConfig().cloud = { type: t, dataType: d };
      return reply(OK);
    }
    case 'echomode': {
      const v = intIn(ps[2], 0, 1);
      if (v === null || ps.length > 3) return CME3;
      ctx.session.ensureConfig().echomode = v;
      return reply(OK);
    }
    case 'dataformat': {
      const send = intIn(ps[2], 0, 1);
      const recv = present(ps[3]) ? intIn(ps[3], 0, 1) : 0;
      if (send === null || recv === null || ps.length > 4) return CME3;
      ctx.session.ensureConfig().dataformat = [send, recv];
      return reply(OK);
    }
    default:
      return CME3;
  }
};

// ---------------------------------------------------------------------------------------------
// OPEN / CLOSE / CONN / DISC
// ---------------------------------------------------------------------------------------------

const ecmtOpen: CommandHandler = (command, ctx) => {
  if (command.form === 'read') {
    const t = ctx.session.target;
    return reply(OK, t ? [`+ECMTOPEN:0,"${t.host}",${t.port}`] : []);
  }
  const s = setOnly(command);
  if (s !== 'set') return s;
  const ps = decode(command, 2, 3);
  if (!ps) return SYNTAX;
  const host = ps[1]!.text;
  const port = present(ps[2]) ? intIn(ps[2], 1, 65535) : ctx.profile.limits.defaultPort;
  const hostMax = ctx.profile.limits.host ?? 255;
  if (!connectIdOk(ps[0]) || host.length === 0 || host.length > hostMax || port === null) return CME3;
  return answer(ctx.session.open(utf8Of(host), port));
};

const ecmtClose: CommandHandler = (command, ctx) => {
  const s = setOnly(command);
  if (s !== 'set') return s;
  const ps = decode(command, 1, 1);
  if (!ps) return SYNTAX;
  if (!connectIdOk(ps[0])) return CME3;
  return answer(ctx.session.close());
};

const ecmtConn: CommandHandler = (command, ctx) => {
  if (command.form === 'read') {
    const st = ctx.session.connState();
    return reply(OK, st === null ? [] : [`+ECMTCONN:0,${st}`]);
  }
  const s = setOnly(command);
  if (s !== 'set') return s;
  const ps = decode(command, 1, 4);
  if (!ps) return SYNTAX;
  if (!connectIdOk(ps[0])) return CME3;
  const lim = ctx.profile.limits;
  const cut = ctx.profile.quirks.overLongCredential === 'truncate';
  const value = (p: Param | undefined, max: number): string | null | false => {
    if (!present(p) || p.text.length === 0) return null; // an empty string is "not given"
    if (p.text.length <= max) return utf8Of(p.text);
    return cut ? utf8Of(p.text.slice(0, max)) : false; // an old build cuts instead of refusing
  };
  const clientId = value(ps[1], lim.clientId);
  const username = value(ps[2], lim.username);
  const password = value(ps[3], lim.password);
  if (clientId === false || username === false || password === false) return CME3;
  return answer(ctx.session.connect({ clientId, username, password }));
};

const ecmtDisc: CommandHandler = (command, ctx) => {
  const s = setOnly(command);
  if (s !== 'set') return s;
  const ps = decode(command, 1, 1);
  if (!ps) return SYNTAX;
  if (!connectIdOk(ps[0])) return CME3;
  return answer(ctx.session.disconnect());
};

// ---------------------------------------------------------------------------------------------
// SUB / UNS / PUB
// ---------------------------------------------------------------------------------------------

function topicOk(p: Param | undefined, ctx: ModuleContext): p is Param {
  return present(p) && p.text.length > 0 && p.text.length <= ctx.profile.limits.topic;
}

const ecmtSub: CommandHandler = (command, ctx) => {
  const s = setOnly(command);
  if (s !== 'set') return s;
  const ps = decode(command, 4, 4);
  if (!ps) return SYNTAX;
  const msgId = intIn(ps[1], 1, 65535);
  const qos = intIn(ps[3], 0, 2);
  if (!connectIdOk(ps[0]) || msgId === null || !topicOk(ps[2], ctx) || qos === null) return CME3;
  return answer(ctx.session.subscribe(msgId, utf8Of(ps[2].text), qos as QoS));
};

const ecmtUns: CommandHandler = (command, ctx) => {
  const s = setOnly(command);
  if (s !== 'set') return s;
  const ps = decode(command, 3, 3);
  if (!ps) return SYNTAX;
  const msgId = intIn(ps[1], 1, 65535);
  if (!connectIdOk(ps[0]) || msgId === null || !topicOk(ps[2], ctx)) return CME3;
  return answer(ctx.session.unsubscribe(msgId, utf8Of(ps[2].text)));
};

/** The inline payload: raw to the end of the line; a leading `"` and a trailing `"` are stripped, nothing else. */
export function inlinePayload(raw: string): string {
  if (!raw.startsWith('"')) return raw;
  const body = raw.slice(1);
  return body.endsWith('"') ? body.slice(0, -1) : body;
}

const ecmtPub: CommandHandler = (command, ctx) => {
  const s = setOnly(command);
  if (s !== 'set') return s;
  const ps = decode(command, 5, 6, 5);
  if (!ps) return SYNTAX;
  const lim = ctx.profile.limits;
  const msgId = intIn(ps[1], 0, 65535);
  const qos = intIn(ps[2], 0, 2);
  const retainRai = intIn(ps[3], 0, lim.retainMax);
  if (!connectIdOk(ps[0]) || msgId === null || qos === null || retainRai === null) return CME3;
  // EC616S: <retain> carries retain + 10 × RAI
  if (retainRai % 10 > 1 || Math.floor(retainRai / 10) > 3) return CME3;
  if (!topicOk(ps[4], ctx)) return CME3;
  const topic = utf8Of(ps[4].text);
  const retain = retainRai % 10 === 1;
  const raw = ps[5];
  if (!present(raw)) {
    // data mode: the prompt comes first; the state is only checked once Ctrl-Z arrives
    return {
      kind: 'prompt',
      limit: lim.promptPayload,
      onData: (payload, overflow) => (overflow ? CME3 : answer(ctx.session.publish(msgId, qos as QoS, retain, topic, payload))),
    };
  }
  const text = inlinePayload(raw.text);
  if (text.length > lim.inlinePayload) return CME3;
  return answer(ctx.session.publish(msgId, qos as QoS, retain, topic, Buffer.from(text, 'latin1')));
};

export const ECMT_COMMANDS: ReadonlyMap<string, CommandHandler> = new Map([
  ['+ECMTCFG', ecmtCfg],
  ['+ECMTOPEN', ecmtOpen],
  ['+ECMTCLOSE', ecmtClose],
  ['+ECMTCONN', ecmtConn],
  ['+ECMTDISC', ecmtDisc],
  ['+ECMTSUB', ecmtSub],
  ['+ECMTUNS', ecmtUns],
  ['+ECMTPUB', ecmtPub],
]);

/**
 * `+ECMTRECV: 0,<msgID>,"<topic>",<payload>` with the payload bytes as-is (CR/LF kept), built
 * as the firmware's C string: leading NULs skipped, an inner NUL ends the payload. `text` is the
 * line as text (for events), `bytes` what the module writes (CRLF before and after).
 */
export function recvUrc(msgId: number, topic: string, payload: Buffer): { text: string; bytes: Buffer } {
  let start = 0;
  while (start < payload.length && payload[start] === 0) start++;
  let end = payload.indexOf(0, start);
  if (end < 0) end = payload.length;
  const header = `+ECMTRECV: 0,${msgId},"${topic}",`;
  const bytes = Buffer.concat([Buffer.from(`\r\n${header}`, 'utf8'), payload.subarray(start, end), Buffer.from('\r\n', 'latin1')]);
  return { text: header + payload.subarray(start, end).toString('utf8'), bytes };
}
