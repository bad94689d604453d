import stringWidth from 'string-width';
import { basename } from 'node:path';
import { AtEngine } from '../../at/engine.js';
import { defaultGrammar } from '../../grammar.js';
import { listPorts, PORT_GRABBERS, type PortHolder, type PortInfo } from '../../port/list.js';
import { explainOpenErrorText, SerialModemPort } from '../../port/serial.js';
import { isCatError } from '../../util/errors.js';
import { text, type Text } from '../../util/i18n.js';
import { EXIT } from '../exit.js';
import { Out, note, wantColor } from '../io.js';
import { AUTO_BAUDS } from '../modem.js';
import { MODEM_OPTIONS, modemSettings } from '../options.js';
import type { PortsArgs } from './ports.js';

/** Each AT try waits this long; two tries per port and rate. */
const PROBE_MS = 400;

export type ProbeResult =
  | { status: 'answered'; baud: number }
  | { status: 'silent'; bauds: readonly number[] }
  | { status: 'skipped'; reason: Text }
  | { status: 'error'; reason: Text };

/** Why a port could not be opened, in both languages (the English one is explainOpenError's). */
function openFailure(path: string, err: unknown): Text {
  const cause = isCatError(err) && err.cause !== undefined ? err.cause : err;
  const why = explainOpenErrorText(path, cause);
  return isCatError(err, 'ERR_PORT_OPEN') ? text(err.message, err.zh ?? why.zh) : why;
}

async function tryAt(engine: AtEngine): Promise<boolean> {
  const o = await engine.send('AT', { timeoutMs: PROBE_MS });
  return o.status === 'ok' || o.status === 'error';
}

/** Open the port at each rate in turn and send AT (two tries): does anything answer? */
async function probe(path: string, rates: readonly number[], progress: (rate: number) => void): Promise<ProbeResult> {
  for (const rate of rates) {
    progress(rate);
    let port: SerialModemPort;
    try {
      port = await SerialModemPort.open({ path, baudRate: rate });
    } catch (err) {
      return { status: 'error', reason: openFailure(path, err) };
    }
    const engine = new AtEngine(port, { grammar: defaultGrammar(), resyncCommand: null, timeoutMs: PROBE_MS });
    let ok = false;
    let failure: unknown = null;
    try {
      // two tries: the first AT after opening often meets garbage or a sleeping UART
      ok = (await tryAt(engine)) || (await tryAt(engine));
    } catch (err) {
      failure = err;
    } finally {
      engine.dispose();
      await port.close();
    }
    if (failure !== null) {
      const m = failure instanceof Error ? failure.message : String(failure);
      return { status: 'error', reason: text(`${path} failed during the probe: ${m}`, `${path} 在探测中出错：${m}`) };
    }
    if (ok) return { status: 'answered', baud: rate };
  }
  return { status: 'silent', bauds: rates };
}

/** The exact udev rule that makes ModemManager leave this VID:PID alone. */
export function mmIgnoreRule(vid: string, pid: string): string {
  return `ATTRS{idVendor}=="${vid}", ATTRS{idProduct}=="${pid}", ENV{ID_MM_DEVICE_IGNORE}="1"`;
}

/** How to make one holder let go of the port, in both languages (the holder is named by the caller). */
function stopHint(h: PortHolder, port: PortInfo): Text {
  if (h.command === 'ModemManager') {
    if (port.vid && port.pid) {
      const rule = mmIgnoreRule(port.vid, port.pid);
      const file = '/etc/udev/rules.d/99-cat1-mm-ignore.rules';
      return text(
        `stop it for now with "sudo systemctl stop ModemManager", or make it ignore this module (${port.vid}:${port.pid}) for good:\n      echo '${rule}' | sudo tee ${file}\n      sudo udevadm control --reload && sudo udevadm trigger   (then replug the module)`,
        `临时停止用 "sudo systemctl stop ModemManager"，或让它永久忽略这个模组（${port.vid}:${port.pid}）：\n      echo '${rule}' | sudo tee ${file}\n      sudo udevadm control --reload && sudo udevadm trigger   （然后重新插拔模组）`,
      );
    }
    return text('stop it with "sudo systemctl stop ModemManager"', '用 "sudo systemctl stop ModemManager" 停止它');
  }
  if (h.command === 'gpsd') return text('stop it with "sudo systemctl stop gpsd.socket gpsd"', '用 "sudo systemctl stop gpsd.socket gpsd" 停止它');
  return text(`close ${h.command} (pid ${h.pid})`, `关闭 ${h.command}（pid ${h.pid}）`);
}

