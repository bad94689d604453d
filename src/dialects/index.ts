/**
 * The dialect registry: every dialect this build knows, looked up by name, and detection from a
 * module's identity answer (ATI / AT+CGMI / AT+CGMM) or from the lines of a log.
 *
 * Adding a dialect: write `src/dialects/<name>/` (its `Dialect` description and hooks), add its
 * name to `DialectName` in ./types.ts and its description to `DIALECTS` below. Nothing else in
 * the core names it.
 */
import type { CommandSpec, Dialect, DialectChoice, DialectName, DialectSetting, FirmwareProfileSpec, MqttResult, MqttSetting, UnsolicitedSignal } from './types.js';
import type { ModemEvent } from '../urc/types.js';
import { ecmt } from './ecmt/dialect.js';
import { qmt } from './qmt/dialect.js';
import { setDialectExplainer } from '../urc/codes.js';
import { setLineTailCommands } from '../at/command-line.js';
import { CatError } from '../util/errors.js';
import { text, type Text } from '../util/i18n.js';

/** The paste check of a command line (every registered dialect's command names; a copy-paste mistake, and the line corrected). */
export { checkPastedCommand } from './ecmt/paste-lint.js';

export type * from './types.js';
export { TWO_PHASE_OPS } from './types.js';

/**
 * Registered dialects, in detection priority order (the first one is the default when nothing
 * tells them apart: ECMT, the dialect this tool started with).
 */
const DIALECTS: Dialect[] = [ecmt, qmt];

// explain() in urc/ reaches the events of the dialects through the registry
setDialectExplainer((ev) => {
  for (const d of DIALECTS) {
    const t = d.explain(ev);
    if (t) return t;
  }
  return null;
});

// the AT command-line parser in at/ learns which commands take the rest of the line as data
function installLineTails(): void {
  setLineTailCommands(DIALECTS.flatMap((d) => d.commands.filter((c) => c.params.at(-1)?.toEndOfLine === true).map((c) => c.name)));
}
installLineTails();

/** Every registered dialect (read-only view; the first is the default). */
export const dialects: readonly Dialect[] = DIALECTS;

/**
 * Register a dialect (a sibling folder calls this from the composition root, or a test does).
 * Replaces one of the same name. Returns the registry.
 */
export function registerDialect(d: Dialect): readonly Dialect[] {
  const i = DIALECTS.findIndex((x) => x.name === d.name);
  if (i >= 0) DIALECTS[i] = d;
  else DIALECTS.push(d);
  installLineTails();
  return DIALECTS;
}

/** The names `--dialect` accepts (the registered dialects and `auto`). */
export function dialectChoices(): DialectChoice[] {
  return [...DIALECTS.map((d) => d.name), 'auto'];
}

/** Is this a registered dialect's name? */
export function isDialectName(s: string): s is DialectName {
  return DIALECTS.some((d) => d.name === s);
}

/** The dialect of that name. Throws a TypeError for a name that is not registered (a usage error for the CLI to catch). */
export function getDialect(name: DialectName | string): Dialect {
  const d = DIALECTS.find((x) => x.name === name);
  if (!d) throw new TypeError(`unknown dialect "${name}" (known: ${DIALECTS.map((x) => x.name).join(', ')})`);
  return d;
}

/** The default dialect (the first registered one). */
export function defaultDialect(): Dialect {
  return DIALECTS[0]!;
}

/**
 * The MQTT settings a run was asked for (--keepalive, --clean, --mqtt-version, --ca), dialect
 * neutral, as the configuration settings of this dialect (its `settingsFor` hook), in order. A
 * setting the dialect cannot apply, or any setting for a dialect without the hook, is refused
 * (one line, exit 2) rather than silently left out, so no verdict rests on settings the module
 * never got.
 */
export function settingsForDialect(dialect: Dialect, settings: readonly MqttSetting[]): DialectSetting[] {
  if (dialect.settingsFor) return dialect.settingsFor(settings);
  if (settings.length > 0) {
    throw new CatError(
      'ERR_INVALID_OPTION',
      `--keepalive, --clean, --mqtt-version and --ca become configuration commands of the module's dialect; ${dialect.title} has no such translation: run without them (both sides then use their defaults)`,
      { zh: `--keepalive、--clean、--mqtt-version 和 --ca 会变成模组所用方言的配置命令；${dialect.title} 没有这种转换：请去掉这些选项运行（两边都用默认值）` },
    );
  }
  return [];
}

/** How a dialect was chosen, with the observation it rests on. */
export interface Detection {
  dialect: Dialect;
  /** `option`: --dialect named it; `identity`: an ATI/CGMI answer; `log`: commands/URCs seen; `default`: nothing told them apart */
  by: 'option' | 'identity' | 'log' | 'default';
  /** the observation (the identity text, the first line that decided), null for option/default */
  evidence: string | null;
}

