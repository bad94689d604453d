import yargs, { type Argv } from 'yargs';
import { CatError, oneLine } from '../util/errors.js';
import { errorLine } from './errors-zh.js';
import { EXIT, exitCodeFor } from './exit.js';
import { decodeCommand } from './commands/decode.js';
import { atCommand } from './commands/at.js';
import { compareCommand } from './commands/compare.js';
import { mirrorCommand } from './commands/mirror.js';
import { portsCommand } from './commands/ports.js';
import { termCommand } from './commands/term.js';
import { monitorCommand } from './commands/monitor.js';
import { diagnoseCommand } from './commands/diagnose.js';
import { replayCommand } from './commands/replay.js';
import { emulateCommand } from './commands/emulate.js';
import { demoCommand } from './commands/demo.js';
import { fleetCommand } from './commands/fleet.js';
import { watchCommand } from './commands/watch.js';
import { reportCommand } from './commands/report.js';
import { STDIN_ARG } from './stdin.js';
import { langFromEnv } from '../util/i18n.js';
import { cliLang, h, langFlag, setCliLang } from './lang.js';
import { ZH_YARGS } from './zh.js';
import { envLayer, takeConfigProblem, type OptionSpec } from './options.js';

/** A usage error found by the argument parser. */
class UsageError extends Error {}

const VERBS = ['demo', 'ports', 'at', 'term', 'monitor', 'diagnose', 'compare', 'mirror', 'decode', 'replay', 'emulate', 'fleet', 'watch', 'report'];

/** What each verb's positional argument is, for "needs …" messages. */
const NEEDS: Record<string, { en: string; zh: string }> = {
  decode: { en: 'a file: a cat1 transcript or a text log (- reads stdin)', zh: '一个文件：cat1 记录文件或文本日志（- 表示读标准输入）' },
  at: { en: 'at least one AT command, e.g. cat1 at --port /dev/ttyUSB2 AT+CSQ', zh: '至少一条 AT 命令，例如 cat1 at --port /dev/ttyUSB2 AT+CSQ' },
  replay: { en: 'a transcript file', zh: '一个记录文件' },
  report: { en: 'an input: a transcript, a pasted log or a saved --json report, and -o OUT.html', zh: '一个输入：记录文件、粘贴的日志或保存的 --json 报告，以及 -o 输出.html' },
};