/** The notes a port deserves, in both languages. */
function portNotes(p: PortInfo, r: ProbeResult | undefined): Array<{ level: 'info' | 'warn' | 'error'; t: Text }> {
  const notes: Array<{ level: 'info' | 'warn' | 'error'; t: Text }> = [];
  if (p.module) {
    const m = p.module;
    notes.push({ level: 'info', t: text(`${m.name} (${m.chip}): ${m.note.en}`, `${m.name}（${m.chip}）：${m.note.zh}`) });
    if (p.interface !== undefined && m.atInterfaces?.includes(p.interface)) notes.push({ level: 'info', t: text(`interface ${p.interface} is documented as an AT port of the ${m.name}`, `接口 ${p.interface} 是 ${m.name} 公开资料中的 AT 口`) });
  }
  if (p.interfaceName) notes.push({ level: 'info', t: text(`interface name: "${p.interfaceName}"`, `接口名称："${p.interfaceName}"`) });
  if (p.ptyOwner) notes.push({ level: 'info', t: text(`pseudo-terminal made by ${p.ptyOwner.command} (pid ${p.ptyOwner.pid})`, `由 ${p.ptyOwner.command}（pid ${p.ptyOwner.pid}）创建的伪终端`) });
  for (const h of p.holders) {
    const stop = stopHint(h, p);
    if (PORT_GRABBERS.includes(h.command)) notes.push({ level: 'warn', t: text(`held by ${h.command} (pid ${h.pid}): ${stop.en}`, `被 ${h.command}（pid ${h.pid}）占用：${stop.zh}`) });
    else notes.push({ level: 'warn', t: text(`another program has it open: ${stop.en}`, `另一个程序打开了它：${stop.zh}`) });
  }
  for (const h of p.suspects) {
    const stop = stopHint(h, p);
    notes.push({ level: 'warn', t: text(`${h.command} (pid ${h.pid}) is running and may open this port (its open files are readable only with sudo). If the port is busy or answers oddly: ${stop.en}`, `${h.command}（pid ${h.pid}）正在运行，可能会打开这个端口（只有 sudo 才能看到它打开的文件）。如果端口被占用或应答异常：${stop.zh}`) });
  }
  if (p.access === 'denied') {
    const g = p.group ?? 'dialout';
    notes.push({ level: 'error', t: text(`you may not open it: add yourself to the "${g}" group (sudo usermod -aG ${g} $USER, then log out and in again), or run with sudo`, `当前用户无权打开：把自己加入 "${g}" 组（sudo usermod -aG ${g} $USER，然后重新登录），或用 sudo 运行`) });
  } else if (p.access === 'missing') {
    if (p.source === 'include') notes.push({ level: 'error', t: text(`${p.path} does not exist`, `${p.path} 不存在`) });
    else notes.push({ level: 'error', t: text(`the kernel lists ${basename(p.realPath)} but ${p.realPath} is missing (in a container: docker run --device ${p.realPath} …)`, `内核中有 ${basename(p.realPath)}，但 ${p.realPath} 不存在（在容器中：docker run --device ${p.realPath} …）`) });
  }
  if (r?.status === 'error') notes.push({ level: 'error', t: r.reason });
  else if (r?.status === 'skipped' && p.access !== 'missing' && p.access !== 'denied') notes.push({ level: 'warn', t: r.reason }); // else said above
  return notes;
}

/** Display width: CJK characters take two columns. */
/** Columns a cell takes on a terminal (CJK counts two, colour codes none). */
const width = (s: string): number => stringWidth(s);

const pad = (s: string, w: number): string => s + ' '.repeat(Math.max(0, w - width(s)));

function byIdName(p: PortInfo): string {
  const l = p.byId.find((x) => x.includes('/by-id/')) ?? p.byId[0];
  return l ? basename(l) : '-';
}

function atCell(r: ProbeResult | undefined): string {
  if (!r) return '-';
  switch (r.status) {
    case 'answered':
      return `yes@${r.baud}`;
    case 'silent':
      return 'no';
    case 'skipped':
      return 'skipped';
    case 'error':
      return 'error';
    default: {
      const never: never = r;
      return String(never);
    }
  }
}

