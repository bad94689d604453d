import { intOf, present, utf8Of } from '../../at/command-line.js';
import { ERROR, OK, cme, reply, type CommandHandler, type ModuleContext, type Reply } from '../types.js';
import { decode } from './params.js';

/**
 * The general commands a field tool sends before MQTT (../shared/protocol/ecmt.md §5), answered
 * from the emulator's conditions. Bad values of these 3GPP/vendor commands answer
 * `+CME ERROR: 50` (incorrect parameters); missing parameters and unknown forms `ERROR`.
 *
 * Conditions drive the answers: no SIM → `+CME ERROR: 10` for SIM commands and no
 * registration; radio off (AT+CFUN=0/4) → not registered, no PDN; not registered → +CEREG stat
 * 0/2/3; no PDN → AT+CGPADDR without address, AT+ECDNS fails with `+CME ERROR: 423`.
 */

const SYNTAX = reply(ERROR);
const BAD_VALUE = reply(cme(50));

function simError(ctx: ModuleContext): Reply | null {
  const sim = ctx.conditions.sim;
  if (sim === 'absent') return reply(cme(10));
  if (sim === 'pin-required' && !ctx.settings.pinEntered) return reply(cme(11));
  return null;
}

/** AcT for +CEREG: 9 E-UTRAN NB-S1 (NB-IoT), 7 E-UTRAN (CAT1). */
function act(ctx: ModuleContext): number {
  return ctx.conditions.rat === 'nbiot' ? 9 : 7;
}

/** `+CEREG: …` location part for registered states (n ≥ 2), or '' */
function location(ctx: ModuleContext, stat: number, withAct: boolean): string {
  if (stat !== 1 && stat !== 5) return '';
  const c = ctx.conditions.cell;
  return `,"${c.tac}","${c.ci}"${withAct ? `,${act(ctx)}` : ''}`;
}

/** The unsolicited registration report for the current state and n (null when n = 0). */
export function regUrc(ctx: ModuleContext, family: 'CEREG' | 'CREG'): string | null {
  const n = family === 'CEREG' ? ctx.settings.ceregN : ctx.settings.cregN;
  if (n === 0) return null;
  const stat = ctx.regStat();
  return `+${family}: ${stat}${n >= 2 ? location(ctx, stat, family === 'CEREG') : ''}`;
}

const identityLine =
  (pick: (ctx: ModuleContext) => string): CommandHandler =>
  (command, ctx) => {
    if (command.form === 'test') return reply(OK);
    if (command.form !== 'action') return SYNTAX;
    return reply(OK, [pick(ctx)]);
  };

const at: CommandHandler = (command) => (command.form === 'action' ? reply(OK) : SYNTAX);

const ate: CommandHandler = (command, ctx) => {
  if (command.form === 'action' || (command.form === 'set' && (command.args === '0' || command.args === '1'))) {
    ctx.settings.echo = command.args === '1';
    return reply(OK);
  }
  return SYNTAX;
};

const ati: CommandHandler = (command, ctx) => {
  if (command.form === 'read' || (command.form === 'set' && command.args !== '0')) return SYNTAX;
  const id = ctx.identity;
  return reply(OK, [[id.manufacturer, id.model, `Revision: ${id.revision}`].join('\r\n')]);
};

/** ATZ / AT&F: back to the power-up echo and error settings. */
const reset: CommandHandler = (command, ctx) => {
  if (command.form === 'read' || (command.form === 'set' && command.args !== '0')) return SYNTAX;
  ctx.settings.echo = false;
  ctx.settings.cmee = 1;
  return reply(OK);
};

const cgsn: CommandHandler = (command, ctx) => {
  if (command.form === 'test') return reply(OK, ['+CGSN: (0-3)']);
  if (command.form === 'action') return reply(OK, [ctx.identity.imei]);
  if (command.form !== 'set') return SYNTAX;
  const ps = decode(command, 1, 1);
  if (!ps) return SYNTAX;
  const snt = intOf(ps[0]);
  if (snt === 0) return reply(OK, [ctx.identity.imei]);
  if (snt === 1) return reply(OK, [`+CGSN: ${ctx.identity.imei}`]);
  return BAD_VALUE;
};

const cimi: CommandHandler = (command, ctx) => {
  if (command.form === 'test') return reply(OK);
  if (command.form !== 'action') return SYNTAX;
  return simError(ctx) ?? reply(OK, [ctx.identity.imsi]);
};