/**
 * The dialect an identity answer names (ATI, AT+CGMI, AT+CGMM, AT+CGMR text, several lines
 * joined are fine): the first dialect whose `detect.identity` patterns match, or null.
 */
export function detectFromIdentity(identity: string): Dialect | null {
  for (const d of DIALECTS) if (d.detect.identity.some((re) => re.test(identity))) return d;
  return null;
}

/**
 * The dialect a log or transcript speaks, from its lines (commands the host wrote and frames the
 * module printed): the first line that contains a dialect-only prefix (`+ECMT…`, `+QMT…`) decides.
 * Null when no line does.
 */
export function detectFromLines(lines: Iterable<string>): { dialect: Dialect; line: string } | null {
  for (const line of lines) {
    const d = dialectOfLine(line);
    if (d) return { dialect: d, line };
  }
  return null;
}

/** The dialect one line (command or frame) belongs to by its prefixes, or null. */
export function dialectOfLine(line: string): Dialect | null {
  if (line.indexOf('+') < 0) return null;
  const upper = line.length > 256 ? line.slice(0, 256).toUpperCase() : line.toUpperCase();
  for (const d of DIALECTS) {
    for (const p of d.detect.prefixes) {
      const at = upper.indexOf(p);
      // the prefix must start a command or a frame: at the start, after `AT`, or after `;`
      if (at === 0 || (at >= 2 && upper.slice(at - 2, at) === 'AT') || (at >= 1 && upper[at - 1] === ';')) return d;
    }
  }
  return null;
}

/**
 * Resolve `--dialect`: a name gives that dialect; `auto` tries the identity answer, then the log
 * lines, then falls back to the default dialect (saying so).
 */
export function detectDialect(choice: DialectChoice | undefined, from: { identity?: string | null; lines?: Iterable<string> } = {}): Detection {
  if (choice !== undefined && choice !== 'auto') return { dialect: getDialect(choice), by: 'option', evidence: null };
  if (from.identity) {
    const d = detectFromIdentity(from.identity);
    if (d) return { dialect: d, by: 'identity', evidence: from.identity.trim() };
  }
  if (from.lines) {
    const r = detectFromLines(from.lines);
    if (r) return { dialect: r.dialect, by: 'log', evidence: r.line };
  }
  return { dialect: defaultDialect(), by: 'default', evidence: null };
}

/** The dialect whose URC this typed event is, by its prefix family (for mixed logs). */
export function dialectOfEvent(ev: ModemEvent): Dialect | null {
  return dialectOfLine(ev.raw);
}

/** A typed event read as the result of a two-phase command by whichever dialect knows it. */
export function resultOf(ev: ModemEvent): MqttResult | null {
  for (const d of DIALECTS) {
    const r = d.resultOf(ev);
    if (r) return r;
  }
  return null;
}

/** A typed event read as an unsolicited signal (message, link loss, end) by whichever dialect knows it. */
export function unsolicitedOf(ev: ModemEvent): UnsolicitedSignal | null {
  for (const d of DIALECTS) {
    const r = d.unsolicitedOf(ev);
    if (r) return r;
  }
  return null;
}

/**
 * Does this module event report a failure? An `ERROR`/`+CME ERROR`/`+CMS ERROR`, a reboot, a
 * dialect's result URC that says the operation did not do what was asked (`MqttResult.ok`: a
 * non-zero result, a refused CONNACK, a SUBACK with 128), or its link loss. The timeline and the
 * HTML report paint by it.
 */
export function reportsFailure(ev: ModemEvent): boolean {
  switch (ev.type) {
    case 'error':
    case 'cme-error':
    case 'cms-error':
    case 'boot':
      return true;
    default: {
      const r = resultOf(ev);
      if (r) return !r.ok;
      return unsolicitedOf(ev)?.kind === 'link-lost';
    }
  }
}

/** A command's spec in whichever registered dialect has it (`+ECMTCONN`, upper case, without `AT`), or null. */
export function commandSpec(name: string): { dialect: Dialect; spec: CommandSpec } | null {
  for (const d of DIALECTS) {
    const spec = d.commands.find((c) => c.name === name);
    if (spec) return { dialect: d, spec };
  }
  return null;
}

/**
 * The ids a two-phase command names, to tell its result URC from another client's or message's:
 * the parameters its `result.correlate` lists, read from the set-command arguments (`args`, the
 * text after `=`). A value that is not a plain number is null (then any value matches).
 */
