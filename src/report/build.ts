import { readFileSync } from 'node:fs';
import type { TimelineItem } from '../at/types.js';
import type { TranscriptEntry, TranscriptHeader } from '../recording/types.js';
import { SessionDecoder } from '../transcript/decode.js';
import { createRedactor, maskLogLine, redactFreeText } from '../redact/redact.js';
import { parseTranscript } from '../recording/reader.js';
import { importTextLog, looksLikeAtLog } from '../transcript/import.js';
import { defaultGrammar } from '../grammar.js';
import type { LineGrammar } from '../at/types.js';
import { TWO_PHASE_OPS, checkPastedCommand, dialects } from '../dialects/index.js';
import { CatError } from '../util/errors.js';
import { text, tr, type Lang, type Text } from '../util/i18n.js';
import { itemsToEvents, visible } from './events.js';
import type { DiagramEvent, Lane, PlainCause, PlainSide, PlainStage, PlainStep, PlainVerdict, ReportHeader, ReportModel } from './model.js';

/** A session behind a report: transcript entries, or an already decoded timeline. */
export type SessionSource = { header?: TranscriptHeader | null; entries: readonly TranscriptEntry[] } | { header?: TranscriptHeader | null; items: readonly TimelineItem[] };

export interface RenderOptions {
  /** language of the page. Default 'en'. */
  lang?: Lang;
  /** the session behind a report (what the module said), for the diagram and the timeline */
  session?: SessionSource;
  /** values to mask wherever they show (a password the run knew) */
  secrets?: readonly string[];
  /** show secrets (IMSI/ICCID, credentials, IMEI) in clear. Default false. */
  logSecrets?: boolean;
  /** cat1's version for the header. Default: this package's. */
  version?: string;
  /** when the run happened (ISO 8601). Default: the transcript's `created`, else now. */
  when?: string;
  /** what made the report (compare, diagnose…). Default: from the input. */
  kind?: string;
  /** more header facts */
  header?: { profile?: string; broker?: string; port?: string; source?: string; title?: string };
  /** the highlighted event index to use instead of the computed first divergence (tests) */
  divergenceAt?: number;
  /** how to read the session's bytes (`--dialect`). Default: every registered dialect (`defaultGrammar()`). */
  grammar?: LineGrammar;
}

/** What renderReport accepts. */
export type ReportInput = object | string;

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** A string from a Text, a plain string or anything else. */
function str(x: unknown, L: Lang): string {
  if (typeof x === 'string') return x;
  if (x && typeof x === 'object' && 'en' in x && 'zh' in x) return tr(x as Text, L);
  if (x === null || x === undefined) return '';
  return String(x);
}

function side(x: unknown, L: Lang): PlainSide {
  const o = (x ?? {}) as Record<string, unknown>;
  return {
    ok: o['ok'] === true,
    code: typeof o['code'] === 'number' || typeof o['code'] === 'string' ? o['code'] : null,
    detail: str(o['detail'], L),
    latencyMs: typeof o['latencyMs'] === 'number' ? o['latencyMs'] : null,
    ...(o['skipped'] === true ? { skipped: true } : {}),
    ...(typeof o['status'] === 'string' ? { status: o['status'] } : {}),
  };
}

function plainSteps(steps: unknown, L: Lang): PlainStep[] {
  if (!Array.isArray(steps)) return [];
  return steps.map((s) => {
    const o = s as Record<string, unknown>;
    const stepName = typeof o['step'] === 'string' ? o['step'] : typeof o['kind'] === 'string' ? o['kind'] : '?';
    const other = o['direct'] ?? o['shadow'];
    return { step: stepName, module: side(o['module'], L), direct: side(other, L), same: o['same'] === true, ...(o['note'] !== undefined ? { note: str(o['note'], L) } : {}) };
  });
}

function plainCauses(causes: unknown, L: Lang): PlainCause[] {
  if (!Array.isArray(causes)) return [];
  return causes.map((c) => {
    const o = c as Record<string, unknown>;
    return { id: String(o['id'] ?? '?'), text: str(o['text'], L), confidence: typeof o['confidence'] === 'number' ? o['confidence'] : null, evidence: Array.isArray(o['evidence']) ? o['evidence'].map((e) => str(e, L)) : [] };
  });
}

