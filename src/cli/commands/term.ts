import type { CommandModule } from 'yargs';
import type { VerbContext } from '../app.js';
import { h } from '../lang.js';
import { addOptions, MASK_OPTIONS, MODEM_OPTIONS } from '../options.js';
import { ALL } from '../dialect-names.js';

/** term is interactive: no --json (its output is for a person). */
export const TERM_OPTIONS = [...MODEM_OPTIONS.filter((o) => o.name !== 'json'), ...MASK_OPTIONS];

export interface TermArgs {
  history?: boolean;
  [k: string]: unknown;
}

export function termCommand(ctx: VerbContext): CommandModule<object, TermArgs> {
  return {
    command: 'term',
    describe: h('interactive AT terminal: type commands, see each answer decoded, URCs highlighted, finals coloured'),
    builder: (y) =>
      addOptions(
        y.option('history', { type: 'boolean', describe: h('keep the command history in ~/.cat1_history (lines holding secrets are kept only for the session); --no-history keeps nothing [default: true]') }),
        TERM_OPTIONS,
      )
        .example('cat1 term --port /dev/ttyUSB2', h(`type AT+CSQ, AT+CEREG?, ${ALL.open}=… and read what each answer means`))
        .example('cat1 term -p /dev/ttyUSB2 --record bench.jsonl --lang zh', h('explanations in Chinese, the session saved as a transcript'))
        .example('printf "AT+CGMI\\nAT+CSQ\\n" | cat1 term -p /dev/ttyUSB2 --no-history', h('commands from a pipe: each sent in turn, exit when the input ends'))
        .epilogue(h(
          'Type an AT command and Enter; up/down arrows recall earlier lines. Commands are queued: one is in flight at a time.\n' +
            `Data mode: a command that makes the module prompt with "> " (${ALL.promptPublish} without a payload) takes the NEXT line you type as its payload: ` +
            'one line, with the escapes \\n \\r \\t \\\\ and \\xHH (so multi-line JSON is typed as {\\n "a": 1\\n}); Ctrl-Z is added. ' +
            'The command is sent once the payload is typed (the engine answers the "> " prompt with it at once); :cancel drops the command.\n' +
            'Special commands: :help, :quit, :raw on|off (show the raw byte chunks too), :lang en|zh, :timeout <seconds>, :note <text> (an annotation in the timeline and the transcript), :cancel.\n' +
            'Ctrl-C or Ctrl-D ends the session (the transcript is flushed). Secrets are masked in the display and the transcript unless --log-secrets.\n' +
            'Exit codes: 0 ended by the user (or the input ended), 2 bad option, 3 the port cannot be opened or went away.',
        )),
    handler: async (args) => {
      const { runTerm } = await import('./term-run.js');
      ctx.exit(await runTerm(args));
    },
  };
}