export function correlationIds(spec: CommandSpec, args: string): { connectId: number | null; msgId: number | null } {
  const parts = args.split(',');
  const num = (s: string | undefined): number | null => (s !== undefined && /^\s*\d+\s*$/.test(s) ? Number(s) : null);
  const at = (field: 'connectId' | 'msgId'): number | null => {
    if (!spec.result?.correlate.includes(field)) return null;
    const i = spec.params.findIndex((p) => p.name === field);
    return i < 0 ? null : num(parts[i]);
  };
  return { connectId: at('connectId'), msgId: at('msgId') };
}

/** Does a result URC answer this command (same operation, same client, same msgID where named)? */
export function answers(spec: CommandSpec, ids: { connectId: number | null; msgId: number | null }, r: MqttResult): boolean {
  if (r.op !== spec.op) return false;
  if (ids.connectId !== null && r.connectId !== ids.connectId) return false;
  if (ids.msgId !== null && r.msgId !== null && r.msgId !== ids.msgId) return false;
  return true;
}

/**
 * Which of a dialect's model/firmware profiles a run uses, and the observation it rests on:
 * `option` (--model named it), `identity` (the module's ATI/AT+CGMM answer matched the profile's
 * identity pattern; `evidence` is that answer line), `default` (neither told: the session's own
 * default is assumed, and reports say it is an assumption).
 */
export interface ProfileChoice {
  /** the profile's name, null with `default` (the dialect's session default) */
  name: string | null;
  by: 'option' | 'identity' | 'default';
  /** the answer line that matched (identity), else null */
  evidence: string | null;
  /** the command that line answered (`AT+CGMM`), when known */
  source?: string;
}

/** One sentence saying which model profile a run used and the observation (or assumption) it rests on. */
export function profileChoiceText(c: ProfileChoice & { name: string }): Text {
  switch (c.by) {
    case 'option':
      return text(`model ${c.name}: named by --model`, `型号 ${c.name}：由 --model 指定`);
    case 'identity':
      return c.source
        ? text(`model ${c.name}: from the module's answer to ${c.source} "${c.evidence ?? ''}"`, `型号 ${c.name}：根据模组对 ${c.source} 的回答“${c.evidence ?? ''}”`)
        : text(`model ${c.name}: from the module's identity answer "${c.evidence ?? ''}"`, `型号 ${c.name}：根据模组的身份回答“${c.evidence ?? ''}”`);
    case 'default':
      return text(`model ${c.name}: assumed (neither --model nor the module's identity answers named a known model)`, `型号 ${c.name}：假设（--model 和模组的身份回答都没有给出已知型号）`);
    default: {
      const never: never = c.by;
      return never;
    }
  }
}

/** The profile a model name (`--model`) names in this dialect, or null: the name itself or a profile's identity pattern (`EC800N-CN` → EC800N). */
export function profileNamed(dialect: Dialect, model: string): FirmwareProfileSpec | null {
  const m = model.trim();
  if (m === '') return null;
  return dialect.profiles.find((p) => p.name.toLowerCase() === m.toLowerCase()) ?? dialect.profiles.find((p) => p.identity?.some((re) => re.test(m))) ?? null;
}

/**
 * The profile for a run on a module of this dialect: `model` (--model) when given — a name the
 * dialect does not know is a one-line usage error (exit 2), no limits are invented for it —
 * else the first profile whose identity pattern matches a line of `identity` (the module's
 * answers), else the session default (an assumption).
 */
export function chooseProfile(dialect: Dialect, from: { model?: string | undefined; identity?: string | null }): ProfileChoice {
  if (from.model !== undefined) {
    const p = profileNamed(dialect, from.model);
    if (!p) {
      const known = dialect.profiles.map((x) => x.name);
      throw new CatError('ERR_INVALID_OPTION', `--model ${from.model}: not a ${dialect.title} model cat1 has a profile for (known: ${known.join(', ')})`, {
        zh: `--model ${from.model}：cat1 没有这个 ${dialect.title} 型号的配置（已知：${known.join('、')}）`,
        context: { option: 'model' },
      });
    }
    return { name: p.name, by: 'option', evidence: null };
  }
  for (const line of (from.identity ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '')) {
    const p = dialect.profiles.find((x) => x.identity?.some((re) => re.test(line)));
    if (p) return { name: p.name, by: 'identity', evidence: line };
  }
  return { name: null, by: 'default', evidence: null };
}

/** Does a dialect with per-model profiles (any but the default) know this model name? (--model is checked before the port is opened, when the dialect is not known yet.) */
export function isKnownModel(model: string): boolean {
  // the default dialect's profiles are firmware builds named by --profile, not models
  return DIALECTS.some((d) => d !== defaultDialect() && profileNamed(d, model) !== null);
}