function portJson(p: PortInfo, r: ProbeResult | undefined, out: Out): Record<string, unknown> {
  const o: Record<string, unknown> = {
    type: 'port',
    path: p.path,
    realPath: p.realPath,
    byId: p.byId,
    vid: p.vid ?? null,
    pid: p.pid ?? null,
    manufacturer: p.manufacturer ?? null,
    product: p.product ?? null,
    serialNumber: p.serialNumber ?? null,
    driver: p.driver ?? null,
    interface: p.interface ?? null,
    interfaceName: p.interfaceName ?? null,
    source: p.source,
    holders: p.holders,
    suspects: p.suspects,
    ptyOwner: p.ptyOwner ?? null,
    access: p.access,
    module: p.module ? { name: p.module.name, chip: p.module.chip, eigencomm: p.module.eigencomm, atInterfaces: p.module.atInterfaces ?? [], note: out.t(p.module.note), source: p.module.source } : null,
  };
  if (p.group) o['group'] = p.group;
  if (r) {
    const at: Record<string, unknown> = { status: r.status };
    if (r.status === 'answered') at['baud'] = r.baud;
    else if (r.status === 'silent') at['bauds'] = r.bauds;
    else at['reason'] = out.t(r.reason);
    o['at'] = at;
  }
  const notes = portNotes(p, undefined).filter((n) => n.level !== 'info');
  if (notes.length > 0) o['hints'] = notes.map((n) => out.t(n.t));
  return o;
}

export async function runPorts(args: PortsArgs): Promise<number> {
  // every shared option layers (a shared --config file with "port" in it stays valid here)
  const s = modemSettings(args, MODEM_OPTIONS);
  const out = new Out({ json: s.json, lang: s.lang, color: wantColor(s.color) });
  const include = (args.include ?? []).map(String).filter((x) => x !== '');
  const ports = await listPorts({ include });

  const results = new Map<string, ProbeResult>();
  if (args.probe) {
    const rates: readonly number[] = s.baud === 'auto' ? AUTO_BAUDS : [s.baud];
    for (const p of ports) {
      let r: ProbeResult;
      if (p.access === 'missing') r = { status: 'skipped', reason: text('not probed: the device node is missing', '未探测：设备节点不存在') };
      else if (p.access === 'denied') r = { status: 'skipped', reason: text('not probed: permission denied', '未探测：权限不足') };
      else if (p.holders.length > 0 && args.force !== true) r = { status: 'skipped', reason: text(`not probed while another program holds it (--force probes it anyway)`, `被其他程序占用，未探测（加 --force 仍然探测）`) };
      else {
        r = await probe(p.path, rates, (rate) => {
          if (!s.json) note(out.t(text(`cat1: probing ${p.path} at ${rate} baud…`, `cat1: 正在以 ${rate} 波特率探测 ${p.path}…`)));
        });
      }
      results.set(p.path, r);
    }
  }

  renderPorts(ports, args.probe === true ? results : null, out, { baud: s.baud });
  await out.flush();
  return EXIT.OK;
}

/**
 * Print the listing: JSON Lines (one object per port) or the human table with its notes.
 * `results` is null when nothing was probed.
 */
export function renderPorts(ports: readonly PortInfo[], results: ReadonlyMap<string, ProbeResult> | null, out: Out, opts: { baud: number | 'auto' }): void {
  if (out.json) {
    for (const p of ports) out.obj(portJson(p, results?.get(p.path), out));
    if (ports.length === 0) note(`cat1: ${out.t(text('no serial ports found', '没有找到串口'))}: ${out.t(noPortsHint())}`);
    return;
  }
  if (ports.length === 0) {
    out.line(out.p.yellow(out.t(text('no serial ports found', '没有找到串口'))));
    out.line(out.t(noPortsHint()));
    return;
  }
  renderTable(ports, results, out, opts.baud);
}