/** Say usage errors in words a bench user reads at a glance, in the CLI's language. */
function explainUsage(msg: string, argv: string[]): string {
  const zh = cliLang() === 'zh';
  const verb = argv.find((a) => !a.startsWith('-'));
  const unknown = /^Unknown arguments?: (.*)$/.exec(msg)?.[1]?.split(', ') ?? [];
  // --frob-nicate is named once, not with its camelCase twin
  const once = unknown.filter((u) => !(/[A-Z]/.test(u) && unknown.includes(u.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`))));
  if (once.length < unknown.length) msg = `Unknown argument${once.length === 1 ? '' : 's'}: ${once.join(', ')}`;
  if (verb !== undefined && !VERBS.includes(verb) && unknown.includes(verb)) {
    return zh ? `没有 "${verb}" 这个命令（可用的命令：${VERBS.join('、')}）` : `unknown command "${verb}" (commands: ${VERBS.join(', ')})`;
  }
  if (/^Not enough non-option arguments/.test(msg) && verb !== undefined && NEEDS[verb]) return zh ? `cat1 ${verb} 需要${NEEDS[verb].zh}` : `cat1 ${verb} needs ${NEEDS[verb].en}`;
  if (/Unknown arguments?: .*\bpassword\b/.test(msg)) {
    return zh
      ? '密码不从命令行读取（机器上的其他用户能看到命令行）：请用 --password-file <文件> 或 CAT1_PASSWORD 环境变量'
      : 'passwords are not taken from the command line (other users can read it): use --password-file <file> or the CAT1_PASSWORD variable';
  }
  return zh ? usageZh(msg) : msg;
}

/** yargs' usage messages (in English, which the rules above read) in Chinese. */
function usageZh(msg: string): string {
  let m: RegExpExecArray | null;
  if ((m = /^Unknown arguments?: (.*)$/.exec(msg))) return `无法识别的选项：${m[1]!.split(', ').join('、')}`;
  if ((m = /^Not enough arguments following: (.*)$/.exec(msg))) return `选项 --${m[1]} 后面缺少值`;
  if ((m = /^Missing argument values?: (.*)$/.exec(msg))) return `选项 ${m[1]!.split(', ').map((x) => `--${x}`).join('、')} 缺少值`;
  if ((m = /^Missing required arguments?: (.*)$/.exec(msg))) return `缺少必填的参数：${m[1]!.split(', ').join('、')}`;
  if ((m = /^Invalid values:\s*Argument: (\S+), Given: (.*), Choices: (.*)$/.exec(msg))) return `选项 --${m[1]} 的值 ${m[2]} 无效，可选的值有 ${m[3]!.split(', ').join('、')}`;
  if ((m = /^Not enough non-option arguments: got (\d+), need at least (\d+)$/.exec(msg))) return `参数不够：给了 ${m[1]} 个，至少需要 ${m[2]} 个`;
  if ((m = /^Too many non-option arguments: got (\d+), maximum of (\d+)$/.exec(msg))) return `参数太多：给了 ${m[1]} 个，最多 ${m[2]} 个`;
  if ((m = /^Arguments (\S+) and (\S+) are mutually exclusive$/.exec(msg))) return `选项 ${m[1]} 和 ${m[2]} 不能同时使用`;
  if ((m = /^(?:Implications failed|Missing dependent arguments):\s*(\S+) -> (\S+)/.exec(msg))) return `选项 --${m[1]} 需要同时给出 --${m[2]}`;
  if ((m = /^Did you mean (.*)\?$/.exec(msg))) return `是要输入 ${m[1]} 吗？`;
  if ((m = /^Invalid JSON config file: (.*)$/.exec(msg))) return `配置文件不是有效的 JSON：${m[1]}`;
  return h(msg);
}

/** Was this option typed on the command line (--name, --name=…, --no-name, or its one-letter alias)? */
function flagTyped(argv: readonly string[], spec: OptionSpec): boolean {
  for (const a of argv) {
    if (a === '--') return false;
    if (a === `--${spec.name}` || a.startsWith(`--${spec.name}=`) || a === `--no-${spec.name}`) return true;
    if (spec.alias && (a === `-${spec.alias}` || a.startsWith(`-${spec.alias}=`))) return true;
  }
  return false;
}

/**
 * What the user typed after a flag (`--timeout abc`, `--timeout=abc`, `-t abc`), or undefined.
 * yargs turns a number option that is no number into NaN; the messages echo the text instead.
 */
function typedValue(argv: readonly string[], key: string): string | undefined {
  const flag = key.length === 1 ? `-${key}` : `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  let found: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a === flag && i + 1 < argv.length) found = argv[i + 1];
    else if (a.startsWith(`${flag}=`)) found = a.slice(flag.length + 1);
  }
  return found;
}

export interface VerbContext {
  /** set the exit code of the run */
  exit(code: number): void;
}

/** Run the CLI with these arguments; resolves with the exit code. Never throws. */
export async function run(argv: string[], version: string): Promise<number> {
  let code: number = EXIT.OK;
  const ctx: VerbContext = {
    exit(c) {
      code = Math.max(code, c);
    },
  };
  // the language is known before the parser is built, so that --help is written in it
  const flag = langFlag(argv);
  setCliLang(langFromEnv(process.env, flag));
  // yargs reads a lone "-" as a flag; keep it as the stdin argument it means
  const y: Argv = yargs(argv.map((a) => (a === '-' ? STDIN_ARG : a)))
    .scriptName('cat1')
    // options are read by their kebab-case names; the camelCase twins are what .env() sets
    // (CAT1_LOG_SECRETS → logSecrets, an alias of log-secrets); an unknown flag is still named once
    .parserConfiguration({ 'camel-case-expansion': true })
    // layering by yargs: flags > CAT1_* variables > --config file (options.ts) > documented defaults
    .env('CAT1')
    .updateStrings(cliLang() === 'zh' ? ZH_YARGS : {})
    .usage(h('cat1 <command> [options]\n\nDrive, decode, emulate and diagnose ECMT (Eigencomm) CAT1/NB-IoT modules.'))
    .version(version)
    .alias('version', 'V')
    .help()
    .alias('help', 'h')
    .option('lang', { type: 'string', choices: ['en', 'zh'], describe: h('language of explanations (default: from LANG)') })
    .option('color', { type: 'boolean', describe: h('colour the output (default: when stdout is a terminal and NO_COLOR is unset); --no-color turns it off') })
    .command(demoCommand(ctx))
    .command(portsCommand(ctx))
    .command(atCommand(ctx))
    .command(termCommand(ctx))
    .command(monitorCommand(ctx))
    .command(diagnoseCommand(ctx))
    .command(compareCommand(ctx))
    .command(mirrorCommand(ctx))
    .command(decodeCommand(ctx))
    .command(replayCommand(ctx))
    .command(emulateCommand(ctx))
    .command(fleetCommand(ctx))
    .command(watchCommand(ctx))
    .command(reportCommand(ctx))
    .middleware((args) => {
      // a number option that was no number: keep what was typed, so that the check says "got abc"
      for (const [k, v] of Object.entries(args)) {
        if (typeof v === 'number' && Number.isNaN(v)) (args as Record<string, unknown>)[k] = typedValue(argv, k) ?? v;
      }
    }, true)
    .middleware((args) => envLayer(args as Record<string, unknown>, (spec) => flagTyped(argv, spec)), true)
    .demandCommand(1, h('name a command, e.g. "cat1 decode session.log" (cat1 --help lists them)'))
    .recommendCommands()
    .strict()
    .wrap(process.stdout.isTTY ? Math.min(120, process.stdout.columns || 100) : null)
    .exitProcess(false)
    .fail((msg, err) => {
      if (err instanceof CatError) throw err;
      // a config file's problem reaches here as its message only: say it as the one line it was
      const config = takeConfigProblem(err?.message ?? msg ?? '');
      if (config) throw config;
      throw new UsageError(msg ?? (err ? err.message : 'invalid arguments'));
    })
    .epilogue(h('Exit codes: 0 ok, 1 a problem was found, 2 usage or input error, 3 device or broker unreachable.\nDocs: README.md'));
  try {
    await y.parseAsync();
  } catch (err) {
    if (err instanceof UsageError) {
      const msg = explainUsage(oneLine(err), argv);
      const more = cliLang() === 'zh' ? '（运行 "cat1 --help" 或 "cat1 <命令> --help" 查看用法）' : '(run "cat1 --help" or "cat1 <command> --help")';
      process.stderr.write(`cat1: ${msg}\n${more}\n`);
      return EXIT.USAGE;
    }
    if (err instanceof CatError) {
      process.stderr.write(`cat1: ${errorLine(err)}\n`);
      return exitCodeFor(err.code);
    }
    if (cliLang() === 'zh') process.stderr.write(`cat1: 内部错误：${oneLine(err)}（请报告此问题；设置 CAT1_DEBUG=1 可看到详情）\n`);
    else process.stderr.write(`cat1: internal error: ${oneLine(err)} (please report it; set CAT1_DEBUG=1 for details)\n`);
    if (process.env['CAT1_DEBUG']) process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    return EXIT.INTERNAL;
  }
  return code;
}
