import type { CommandModule } from 'yargs';
import type { VerbContext } from '../app.js';
import { h } from '../lang.js';
import { addOptions, MASK_OPTIONS, MODEM_OPTIONS } from '../options.js';
import { BUNDLE_OPTION, HTML_OPTION } from '../report-out.js';
import { ALL, DEF } from '../dialect-names.js';

export const AT_OPTIONS = [...MODEM_OPTIONS, ...MASK_OPTIONS];

export interface AtArgs {
  commands: string[];
  data?: string;
  wait?: number;
  [k: string]: unknown;
}

export function atCommand(ctx: VerbContext): CommandModule<object, AtArgs> {
  return {
    command: 'at <commands..>',
    describe: h('send one or more AT commands and print each typed outcome (answer lines, final result, CME meaning)'),
    builder: (y) =>
      addOptions(
        y
          .positional('commands', { type: 'string', array: true, demandOption: true, describe: h('AT commands, each one argument (quote them in the shell)') })
          .option('data', { type: 'string', requiresArg: true, describe: h(`payload for a command that prompts with "> " (${ALL.promptPublish} without payload); Ctrl-Z is added`) })
          .option('wait', { type: 'number', requiresArg: true, describe: h('seconds to keep listening for URCs after the last command [default: until the URC of an ECMT action arrives, at most 30]') }),
        [...AT_OPTIONS, HTML_OPTION, BUNDLE_OPTION],
      )
        .example('cat1 at --port /dev/ttyUSB2 AT+CSQ AT+CEREG?', h('signal and registration, explained'))
        .example(`cat1 at -p /dev/ttyUSB2 '${DEF.open}=0,"broker.example.com",1883'`, h(`open, and wait for ${DEF.openResult}`))
        .example('cat1 at -p /dev/ttyUSB2 --json AT+CGSN', h('JSON outcome for scripts')),
    handler: async (args) => {
      const { runAt } = await import('./at-run.js');
      ctx.exit(await runAt(args));
    },
  };
}
