import yargs, { type Argv } from 'yargs';
import { CatError, oneLine } from '../util/errors.js';
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
import { reportCommand } from './commands/report.js';
import { STDIN_ARG } from './stdin.js';

/** A usage error found by the argument parser. */
class UsageError extends Error {}

/**
 * yargs names an unknown flag twice (`bogus-flag, bogusFlag`) and reads `--no-x` as the
 * negation of `x`: name each unknown flag once, as it was typed.
 */
function tidyUsage(msg: string): string {
  const m = /^Unknown arguments?: (.*)$/.exec(msg);
  if (!m) return msg;
  const names = m[1]!.split(', ').map((n) => n.trim()).filter((n) => n !== '');
  const kebab = new Set(names.filter((n) => n.includes('-')).map((n) => n.replace(/-([a-z])/g, (_x, c: string) => c.toUpperCase())));
  const kept = names.filter((n) => !kebab.has(n));
  return `Unknown argument${kept.length === 1 ? '' : 's'}: ${kept.join(', ')}`;
}

const VERBS = ['demo', 'ports', 'at', 'term', 'monitor', 'diagnose', 'compare', 'mirror', 'decode', 'replay', 'emulate', 'report'];

/** What each verb's positional argument is, for "needs …" messages. */
const NEEDS: Record<string, string> = {
  decode: 'a file: a cat1 transcript or a text log (- reads stdin)',
  at: 'at least one AT command, e.g. cat1 at --port /dev/ttyUSB2 AT+CSQ',
  replay: 'a transcript file',
  report: 'an input: a transcript, a pasted log or a saved --json report, and -o OUT.html',
};

/** Say usage errors in words a bench user reads at a glance. */
function explainUsage(msg: string, argv: string[]): string {
  const verb = argv.find((a) => !a.startsWith('-'));
  const unknown = /^Unknown arguments?: (.*)$/.exec(msg)?.[1]?.split(', ') ?? [];
  if (verb !== undefined && !VERBS.includes(verb) && unknown.includes(verb)) {
    return `unknown command "${verb}" (commands: ${VERBS.join(', ')})`;
  }
  if (/^Not enough non-option arguments/.test(msg) && verb !== undefined && NEEDS[verb]) return `cat1 ${verb} needs ${NEEDS[verb]}`;
  if (/Unknown arguments?: .*\bpassword\b/.test(msg)) return 'passwords are not taken from the command line (other users can read it): use --password-file <file> or the CAT1_PASSWORD variable';
  return msg;
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
  // yargs reads a lone "-" as a flag; keep it as the stdin argument it means
  const y: Argv = yargs(argv.map((a) => (a === '-' ? STDIN_ARG : a)))
    .scriptName('cat1')
    .usage('cat1 <command> [options]\n\nDrive, decode, emulate and diagnose ECMT (Eigencomm) CAT1/NB-IoT modules.')
    .version(version)
    .alias('version', 'V')
    .help()
    .alias('help', 'h')
    .option('lang', { type: 'string', choices: ['en', 'zh'], describe: 'language of explanations (default: from LANG)' })
    .option('color', { type: 'boolean', describe: 'colour the output (default: when stdout is a terminal and NO_COLOR is unset); --no-color turns it off' })
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
    .command(reportCommand(ctx))
    .demandCommand(1, 'name a command, e.g. "cat1 decode session.log" (cat1 --help lists them)')
    .recommendCommands()
    .strict()
    .wrap(process.stdout.isTTY ? Math.min(120, process.stdout.columns || 100) : null)
    .exitProcess(false)
    .fail((msg, err) => {
      throw err instanceof CatError ? err : new UsageError(msg ?? (err ? err.message : 'invalid arguments'));
    })
    .epilogue('Exit codes: 0 ok, 1 a problem was found, 2 usage or input error, 3 device or broker unreachable.\nDocs: README.md');
  try {
    await y.parseAsync();
  } catch (err) {
    if (err instanceof UsageError) {
      const msg = explainUsage(tidyUsage(oneLine(err)), argv);
      process.stderr.write(`cat1: ${msg}\n(run "cat1 --help" or "cat1 <command> --help")\n`);
      return EXIT.USAGE;
    }
    if (err instanceof CatError) {
      process.stderr.write(`cat1: ${oneLine(err)}\n`);
      return exitCodeFor(err.code);
    }
    process.stderr.write(`cat1: internal error: ${oneLine(err)} (please report it; set CAT1_DEBUG=1 for details)\n`);
    if (process.env['CAT1_DEBUG']) process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    return 70;
  }
  return code;
}
