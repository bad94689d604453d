import { readFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import type { Argv, Options } from 'yargs';
import { CatError } from '../util/errors.js';
import { langFromEnv, type Lang } from '../util/i18n.js';
import { cliLang, h, t2 } from './lang.js';
import { PROFILE_NAMES, type FirmwareProfileName } from '../dialects/ecmt/firmware.js';
import type { DialectChoice } from '../dialects/types.js';
import { DIALECT_OPTION, dialectChoice } from './dialect.js';

/**
 * Options shared by the verbs that talk to a module, and their layering: built-in defaults,
 * then the --config file (JSON), then CAT1_* environment variables, then flags. yargs does the
 * layering (`.config()` registered here for every verb that takes --config, `.env('CAT1')` in
 * app.ts); this file reads and checks the config file (our messages, the password rule) and the
 * environment values (envLayer: yargs would read CAT1_LOG_SECRETS=1 as false and drop what was
 * typed). Options are declared without yargs defaults: the documented default is applied last,
 * by `layer`.
 */

export interface OptionSpec {
  /** long flag name (kebab-case) */
  name: string;
  type: 'string' | 'number' | 'boolean';
  describe: string;
  /** the Chinese of `describe` where it holds values (otherwise the table in zh.ts has it) */
  zh?: string;
  /** documented default (applied by the layering, not by yargs) */
  default?: string | number | boolean;
  alias?: string;
  choices?: readonly string[];
}

export const MODEM_OPTIONS: readonly OptionSpec[] = [
  { name: 'port', alias: 'p', type: 'string', describe: 'serial device of the module (e.g. /dev/ttyUSB2, /dev/serial/by-id/…, COM5)' },
  { name: 'baud', alias: 'b', type: 'string', describe: 'baud rate, or "auto" to probe 115200, 921600, 460800, 230400, 57600, 9600', default: '115200' },
  { name: 'timeout', type: 'number', describe: 'seconds to wait for each command\'s answer', default: 5 },
  { name: 'record', type: 'string', describe: 'tee the whole session to this transcript file (secrets masked unless --log-secrets)' },
  { name: 'log-secrets', type: 'boolean', describe: 'show and record passwords, keys, IMSI/ICCID in clear', default: false },
  { name: 'profile', type: 'string', describe: `firmware profile for limits and quirks (${PROFILE_NAMES.join(', ')})`, zh: `决定长度限制和固件特性的固件配置（${PROFILE_NAMES.join('、')}）`, default: 'ec616s', choices: PROFILE_NAMES },
  { name: 'json', type: 'boolean', describe: 'JSON Lines on stdout, nothing else', default: false },
  DIALECT_OPTION,
  { name: 'follow', type: 'boolean', describe: 'when the device disappears (unplugged, re-enumerated), wait for it to come back — same path or same USB serial number — and carry on', default: false },
  { name: 'config', type: 'string', describe: 'JSON file with option values (flags and CAT1_* variables override it)' },
];

/**
 * For the verbs that send no MQTT credentials themselves (at, term, monitor): a password to
 * mask wherever its bytes show (a module configured by someone else still echoes it).
 * CAT1_PASSWORD is read as well.
 */
export const MASK_OPTIONS: readonly OptionSpec[] = [
  { name: 'password-file', type: 'string', describe: 'file holding a password (or set CAT1_PASSWORD) to mask wherever it shows: display, hex, JSON, transcript' },
];

/** Every option the running verb declared (its builder ran addOptions): what its config file and CAT1_* variables may set. */
const declared = new Map<string, OptionSpec>();

/** The option a CAT1_* variable names (CAT1_LOG_SECRETS → log-secrets), when the running verb declared it. */
export function declaredOption(name: string): OptionSpec | undefined {
  return declared.get(name);
}

/** The config file's problem, as thrown by readConfig (yargs passes on only its message). */
let configProblem: CatError | null = null;
export function takeConfigProblem(message: string): CatError | null {
  const p = configProblem;
  configProblem = null;
  return p && p.message === message ? p : null;
}

/** A path as the user gave it, when yargs has made it absolute: relative to the working directory when below it. */
function shown(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? abs : rel;
}

/** Add the option specs to a yargs builder (no yargs defaults: see above). */
export function addOptions<T>(y: Argv<T>, specs: readonly OptionSpec[]): Argv<T> {
  for (const s of specs) declared.set(s.name, s);
  let out = y;
  if (specs.some((s) => s.name === 'config')) {
    // yargs reads the file (from --config or CAT1_CONFIG) below the environment and the flags
    out = out.config('config', (abs: string) => {
      try {
        return readConfig(abs, [...declared.values()], shown(abs));
      } catch (err) {
        if (err instanceof CatError) configProblem = err;
        throw err;
      }
    }) as Argv<T>;
  }
  for (const s of specs) {
    const describe = cliLang() === 'zh' ? (s.zh ?? h(s.describe)) : s.describe;
    const o: Options = { type: s.type, describe: s.default !== undefined ? `${describe} ${t2(`[default: ${String(s.default)}]`, `[默认：${zhDefault(s.default)}]`)}` : describe };
    if (s.alias) o.alias = s.alias;
    if (s.choices) o.choices = [...s.choices];
    // "--timeout" with nothing after it is a usage error, not a silent default
    if (s.type !== 'boolean') o.requiresArg = true;
    out = out.option(s.name, o) as Argv<T>;
  }
  return out;
}

/** A default value as shown in Chinese help: booleans as words. */
function zhDefault(v: string | number | boolean): string {
  return v === true ? '开启' : v === false ? '关闭' : String(v);
}

/** "config file x: \"k\"" / "environment variable X" in Chinese. */
function zhWhere(where: string): string {
  return where.replace(/^config file /, '配置文件 ').replace(/^environment variable /, '环境变量 ');
}

const camel = (s: string): string => s.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

/** Read a --config file: a JSON object whose keys are long option names (kebab or camel case). */
export function readConfig(file: string, specs: readonly OptionSpec[], path = file): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CatError('ERR_INPUT', `config file ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { zh: `配置文件 ${path}：无法读取（${(err as NodeJS.ErrnoException).code ?? 'error'}）` });
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new CatError('ERR_INPUT', `config file ${path}: not valid JSON (${err instanceof Error ? err.message : String(err)})`, { zh: `配置文件 ${path}：不是有效的 JSON（${err instanceof Error ? err.message : String(err)}）` });
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new CatError('ERR_INPUT', `config file ${path}: must be a JSON object such as {"port": "/dev/ttyUSB2", "baud": 115200}`, { zh: `配置文件 ${path}：必须是一个 JSON 对象，例如 {"port": "/dev/ttyUSB2", "baud": 115200}` });
  const known = new Map(specs.map((s) => [camel(s.name), s]));
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    const key = camel(k);
    if (key === 'password') throw new CatError('ERR_INPUT', `config file ${path}: "password" is not read from a config file; use "password-file" or the CAT1_PASSWORD variable`, { zh: `配置文件 ${path}：密码不从配置文件读取；请用 "password-file" 或 CAT1_PASSWORD 环境变量` });
    const spec = known.get(key);
    if (!spec || spec.name === 'config') {
      // the list of every option no longer fits on one line: name the nearest, point to --help
      const near = nearest(k, specs.filter((s) => s.name !== 'config').map((s) => s.name));
      throw new CatError('ERR_INPUT', `config file ${path}: unknown option "${k}"${near ? ` (did you mean "${near}"?)` : ''}; a config file takes the options that --help lists for this command`, { zh: `配置文件 ${path}：没有 "${k}" 这个选项${near ? `（是不是 "${near}"？）` : ''}；配置文件可用的选项见该命令的 --help` });
    }
    out[spec.name] = checkType(spec, val, `config file ${path}: "${k}"`);
  }
  return out;
}

function checkType(spec: OptionSpec, val: unknown, where: string): unknown {
  if (spec.type === 'boolean') {
    if (typeof val === 'boolean') return val;
    if (val === 'true' || val === '1') return true;
    if (val === 'false' || val === '0' || val === '') return false;
    throw new CatError('ERR_INPUT', `${where} must be true or false`, { zh: `${zhWhere(where)} 必须是 true 或 false` });
  }
  if (spec.type === 'number') {
    const n = typeof val === 'number' ? val : typeof val === 'string' && val.trim() !== '' ? Number(val) : NaN;
    if (!Number.isFinite(n)) throw new CatError('ERR_INPUT', `${where} must be a number`, { zh: `${zhWhere(where)} 必须是数字` });
    return n;
  }
  if (typeof val === 'number') return String(val);
  if (typeof val !== 'string') throw new CatError('ERR_INPUT', `${where} must be a string`, { zh: `${zhWhere(where)} 必须是字符串` });
  if (spec.choices && !spec.choices.includes(val)) throw new CatError('ERR_INPUT', `${where} must be one of ${spec.choices.join(', ')}`, { zh: `${zhWhere(where)} 必须是 ${spec.choices.join('、')} 之一` });
  return val;
}

/**
 * The effective value of each option: what yargs layered (flags > CAT1_* env > config file),
 * else the documented default. Returns a map keyed by long option name.
 */
export function layer(args: Record<string, unknown>, specs: readonly OptionSpec[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of specs) out[s.name] = args[s.name] !== undefined ? args[s.name] : s.default;
  return out;
}

/**
 * The CAT1_* variables, after yargs' `.env('CAT1')` (called before validation): a variable that
 * names an option of the verb gets its value checked and converted here (the exact text, with a
 * message naming the variable), unless the flag was typed; every other CAT1_* variable
 * (CAT1_PASSWORD, CAT1_REPORT_PASSWORD, CAT1_DEBUG…) is no option and is taken out again, so that
 * strict parsing does not call it unknown. A password still never comes from argv or a config
 * file: the variable is read by readPassword, the flag stays unknown, the config key is refused.
 */
export function envLayer(args: Record<string, unknown>, typed: (spec: OptionSpec) => boolean, env: NodeJS.ProcessEnv = process.env): void {
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('CAT1_') || raw === undefined) continue;
    const kebab = name.slice(5).toLowerCase().replace(/_/g, '-');
    const spec = declared.get(kebab);
    if (spec && typed(spec)) continue;
    const keys = [kebab, camel(kebab)];
    if (!spec || spec.name === 'config' || raw === '') {
      if (!spec || raw === '') for (const k of keys) delete args[k];
      continue;
    }
    const v = checkType(spec, raw, `environment variable ${name}`);
    for (const k of keys) args[k] = v;
    if (spec.alias) args[spec.alias] = v;
  }
}

/** Settings every module-facing verb gets. */
export interface ModemSettings {
  port: string | null;
  baud: number | 'auto';
  timeoutMs: number;
  record: string | null;
  logSecrets: boolean;
  profile: FirmwareProfileName;
  /** --dialect: a registered dialect, or auto (the module's identity, else the first registered one). Default auto. */
  dialect: DialectChoice;
  json: boolean;
  follow: boolean;
  lang: Lang;
  color: boolean | undefined;
  /** values to mask wherever they show: the password from --password-file or CAT1_PASSWORD */
  secrets: string[];
}

export function modemSettings(args: Record<string, unknown>, specs: readonly OptionSpec[] = MODEM_OPTIONS, env: NodeJS.ProcessEnv = process.env): ModemSettings & { all: Record<string, unknown> } {
  const v = layer(args, specs);
  const baudText = String(v['baud'] ?? '115200').trim().toLowerCase();
  let baud: number | 'auto';
  if (baudText === 'auto') baud = 'auto';
  else {
    baud = Number(baudText);
    if (!Number.isInteger(baud) || baud < 300 || baud > 16_000_000) throw new CatError('ERR_INVALID_OPTION', `--baud must be a rate such as 115200, or "auto" (got "${String(v['baud'])}")`, { zh: `--baud 必须是 115200 这样的波特率，或 "auto"（给的是 "${String(v['baud'])}"）` });
  }
  const timeout = Number(v['timeout'] ?? 5);
  if (!Number.isFinite(timeout) || timeout <= 0 || timeout > 3600) throw new CatError('ERR_INVALID_OPTION', `--timeout must be a number of seconds between 0 and 3600 (got ${String(v['timeout'])})`, { zh: `--timeout 必须是 0 到 3600 之间的秒数（给的是 ${String(v['timeout'])}）` });
  const profile = String(v['profile'] ?? 'ec616s');
  if (!PROFILE_NAMES.includes(profile as FirmwareProfileName)) throw new CatError('ERR_INVALID_OPTION', `--profile must be one of ${PROFILE_NAMES.join(', ')} (got "${profile}")`, { zh: `--profile 必须是 ${PROFILE_NAMES.join('、')} 之一（给的是 "${profile}"）` });
  const port = v['port'] === undefined || v['port'] === '' ? null : String(v['port']);
  const password = readPassword(v['password-file'] === undefined ? undefined : String(v['password-file']), env);
  return {
    port,
    baud,
    timeoutMs: timeout * 1000,
    record: v['record'] ? String(v['record']) : null,
    logSecrets: v['log-secrets'] === true,
    profile: profile as FirmwareProfileName,
    dialect: dialectChoice(v['dialect']),
    json: v['json'] === true,
    follow: v['follow'] === true,
    lang: langFromEnv(env, args['lang'] as string | undefined),
    color: args['color'] as boolean | undefined,
    secrets: password ? [password] : [],
    all: v,
  };
}

/**
 * The MQTT password: from --password-file (first line, trailing newline removed) or the
 * CAT1_PASSWORD variable; never from a flag (argv is visible to every user of the machine).
 */
export function readPassword(passwordFile: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (passwordFile) {
    try {
      return readFileSync(passwordFile, 'utf8').replace(/\r?\n$/, '').split(/\r?\n/)[0] ?? '';
    } catch (err) {
      throw new CatError('ERR_INPUT', `password file ${passwordFile}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { zh: `密码文件 ${passwordFile}：无法读取（${(err as NodeJS.ErrnoException).code ?? 'error'}）` });
    }
  }
  const e = env['CAT1_PASSWORD'];
  return e === undefined ? undefined : e;
}

/** The known name closest to `typed` (edit distance ≤ 2, or a prefix), or null. */
function nearest(typed: string, names: string[]): string | null {
  const t = typed.toLowerCase();
  let best: { name: string; d: number } | null = null;
  for (const name of names) {
    const d = name.startsWith(t) || t.startsWith(name) ? 1 : editDistance(t, name);
    if (d <= 2 && (!best || d < best.d)) best = { name, d };
  }
  return best?.name ?? null;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