/** Decode transcript entries into a masked timeline. */
export function decodeSession(entries: readonly TranscriptEntry[], o: { logSecrets?: boolean; secrets?: readonly string[]; grammar?: LineGrammar } = {}): TimelineItem[] {
  const items: TimelineItem[] = [];
  const redactor = createRedactor(undefined, [...(o.secrets ?? [])]);
  // the paste check, as in `cat1 decode`: a command the rules do not read (full-width or odd
  // separators, a misspelt name) is masked on the page too when its corrected form holds a secret
  const d = new SessionDecoder((i) => items.push(i), { grammar: o.grammar ?? defaultGrammar(), redact: o.logSecrets !== true, redactor, checkCommand: checkPastedCommand });
  for (const e of entries) d.push(e);
  d.end();
  return items;
}

/** Read a transcript or a pasted log held in a string. */
export function sessionFromText(textIn: string, name = 'input'): { header: TranscriptHeader | null; entries: TranscriptEntry[] } {
  const first = textIn.trimStart();
  if (first.startsWith('{')) {
    const p = parseTranscript(textIn, name);
    return { header: p.header, entries: p.entries };
  }
  if (!looksLikeAtLog(textIn)) throw new CatError('ERR_INPUT', `${name}: neither a cat1 transcript, a saved --json report, nor a log of AT traffic`);
  return { header: null, entries: importTextLog(textIn).entries };
}

/** The identity the AT traffic showed (answers to +CGMI, +CGMM, +CGMR, +CGSN, the ICCID). */
function identityFromItems(items: readonly TimelineItem[]): ReportHeader['module'] {
  const id: ReportHeader['module'] = {};
  for (const it of items) {
    if (it.role !== 'answer' || !it.command) continue;
    const raw = it.event.raw.trim();
    const c = it.command.toUpperCase();
    const val = raw.replace(/^\+[A-Z]+:\s*/i, '').replace(/^"|"$/g, '');
    if (/^AT\+(CGMI|GMI)$/.test(c)) id.manufacturer ??= val;
    else if (/^AT\+(CGMM|GMM)$/.test(c)) id.model ??= val;
    else if (/^AT\+(CGMR|GMR)$/.test(c)) id.firmware ??= val;
    else if (/^AT\+(CGSN|GSN|ECIMEI)(=1)?$/.test(c) && /\d{15}/.test(val)) id.imei ??= /\d{15}/.exec(val)![0];
    else if (/ICCID|CCID/.test(c)) id.iccid ??= val;
  }
  return id;
}

/** IMEI with its serial number masked: the type allocation code (first 8 digits) stays. */
export function maskImei(imei: string): string {
  return imei.length >= 15 ? `${imei.slice(0, 8)}${'*'.repeat(imei.length - 8)}` : '*'.repeat(imei.length);
}

