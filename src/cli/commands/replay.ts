import type { CommandModule } from 'yargs';
import type { VerbContext } from '../app.js';
import { h } from '../lang.js';
import { addOptions, type OptionSpec } from '../options.js';
import { DIALECT_OPTION } from '../dialect.js';

/** Options of `cat1 replay` (flags, CAT1_* variables or --config). */
export const REPLAY_OPTIONS: readonly OptionSpec[] = [
  { name: 'verify', type: 'boolean', describe: 'no pseudo-terminal: resend the recorded commands through the AT engine against the recording and report whether everything matched', default: false },
  { name: 'link', type: 'string', describe: 'create the device as this symlink (to /dev/pts/N) [default: a path in a new temp directory]' },
  { name: 'pace', type: 'boolean', describe: 'deliver the module output at the recorded pace (the "t" gaps) instead of as soon as it is due', default: false },
  { name: 'chunk', type: 'number', describe: 'module output is delivered in pieces of at most this many bytes', default: 8 },
  { name: 'linger', type: 'number', describe: 'seconds the device stays open after the last entry, so the program under test reads the last bytes', default: 0.5 },
  { name: 'log-secrets', type: 'boolean', describe: 'show passwords, keys, IMSI/ICCID in the timeline instead of masking them', default: false },
  { name: 'json', type: 'boolean', describe: 'JSON Lines on stdout, nothing else', default: false },
  { name: 'quiet', alias: 'q', type: 'boolean', describe: 'no timeline (serve) or no per-command lines (--verify): only the result', default: false },
  { name: 'config', type: 'string', describe: 'JSON file with option values (flags and CAT1_* variables override it)' },
  DIALECT_OPTION,
];

export interface ReplayArgs {
  transcript: string;
  [k: string]: unknown;
}

export function replayCommand(ctx: VerbContext): CommandModule<object, ReplayArgs> {
  return {
    command: 'replay <transcript>',
    describe: h('serve a recorded session as a fake module on a pseudo-terminal (the host side must write exactly what was recorded), or --verify it through the engine'),
    builder: (y) =>
      addOptions(y.positional('transcript', { type: 'string', demandOption: true, describe: h('a cat1 transcript (.jsonl), or a text log pasted from a serial terminal') }), REPLAY_OPTIONS)
        .example('cat1 replay bench.jsonl', h('prints "replay ready: /tmp/…/host": point the program under test at that device'))
        .example('cat1 replay bench.jsonl --link /tmp/ttyREPLAY --pace', h('a fixed device path, answers at the recorded pace'))
        .example('cat1 replay --verify hardware-fixtures/ga7-stm32-session.jsonl', h('resend the recorded commands through the AT engine: commands, outcomes, first mismatch'))
        .example('for f in fixtures/*.jsonl; do cat1 replay --verify -q "$f" || exit 1; done', h('check a folder of recordings in CI'))
        .epilogue(h(
          'Serving: every byte the program writes is checked against the recorded host side (byte-exact; masked spans such as "****" accept any bytes of that length); ' +
            'the module side is written back in small pieces. A difference prints "replay mismatch" with the expected and received bytes and exits 1; ' +
            'when the whole recording has been played it prints "replay complete" and exits 0 after --linger. Module output recorded before the first host write is sent at once: a program that opens the device later does not see it. ' +
            'Ctrl-C before the end exits 1 (the recording was not fully consumed). socat must be installed.\n' +
            '--verify: exit 0 when every host write matched and nothing was left unconsumed (error answers recorded as such are fine), 1 otherwise.\n' +
            'Exit codes: 0 matched, 1 mismatch or not fully consumed, 2 bad option, unreadable or malformed transcript, or socat missing, 3 the pseudo-terminal went away.',
        )),
    handler: async (args) => {
      const { runReplay } = await import('./replay-run.js');
      ctx.exit(await runReplay(args));
    },
  };
}
