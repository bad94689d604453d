import type { CommandModule } from 'yargs';
import type { VerbContext } from '../app.js';
import { h } from '../lang.js';
import { DIALECT_OPTION } from '../dialect.js';
import { addOptions } from '../options.js';

export interface ReportArgs {
  input: string;
  output?: string;
  transcript?: string;
  'log-secrets'?: boolean;
  'password-file'?: string;
  lang?: string;
  dialect?: string;
  [k: string]: unknown;
}

export function reportCommand(ctx: VerbContext): CommandModule<object, ReportArgs> {
  return {
    command: 'report <input>',
    describe: h('turn a transcript, a log pasted from a serial terminal, or a saved --json report into one self-contained HTML page with a sequence diagram'),
    builder: (y) =>
      addOptions(y, [DIALECT_OPTION])
        .positional('input', { type: 'string', demandOption: true, describe: h('a cat1 transcript (.jsonl), a text log, or what compare/diagnose/mirror --json printed; - reads stdin') })
        .option('output', { alias: 'o', type: 'string', requiresArg: true, demandOption: true, describe: h('the HTML file to write') })
        .option('transcript', { type: 'string', requiresArg: true, describe: h('with a saved --json report: the session it was made from (a --record transcript), for the diagram') })
        .option('log-secrets', { type: 'boolean', describe: h('show passwords, keys, IMSI/ICCID and the IMEI instead of masking them') })
        .option('password-file', { type: 'string', requiresArg: true, describe: h('a password (or CAT1_PASSWORD) to mask wherever it shows') })
        .example('cat1 report session.jsonl -o session.html', h('the sequence diagram of a recorded session'))
        .example('cat1 report sscom.log -o log.html --lang zh', h('a log pasted from SSCOM, as a page in Chinese'))
        .example('cat1 compare … --json --record run.jsonl > run.json && cat1 report run.json --transcript run.jsonl -o run.html', h('a saved comparison with its session')),
    handler: async (args) => {
      const { runReport } = await import('./report-run.js');
      ctx.exit(await runReport(args));
    },
  };
}