/** AT+ECICCID: the Eigencomm ICCID command (`+ECICCID: <iccid>`). */
const eciccid: CommandHandler = (command, ctx) => {
  if (command.form === 'test') return reply(OK);
  if (command.form !== 'action') return SYNTAX;
  if (ctx.conditions.sim === 'absent') return reply(cme(10));
  return reply(OK, [`+ECICCID: ${ctx.identity.iccid}`]);
};

const cmee: CommandHandler = (command, ctx) => {
  if (command.form === 'test') return reply(OK, ['+CMEE: (0-2)']);
  if (command.form === 'read') return reply(OK, [`+CMEE: ${ctx.settings.cmee}`]);
  if (command.form !== 'set') return SYNTAX;
  const ps = decode(command, 1, 1);
  if (!ps) return SYNTAX;
  const n = intOf(ps[0]);
  if (n !== 0 && n !== 1 && n !== 2) return BAD_VALUE;
  ctx.settings.cmee = n;
  return reply(OK);
};

const cfun: CommandHandler = (command, ctx) => {
  if (command.form === 'test') return reply(OK, ['+CFUN: (0,1,4),(0,1)']);
  if (command.form === 'read') return reply(OK, [`+CFUN: ${ctx.settings.cfun}`]);
  if (command.form !== 'set') return SYNTAX;
  const ps = decode(command, 1, 2);
  if (!ps) return SYNTAX;
  const fun = intOf(ps[0]);
  const rst = present(ps[1]) ? intOf(ps[1]) : 0;
  if ((fun !== 0 && fun !== 1 && fun !== 4) || (rst !== 0 && rst !== 1)) return BAD_VALUE;
  if (rst === 1) return reply(OK, [], () => ctx.reboot());
  ctx.settings.cfun = fun;
  return reply(OK, [], () => ctx.networkChanged());
};

const cpin: CommandHandler = (command, ctx) => {
  if (command.form === 'test') return reply(OK);
  const sim = ctx.conditions.sim;
  if (command.form === 'read') {
    if (sim === 'absent') return reply(cme(10));
    return reply(OK, [sim === 'pin-required' && !ctx.settings.pinEntered ? '+CPIN: SIM PIN' : '+CPIN: READY']);
  }
  if (command.form !== 'set') return SYNTAX;
  const ps = decode(command, 1, 2);
  if (!ps) return SYNTAX;
  if (sim === 'absent') return reply(cme(10));
  if (sim !== 'pin-required' || ctx.settings.pinEntered) return reply(cme(3));
  if (ps[0]!.text !== ctx.conditions.pin) return reply(cme(16));
  ctx.settings.pinEntered = true;
  return reply(OK, [], () => ctx.networkChanged());
};

const csq: CommandHandler = (command, ctx) => {
  if (command.form === 'test') return reply(OK, ['+CSQ: (0-31,99),(0-7,99)']);
  if (command.form !== 'action') return SYNTAX;
  const s = ctx.conditions.signal;
  const on = ctx.settings.cfun === 1;
  return reply(OK, [on ? `+CSQ: ${s.rssi},${s.ber}` : '+CSQ: 99,99']);
};

const cesq: CommandHandler = (command, ctx) => {
  if (command.form === 'test') return reply(OK, ['+CESQ: (0-63,99),(0-7,99),(0-96,255),(0-49,255),(0-34,255),(0-97,255)']);
  if (command.form !== 'action') return SYNTAX;
  const c = ctx.conditions.signal.cesq;
  const on = ctx.settings.cfun === 1;
  return reply(OK, [on ? `+CESQ: ${c.rxlev},${c.ber},${c.rscp},${c.ecno},${c.rsrq},${c.rsrp}` : '+CESQ: 99,99,255,255,255,255']);
};

const registration =
  (family: 'CEREG' | 'CREG'): CommandHandler =>
  (command, ctx) => {
    const maxN = family === 'CEREG' ? 5 : 2;
    if (command.form === 'test') return reply(OK, [`+${family}: (0-${maxN})`]);
    const key = family === 'CEREG' ? 'ceregN' : 'cregN';
    if (command.form === 'read') {
      const n = ctx.settings[key];
      const stat = ctx.regStat();
      return reply(OK, [`+${family}: ${n},${stat}${n >= 2 ? location(ctx, stat, family === 'CEREG') : ''}`]);
    }
    if (command.form !== 'set') return SYNTAX;
    const ps = decode(command, 1, 1);
    if (!ps) return SYNTAX;
    const n = intOf(ps[0]);
    if (n === null || n < 0 || n > maxN) return BAD_VALUE;
    ctx.settings[key] = n;
    return reply(OK);
  };