/** ICCID masked: the issuer prefix (first 6) stays. */
export function maskIccid(iccid: string): string {
  return /\*/.test(iccid) ? iccid : `${iccid.slice(0, 6)}${'*'.repeat(Math.max(0, iccid.length - 6))}`;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const anyOf = (names: readonly string[]): string => [...new Set(names)].map(escapeRe).join('|');

/** Which module command concludes a compare step (for placing the direct lane's packets): any dialect's command of that step. */
const STEP_COMMAND: Record<string, RegExp> = Object.fromEntries(
  TWO_PHASE_OPS.map((op) => [op, new RegExp(`^AT(?:${anyOf(dialects.flatMap((d) => d.commands.filter((c) => c.op === op).map((c) => c.name)))})=`, 'i')]),
);
/** The URC that completes a compare step: any dialect's result URC of that step (its variant spellings included). */
const STEP_URC: Record<string, RegExp> = Object.fromEntries(
  TWO_PHASE_OPS.map((op) => [
    op,
    new RegExp(`(?:${anyOf(dialects.flatMap((d) => d.commands.filter((c) => c.op === op && c.result !== null).flatMap((c) => [c.result!.prefix, ...(c.result!.variants ?? [])])))}):`, 'i'),
  ]),
);
/** A received message's URC, in any dialect. */
const MESSAGE_URC = new RegExp(`(?:${anyOf(dialects.flatMap((d) => d.urcs.filter((u) => u.role === 'message').map((u) => u.prefix)))}):`, 'i');

/** The direct client's packets for one step, as its outcome implies them. */
function directPackets(s: PlainStep, L: Lang): Array<Omit<DiagramEvent, 't'>> {
  const d = s.direct;
  if (d.skipped || d.status === 'not-run') return [];
  const code = d.code === null || d.code === 0 ? '' : ` [${String(d.code)}]`;
  const exp = `${tr(text(`direct client, step ${s.step}: `, `直连客户端，步骤 ${s.step}：`), L)}${d.detail}${d.latencyMs !== null ? ` (${d.latencyMs} ms)` : ''}`;
  const raw = `${s.step}: ${d.ok ? 'ok' : 'failed'}${code}`;
  const p = (from: Lane, to: Lane, label: string, error = false): Omit<DiagramEvent, 't'> => ({ from, to, kind: 'direct', label, raw, explain: exp, approx: true, ...(error ? { error: true } : {}) });
  switch (s.step) {
    case 'open':
      return [p('direct', 'broker', 'TCP connect'), ...(d.ok ? [p('broker', 'direct', 'TCP connected')] : [])];
    case 'connect':
      return [p('direct', 'broker', 'CONNECT'), ...(typeof d.code === 'number' || d.ok ? [p('broker', 'direct', `CONNACK ${typeof d.code === 'number' ? d.code : 0}`, !d.ok)] : [])];
    case 'subscribe':
      return [p('direct', 'broker', 'SUBSCRIBE'), ...(d.ok ? [p('broker', 'direct', 'SUBACK')] : [])];
    case 'unsubscribe':
      return [p('direct', 'broker', 'UNSUBSCRIBE'), ...(d.ok ? [p('broker', 'direct', 'UNSUBACK')] : [])];
    case 'publish':
      return [p('direct', 'broker', 'PUBLISH'), ...(d.ok ? [p('broker', 'direct', 'PUBACK')] : [])];
    case 'deliver-module-to-direct':
      return d.ok ? [p('broker', 'direct', 'PUBLISH')] : [p('broker', 'direct', '✗ nothing', true)];
    case 'disconnect':
      return [p('direct', 'broker', 'DISCONNECT')];
    default:
      return [];
  }
}

/**
 * Merge the direct lane into the module's events: each step's packets right after the
 * module's result of the same step (the direct client's own clock is not recorded, so
 * their place in time is an assumption, marked `approx`). Steps marked `divergence` when
 * they are the first that differs.
 */
function mergeDirect(events: DiagramEvent[], steps: PlainStep[], firstStep: number, L: Lang): DiagramEvent[] {
  const out = [...events];
  let cursor = 0;
  const marks: number[] = [];
  steps.forEach((s, si) => {
    const cmd = STEP_COMMAND[s.step];
    const urc = STEP_URC[s.step];
    let at = -1;
    let moduleIdx: number[] = [];
    if (cmd) {
      const c = out.findIndex((e, i) => i >= cursor && e.kind === 'command' && cmd.test(e.raw));
      if (c >= 0) {
        at = c;
        moduleIdx = [c];
        const u = urc ? out.findIndex((e, i) => i > c && e.kind === 'urc' && urc.test(e.raw)) : -1;
        if (u >= 0) {
          at = u;
          moduleIdx.push(u);
        }
        cursor = c + 1;
      }
    } else if (s.step === 'deliver-direct-to-module') {
      const r = out.findIndex((e, i) => i >= cursor && e.kind === 'urc' && MESSAGE_URC.test(e.raw));
      if (r >= 0) {
        moduleIdx = [r];
        at = r;
      }
    }
    if (at < 0) at = Math.max(cursor, out.length) - 1;
    // after the module's concluding event and the packets it implied
    let ins = at + 1;
    while (ins < out.length && out[ins]!.from === 'broker' && out[ins]!.to === 'module') ins++;
    const t = out[Math.max(0, Math.min(at, out.length - 1))]?.t ?? null;
    const pk = directPackets(s, L).map((p) => ({ ...p, t }));
    out.splice(ins, 0, ...pk);
    if (si === firstStep) {
      for (const m of moduleIdx) marks.push(m);
      for (let k = 0; k < pk.length; k++) marks.push(ins + k);
      if (moduleIdx.length === 0 && pk.length === 0 && out.length > 0) marks.push(Math.min(ins, out.length - 1));
    }
    cursor = Math.max(cursor, ins + pk.length);
  });
  for (const m of marks) if (out[m]) out[m] = { ...out[m]!, divergence: true };
  return out;
}

/** Arrows straight from the steps, when there is no transcript behind a saved report. */
function eventsFromSteps(steps: PlainStep[], L: Lang): DiagramEvent[] {
  const out: DiagramEvent[] = [];
  for (const s of steps) {
    const m = s.module;
    if (!(m.skipped || m.status === 'not-run')) {
      const code = m.code === null || m.code === 0 ? '' : ` [${String(m.code)}]`;
      out.push({ t: null, from: 'module', to: 'broker', kind: 'mqtt', label: s.step, raw: `${s.step}: ${m.ok ? 'ok' : 'failed'}${code}`, explain: `${tr(text('module (from the saved report, no transcript): ', '模组（来自保存的报告，无记录）：'), L)}${m.detail}`, approx: true });
      out.push({ t: null, from: 'broker', to: 'module', kind: 'mqtt', label: `${m.ok ? '✓' : '✗'}${code}`, raw: `${s.step}: ${m.ok ? 'ok' : 'failed'}${code}`, explain: m.detail, approx: true, ...(m.ok ? {} : { error: true }) });
    }
  }
  return out;
}

function firstFailureIndex(events: DiagramEvent[]): number {
  return events.findIndex((e) => e.error === true && (e.kind === 'response' || e.kind === 'urc'));
}

/** Replace every known secret value in every string of the model. */
function scrub<T>(v: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return v;
  const walk = (x: unknown): unknown => {
    if (typeof x === 'string') return maskLogLine(x, secrets);
    if (Array.isArray(x)) return x.map(walk);
    if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, walk(y)]));
    return x;
  };
  return walk(v) as T;
}

