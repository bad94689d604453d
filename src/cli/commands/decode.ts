import type { CommandModule } from 'yargs';
import type { VerbContext } from '../app.js';
import { h } from '../lang.js';
import { addOptions } from '../options.js';
import { DIALECT_OPTION } from '../dialect.js';
import { ALL } from '../dialect-names.js';

interface DecodeArgs {
  file: string;
  json?: boolean;
  lang?: string;
  color?: boolean;
  'log-secrets'?: boolean;
  'quiet-ms'?: number;
  html?: string;
  dialect?: string;
}

export function decodeCommand(ctx: VerbContext): CommandModule<object, DecodeArgs> {
  return {
    command: 'decode <file>',
    describe: h('decode a transcript or a log pasted from a serial terminal into a typed timeline'),
    builder: (y) =>
      addOptions(y, [DIALECT_OPTION])
        .positional('file', { type: 'string', demandOption: true, describe: h('a cat1 transcript (.jsonl) or a text log; - reads stdin') })
        .option('json', { type: 'boolean', describe: h('JSON Lines: one object per event, then a summary object') })
        .option('log-secrets', { type: 'boolean', describe: h('show passwords, keys, IMSI/ICCID instead of masking them') })
        .option('html', { type: 'string', requiresArg: true, describe: h('also write the session as one self-contained HTML page with a sequence diagram (cat1 report does the same without the text output)') })
        .option('quiet-ms', { type: 'number', default: 100, requiresArg: true, describe: h(`a gap in module output that ends a raw ${ALL.message} payload (ms)`) })
        .example('cat1 decode session.jsonl', h('the timeline of a recorded session, with meanings'))
        .example('cat1 decode sscom.log --lang zh', h('a log pasted from SSCOM, explained in Chinese'))
        .example('cat1 decode - --json < log.txt', h('JSON Lines for scripts')),
    handler: async (args) => {
      const { runDecode } = await import('./decode-run.js');
      ctx.exit(await runDecode(args));
    },
  };
}

export type { DecodeArgs };