const cgatt: CommandHandler = (command, ctx) => {
  if (command.form === 'test') return reply(OK, ['+CGATT: (0,1)']);
  if (command.form === 'read') return reply(OK, [`+CGATT: ${ctx.settings.attach && [1, 5].includes(ctx.regStat()) ? 1 : 0}`]);
  if (command.form !== 'set') return SYNTAX;
  const ps = decode(command, 1, 1);
  if (!ps) return SYNTAX;
  const n = intOf(ps[0]);
  if (n !== 0 && n !== 1) return BAD_VALUE;
  if (n === 1 && ![1, 5].includes(ctx.regStat())) return reply(cme(30));
  ctx.settings.attach = n === 1;
  return reply(OK, [], () => ctx.networkChanged());
};

const cgpaddr: CommandHandler = (command, ctx) => {
  const cid = ctx.defaultCid;
  if (command.form === 'test') return reply(OK, [`+CGPADDR: (${cid})`]);
  const line = ctx.pdpActive() ? `+CGPADDR: ${cid},"${ctx.conditions.pdp.address}"` : `+CGPADDR: ${cid}`;
  if (command.form === 'action') return reply(OK, [line]);
  if (command.form !== 'set') return SYNTAX;
  const ps = decode(command, 1, 1);
  if (!ps) return SYNTAX;
  const want = intOf(ps[0]);
  if (want === null || want < 0 || want > 15) return BAD_VALUE;
  return reply(OK, want === cid ? [line] : []);
};

const cgcontrdp: CommandHandler = (command, ctx) => {
  const cid = ctx.defaultCid;
  if (command.form === 'test') return reply(OK, [`+CGCONTRDP: (${cid})`]);
  if (command.form === 'read') return SYNTAX;
  if (command.form === 'set') {
    const ps = decode(command, 1, 1);
    if (!ps) return SYNTAX;
    if (intOf(ps[0]) !== cid) return reply(OK);
  }
  if (!ctx.pdpActive()) return reply(OK);
  const p = ctx.conditions.pdp;
  const gw = p.address.replace(/\.\d+$/, '.1');
  return reply(OK, [`+CGCONTRDP: ${cid},5,"${p.apn}","${p.address}.255.255.255.0","${gw}","114.114.114.114","8.8.8.8"`]);
};

const cgdcont: CommandHandler = (command, ctx) => {
  if (command.form === 'test') return reply(OK, ['+CGDCONT: (0-10),("IP","IPV6","IPV4V6","Non-IP")']);
  if (command.form === 'read') {
    const lines = [...ctx.settings.contexts.entries()].sort((a, b) => a[0] - b[0]).map(([cid, c]) => `+CGDCONT: ${cid},"${c.type}","${c.apn}"`);
    return reply(OK, lines);
  }
  if (command.form !== 'set') return SYNTAX;
  const ps = decode(command, 1, 3);
  if (!ps) return SYNTAX;
  const cid = intOf(ps[0]);
  if (cid === null || cid < 0 || cid > 10) return BAD_VALUE;
  if (!present(ps[1])) {
    ctx.settings.contexts.delete(cid);
    return reply(OK);
  }
  const type = ps[1].text.toUpperCase();
  if (!['IP', 'IPV6', 'IPV4V6', 'NON-IP'].includes(type)) return BAD_VALUE;
  ctx.settings.contexts.set(cid, { type: ps[1].text, apn: present(ps[2]) ? ps[2].text : '' });
  return reply(OK);
};

/** AT+ECDNS="<host>" (quoted or not): `+ECDNS: "<ip>"` then OK, or `+CME ERROR: 423` (DNS resolve failed). */
const ecdns: CommandHandler = async (command, ctx) => {
  if (command.form === 'test') return reply(OK);
  if (command.form !== 'set') return SYNTAX;
  const ps = decode(command, 1, 1);
  if (!ps) return SYNTAX;
  const host = utf8Of(ps[0]!.text);
  if (!ctx.pdpActive()) return reply(cme(423));
  const addr = await ctx.resolve(host);
  return addr === null ? reply(cme(423)) : reply(OK, [`+ECDNS: "${addr}"`]);
};

/**
 * AT+ECPING="<host>"[,<count>[,<size>[,<timeout ms>]]]: OK at once, then one URC per echo
 * request (`+ECPING: SUCC, dest: <ip>, RTT: <n> ms` or `+ECPING: FAIL, dest: <ip>, time out: <n> ms`)
 * and `+ECPING: DONE`. Defaults 4 requests, 32 bytes, 20000 ms. RTT = conditions.ping.rttMs
 * ± 25 % (seeded). No PDN or conditions.ping 'timeout' → every request fails after <timeout>.
 */