function isItems(x: unknown): x is readonly TimelineItem[] {
  return Array.isArray(x) && (x.length === 0 || (typeof x[0] === 'object' && x[0] !== null && 'seq' in x[0] && 'role' in x[0]));
}
function isEntries(x: unknown): x is readonly TranscriptEntry[] {
  return Array.isArray(x) && x.length > 0 && typeof x[0] === 'object' && x[0] !== null && 'dir' in x[0] && !('role' in x[0]);
}

/**
 * A report object with every string in it masked by the redaction rules, the host's and the
 * module's (a saved or hand-edited `--json` report may quote a command with its password or an
 * answer with the IMSI; cat1's own reports hold none, and masking them again changes nothing).
 */
function maskStrings<T>(x: T): T {
  const redactor = createRedactor();
  const mask = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return v.length === 0 ? v : redactFreeText(v, redactor);
    if (depth > 64 || v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map((e) => mask(e, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, e] of Object.entries(v)) out[k] = mask(e, depth + 1);
    return out;
  };
  return mask(x, 0) as T;
}

/** Build the page's model from any input renderReport accepts. */
export function buildModel(input: ReportInput, o: RenderOptions = {}): ReportModel {
  const L: Lang = o.lang ?? 'en';
  const T = (en: string, zh: string): string => tr(text(en, zh), L);
  const secrets = o.logSecrets ? [] : (o.secrets ?? []).filter((s) => s.length >= 3);
  let session: SessionSource | null = o.session ?? null;
  let report: Record<string, unknown> | null = null;
  if (typeof input === 'string') session = sessionFromText(input);
  else if (isItems(input)) session = { items: input };
  else if (isEntries(input)) session = { entries: input };
  else if (!Array.isArray(input) && typeof input === 'object' && input !== null && ('entries' in input || 'items' in input) && !('steps' in input) && !('stages' in input)) session = input as SessionSource;
  else if (!Array.isArray(input) && typeof input === 'object' && input !== null) report = o.logSecrets ? (input as Record<string, unknown>) : maskStrings(input as Record<string, unknown>);
  else throw new CatError('ERR_INPUT', 'renderReport: give a report object, a transcript, a timeline or the text of a log');

  const tHeader = session?.header ?? null;
  const items: TimelineItem[] | null = session ? ('items' in session ? [...session.items] : decodeSession(session.entries, { logSecrets: o.logSecrets === true, secrets, ...(o.grammar ? { grammar: o.grammar } : {}) })) : null;
  const kind = o.kind ?? (report ? (String(report['type'] ?? '') === 'mirror-report' ? 'mirror' : 'stages' in report ? 'diagnose' : 'compare') : 'session');

  // the verdict, the steps, the stages
  let verdict: PlainVerdict | null = null;
  let steps: PlainStep[] = [];
  let stages: PlainStage[] = [];
  const notes: ReportModel['notes'] = [];
  let broker = o.header?.broker;
  let profile = o.header?.profile;
  if (report) {
    const compareLike = (r: Record<string, unknown>): void => {
      steps = plainSteps(r['steps'], L);
      const v = (r['verdict'] ?? {}) as Record<string, unknown>;
      const agree = r['agree'] === true;
      verdict = {
        ok: agree,
        headline: kind === 'mirror' ? (agree ? T('no divergence', '没有分歧') : T('the module and the shadow diverged', '模组与影子客户端出现分歧')) : agree ? T('the two sides agree', '两边一致') : T('the two sides differ', '两边不同'),
        summary: str(v['summary'], L),
        causes: plainCauses(v['causes'], L),
      };
      const b = r['broker'] as { host?: string; port?: number; tls?: boolean } | undefined;
      if (b && typeof b.host === 'string') broker ??= `${b.tls ? 'mqtts' : 'mqtt'}://${b.host}:${String(b.port ?? '')}`;
      if (typeof r['profile'] === 'string') profile ??= r['profile'];
      const lint = Array.isArray(r['lint']) ? (r['lint'] as Array<Record<string, unknown>>) : [];
      if (lint.length > 0) notes.push({ title: T('Lint', '参数检查'), lines: lint.map((f) => `${String(f['severity'] ?? '')}: ${str(f['message'], L)}`) });
      const bl = Array.isArray(r['brokerLog']) ? (r['brokerLog'] as unknown[]).map((l) => maskLogLine(String(l), secrets)) : [];
      if (bl.length > 0) notes.push({ title: T(`Broker log during the run (${bl.length} lines)`, `运行期间的服务器日志（${bl.length} 行）`), lines: bl.slice(-200) });
      const ns = Array.isArray(r['notes']) ? (r['notes'] as unknown[]).map((n) => str(n, L)) : [];
      if (ns.length > 0) notes.push({ title: T('Notes', '备注'), lines: ns });
      const dv = Array.isArray(r['divergences']) ? (r['divergences'] as Array<Record<string, unknown>>) : [];
      if (dv.length > 0) notes.push({ title: T('Divergences', '分歧'), lines: dv.map((d) => `${String(d['kind'] ?? '')}${typeof d['t'] === 'number' ? ` @${d['t'].toFixed(3)} s` : ''}: ${Array.isArray(d['evidence']) ? d['evidence'].map((e) => str(e, L)).join('; ') : ''}`) });
    };
    if (kind === 'diagnose') {
      const st = Array.isArray(report['stages']) ? (report['stages'] as Array<Record<string, unknown>>) : [];
      stages = st.map((s) => ({ index: Number(s['index'] ?? 0), title: str(s['title'], L), status: String(s['status'] ?? '?'), summary: str(s['summary'], L), seen: Array.isArray(s['seen']) ? s['seen'].map((x) => str(x, L)) : [], hint: s['hint'] ? str(s['hint'], L) : null }));
      const cmp = st.find((s) => s['report'] || (s['data'] as Record<string, unknown> | undefined)?.['report']);
      const cmpReport = (cmp?.['report'] ?? (cmp?.['data'] as Record<string, unknown> | undefined)?.['report']) as Record<string, unknown> | undefined;
      if (cmpReport) compareLike(cmpReport);
      const outcome = String(report['outcome'] ?? '?');
      const failed = stages.filter((s) => s.status === 'fail' || s.status === 'warn');
      const causes: PlainCause[] = [...(verdict ? (verdict as PlainVerdict).causes : []), ...failed.map((s) => ({ id: `stage ${s.index} ${s.status}`, text: `${s.title}: ${s.summary}`, confidence: null, evidence: s.seen }))];
      verdict = {
        ok: outcome === 'pass' || outcome === 'warn',
        headline: outcome === 'pass' ? T('PASS', '通过') : outcome === 'warn' ? T('PASS with warnings', '通过（有警告）') : outcome === 'unreachable' ? T('the port did not answer AT', '端口没有回应 AT') : T('FAIL', '失败'),
        summary: report['hint'] ? str(report['hint'], L) : '',
        causes,
      };
    } else compareLike(report);
  }

  // the diagram
  const hasDirect = steps.length > 0;
  let events: DiagramEvent[] = items ? itemsToEvents(items, L) : eventsFromSteps(steps, L);
  const firstStep = steps.findIndex((s) => !s.same);
  if (hasDirect && items) events = mergeDirect(events, steps, firstStep, L);
  else if (hasDirect && firstStep >= 0) {
    // from steps only: each step is two arrows, in order
    let k = 0;
    for (let i = 0; i < firstStep; i++) if (!(steps[i]!.module.skipped || steps[i]!.module.status === 'not-run')) k += 2;
    if (events[k]) events[k] = { ...events[k]!, divergence: true };
    if (events[k + 1]) events[k + 1] = { ...events[k + 1]!, divergence: true };
  }
  let first = events.findIndex((e) => e.divergence === true);
  let divergenceLabel = T('first divergence', '第一处分歧');
  if (first < 0 && !hasDirect) {
    first = firstFailureIndex(events);
    divergenceLabel = T('first failure', '第一处失败');
    if (first >= 0) events[first] = { ...events[first]!, divergence: true };
  }
  if (o.divergenceAt !== undefined && events[o.divergenceAt]) {
    first = o.divergenceAt;
    events[first] = { ...events[first]!, divergence: true };
  }

  // the header
  const idTraffic = items ? identityFromItems(items) : {};
  const mod: ReportHeader['module'] = { ...idTraffic };
  const hm = tHeader?.module;
  if (hm?.manufacturer) mod.manufacturer = hm.manufacturer;
  if (hm?.model) mod.model = hm.model;
  if (hm?.firmware) mod.firmware = hm.firmware;
  if (hm?.profile) profile ??= hm.profile;
  let imeiRaw: string | null = null;
  if (!o.logSecrets) {
    if (mod.imei) {
      imeiRaw = mod.imei;
      mod.imei = maskImei(mod.imei);
    }
    if (mod.iccid) mod.iccid = maskIccid(mod.iccid);
  }
  if (!broker && items) {
    const open = items.find((i) => i.event.type === 'command' && STEP_COMMAND['open']!.test(i.event.raw));
    const m = open ? /=\s*\d+\s*,\s*"([^"]*)"\s*,\s*(\d+)/.exec(open.event.raw) : null;
    if (m) broker = `mqtt://${m[1]}:${m[2]}`;
  }
  if (!verdict && items) {
    const nf = events.filter((e) => e.error && (e.kind === 'response' || e.kind === 'urc')).length;
    verdict = {
      ok: null,
      headline: nf === 0 ? T('no failure seen in the session', '会话中没有发现失败') : T(`${nf} failure(s) in the session`, `会话中有 ${nf} 处失败`),
      summary: first >= 0 ? T(`first failure: ${events[first]!.raw} — ${events[first]!.explain}`, `第一处失败：${events[first]!.raw} — ${events[first]!.explain}`) : '',
      causes: [],
    };
  }
  const titleKind: Record<string, Text> = {
    compare: text('Module vs direct connection', '模组 vs 直连'),
    diagnose: text('Diagnosis', '诊断'),
    mirror: text('Mirror: module vs shadow client', '镜像：模组 vs 影子客户端'),
    decode: text('Decoded session', '解码的会话'),
    monitor: text('Monitored session', '监听的会话'),
    session: text('AT session', 'AT 会话'),
  };
  const header: ReportHeader = {
    title: o.header?.title ?? tr(titleKind[kind] ?? text(kind, kind), L),
    kind,
    module: mod,
    ...(profile ? { profile } : {}),
    dialect: 'ECMT',
    ...(broker ? { broker } : {}),
    version: o.version ?? packageVersion(),
    when: o.when ?? tHeader?.created ?? new Date().toISOString(),
    ...(o.header?.source ?? tHeader?.source ? { source: o.header?.source ?? tHeader?.source } : {}),
    ...(o.header?.port ?? tHeader?.port?.path ? { port: o.header?.port ?? tHeader?.port?.path } : {}),
  };
  if (tHeader?.kind) header.source = `${tHeader.kind}${header.source ? ` — ${header.source}` : ''}`;
  if (items && items.length === 0 && !report) notes.push({ title: T('Empty', '空'), lines: [T('no AT traffic in this session', '该会话中没有 AT 通信')] });
  const model: ReportModel = {
    lang: L,
    header,
    verdict,
    steps,
    stages,
    notes,
    events: events.map((e) => ({ ...e, raw: visible(e.raw) })),
    lanes: hasDirect ? ['host', 'module', 'broker', 'direct'] : ['host', 'module', 'broker'],
    firstDivergence: first,
    firstStepDivergence: firstStep,
    divergenceLabel,
  };
  const masked = scrub(model, secrets);
  // the IMEI is not a secret to the transcript, but the page shows it masked wherever it is
  return imeiRaw ? replaceAll(masked, imeiRaw, maskImei(imeiRaw)) : masked;
}

function replaceAll<T>(v: T, from: string, to: string): T {
  const walk = (x: unknown): unknown => {
    if (typeof x === 'string') return x.split(from).join(to);
    if (Array.isArray(x)) return x.map(walk);
    if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, walk(y)]));
    return x;
  };
  return walk(v) as T;
}