function renderTable(ports: readonly PortInfo[], results: ReadonlyMap<string, ProbeResult> | null, out: Out, baud: number | 'auto'): void {
  const probed = results !== null;
  const head = [
    out.t(text('PORT', '端口')),
    out.t(text('BY-ID', 'BY-ID 名称')),
    'VID:PID',
    out.t(text('MANUFACTURER / PRODUCT', '厂商 / 产品')),
    out.t(text('SERIAL', '序列号')),
    out.t(text('IF', '接口')),
    out.t(text('HELD BY', '占用者')),
    ...(probed ? ['AT'] : []),
  ];
  const rows = ports.map((p) => {
    const r = results?.get(p.path);
    const mp = [p.manufacturer, p.product].filter((x): x is string => !!x).join(' / ');
    return [
      p.path === p.realPath ? p.path : `${p.path} → ${p.realPath}`,
      byIdName(p),
      p.vid && p.pid ? `${p.vid}:${p.pid}` : '-',
      mp || '-',
      p.serialNumber ?? '-',
      p.interface === undefined ? '-' : String(p.interface),
      p.holders.length > 0 ? p.holders.map((h) => `${h.command}(${h.pid})`).join(',') : '-',
      ...(probed ? [atCell(r)] : []),
    ];
  });
  const widths = head.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const last = head.length - 1;
  const fmt = (cells: string[], colour: (i: number, s: string) => string): string =>
    cells
      .map((c, i) => colour(i, i === last ? c : pad(c, widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  out.line(fmt(head, (_i, c) => out.p.bold(c)));
  for (const [k, row] of rows.entries()) {
    const p = ports[k]!;
    const r = results?.get(p.path);
    out.line(
      fmt(row, (i, c) => {
        if (i === 0) return p.access === 'ok' || p.access === 'unknown' ? out.p.cyan(c) : out.p.red(c);
        if (i === 6 && p.holders.length > 0) return out.p.yellow(c);
        if (probed && i === last) {
          if (r?.status === 'answered') return out.p.green(c);
          if (r?.status === 'error') return out.p.red(c);
          if (r?.status === 'skipped') return out.p.yellow(c);
          return out.p.dim(c);
        }
        return c;
      }),
    );
  }

  // notes, each once even when several interfaces of one module share it
  const merged = new Map<string, { level: 'info' | 'warn' | 'error'; paths: string[] }>();
  for (const p of ports) {
    for (const n of portNotes(p, results?.get(p.path))) {
      const msg = out.t(n.t);
      const m = merged.get(msg) ?? { level: n.level, paths: [] };
      m.paths.push(p.path);
      merged.set(msg, m);
    }
  }
  if (merged.size > 0) out.line('');
  for (const [msg, m] of merged) {
    const colour = m.level === 'error' ? out.p.red : m.level === 'warn' ? out.p.yellow : out.p.dim;
    out.line(`${out.p.bold(m.paths.join(', '))}: ${colour(msg)}`);
  }

  out.line('');
  if (probed) {
    const answered = ports.filter((p) => results?.get(p.path)?.status === 'answered');
    if (answered.length > 0) {
      const first = answered[0]!;
      const r = results.get(first.path);
      const baud = r?.status === 'answered' && r.baud !== 115200 ? ` -b ${r.baud}` : '';
      out.line(out.p.green(out.t(text(`AT answers on: ${answered.map((p) => p.path).join(', ')}`, `响应 AT 的端口：${answered.map((p) => p.path).join(', ')}`))));
      out.line(out.t(text(`next: cat1 at -p ${first.path}${baud} AT+CGMI AT+CGMR AT+CEREG?`, `下一步：cat1 at -p ${first.path}${baud} AT+CGMI AT+CGMR AT+CEREG?`)));
    } else {
      const rate = baud === 'auto' ? AUTO_BAUDS.join('/') : String(baud);
      const skipped = ports.some((p) => results?.get(p.path)?.status === 'skipped' && p.holders.length > 0);
      const en = [`no port answered AT at ${rate} baud: a module needs a few seconds after power-up`];
      const zh = [`没有端口在 ${rate} 波特率下响应 AT：模组上电后需要几秒钟`];
      if (baud !== 'auto') {
        en.push('a module on a UART may use another rate (try --baud auto)');
        zh.push('UART 连接的模组可能用别的波特率（试试 --baud auto）');
      }
      if (skipped) {
        en.push('ports held by another program were skipped (--force probes them)');
        zh.push('被其他程序占用的端口已跳过（--force 仍然探测）');
      }
      out.line(out.p.yellow(out.t(text(en.join('; '), zh.join('；')))));
    }
  } else {
    out.line(out.p.dim(out.t(text('USB modules expose several ports (AT, modem/PPP, diag, NMEA): "cat1 ports --probe" finds the ones that answer AT', 'USB 模组会有多个端口（AT、调制解调/PPP、诊断、NMEA）："cat1 ports --probe" 可以找出响应 AT 的端口'))));
  }
}

function noPortsHint(): Text {
  return text(
    'is the USB cable a data cable and the module powered? is the driver loaded (dmesg | tail, lsusb)? in a container, pass the device (docker run --device /dev/ttyUSB0); a pseudo-terminal is listed with --include <path>',
    'USB 线是数据线吗？模组上电了吗？驱动加载了吗（dmesg | tail，lsusb）？在容器中需要传入设备（docker run --device /dev/ttyUSB0）；伪终端用 --include <路径> 列出',
  );
}