const ecping: CommandHandler = async (command, ctx) => {
  if (command.form === 'test') return reply(OK, ['+ECPING: "<host>",(1-255),(1-1500),(1-600000)']);
  if (command.form !== 'set') return SYNTAX;
  const ps = decode(command, 1, 4);
  if (!ps) return SYNTAX;
  const count = present(ps[1]) ? intOf(ps[1]) : 4;
  const size = present(ps[2]) ? intOf(ps[2]) : 32;
  const timeout = present(ps[3]) ? intOf(ps[3]) : 20_000;
  if (count === null || count < 1 || count > 255 || size === null || size < 1 || size > 1500 || timeout === null || timeout < 1 || timeout > 600_000) {
    return BAD_VALUE;
  }
  const addr = await ctx.resolve(utf8Of(ps[0]!.text));
  if (addr === null) return reply(cme(423));
  const epoch = ctx.epoch;
  const run = (i: number): void => {
    if (ctx.epoch !== epoch) return;
    if (i >= count) {
      ctx.urc('+ECPING: DONE');
      return;
    }
    const ping = ctx.conditions.ping;
    if (!ctx.pdpActive() || ping === 'timeout') {
      ctx.clock.setTimeout(() => {
        if (ctx.epoch !== epoch) return;
        ctx.urc(`+ECPING: FAIL, dest: ${addr}, time out: ${timeout} ms`);
        run(i + 1);
      }, timeout);
      return;
    }
    const jitter = Math.round(ping.rttMs * 0.25 * (2 * ctx.random('ping') - 1));
    const rtt = Math.max(1, ping.rttMs + jitter);
    ctx.clock.setTimeout(() => {
      if (ctx.epoch !== epoch) return;
      if (rtt > timeout) ctx.urc(`+ECPING: FAIL, dest: ${addr}, time out: ${timeout} ms`);
      else ctx.urc(`+ECPING: SUCC, dest: ${addr}, RTT: ${rtt} ms`);
      run(i + 1);
    }, Math.min(rtt, timeout));
  };
  return reply(OK, [], () => run(0));
};

/** AT+ECSTATUS: PHY / RRC / EMM lines from the conditions. */
const ecstatus: CommandHandler = (command, ctx) => {
  if (command.form === 'test') return reply(OK);
  if (command.form !== 'action' && command.form !== 'set') return SYNTAX;
  const c = ctx.conditions.cell;
  const s = ctx.conditions.signal.cesq;
  const stat = ctx.regStat();
  const registered = stat === 1 || stat === 5;
  const on = ctx.settings.cfun === 1;
  const rsrp = on && s.rsrp !== 255 ? s.rsrp - 141 : 0;
  const rsrq = on && s.rsrq !== 255 ? Math.round(s.rsrq / 2 - 20) : 0;
  const lines = [
    `+ECSTATUS: PHY, DlEarfcn:${on ? c.earfcn : 0}, PCI:${on ? c.pci : 0}, RSRP:${rsrp}, RSRQ:${rsrq}, SNR:${on ? c.snr : 0}, Band:${on ? c.band : 0}`,
    `+ECSTATUS: RRC, State:${registered ? (ctx.session.state === 'connected' ? 'CONNECTED' : 'IDLE') : 'NULL'}, TAC:0x${c.tac}, CellId:0x${c.ci}`,
    `+ECSTATUS: EMM, State:${registered ? 'REGISTERED' : on ? 'DEREGISTERED' : 'NULL'}, Mode:${ctx.conditions.rat === 'nbiot' ? 'NB-IoT' : 'CAT1'}`,
  ];
  return reply(OK, [lines.join('\r\n')]);
};

export const GENERAL_COMMANDS: ReadonlyMap<string, CommandHandler> = new Map<string, CommandHandler>([
  ['', at],
  ['E', ate],
  ['I', ati],
  ['Z', reset],
  ['&F', reset],
  ['+CGMI', identityLine((c) => c.identity.manufacturer)],
  ['+CGMM', identityLine((c) => c.identity.model)],
  ['+CGMR', identityLine((c) => c.identity.revision)],
  ['+CGSN', cgsn],
  ['+CIMI', cimi],
  ['+ECICCID', eciccid],
  ['+CMEE', cmee],
  ['+CFUN', cfun],
  ['+CPIN', cpin],
  ['+CSQ', csq],
  ['+CESQ', cesq],
  ['+CEREG', registration('CEREG')],
  ['+CREG', registration('CREG')],
  ['+CGATT', cgatt],
  ['+CGPADDR', cgpaddr],
  ['+CGCONTRDP', cgcontrdp],
  ['+CGDCONT', cgdcont],
  ['+ECDNS', ecdns],
  ['+ECPING', ecping],
  ['+ECSTATUS', ecstatus],
]);
