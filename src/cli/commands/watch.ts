import type { CommandModule } from 'yargs';
import type { VerbContext } from '../app.js';
import { h } from '../lang.js';

export interface WatchArgs {
  url?: string;
  [k: string]: unknown;
}

export function watchCommand(ctx: VerbContext): CommandModule<object, WatchArgs> {
  return {
    command: 'watch <url>',
    describe: h('follow what the stations report (--report-to): every station and module under cat1/#, live, as a table or JSON Lines'),
    builder: (y) =>
      y
        .positional('url', { type: 'string', describe: h('the broker (or one node of the cluster) the stations report to: mqtt://host:1883') })
        .option('json', { type: 'boolean', describe: h('one JSON object per message received (kind, station, module, payload), nothing else') })
        .option('station', { type: 'string', requiresArg: true, describe: h('only this station') })
        .option('module', { type: 'string', requiresArg: true, describe: h('only this module (IMEI or port name)') })
        .option('username', { type: 'string', requiresArg: true, describe: h('user name at the broker') })
        .option('password-file', { type: 'string', requiresArg: true, describe: h('file holding the password (or set CAT1_REPORT_PASSWORD); never a plain flag') })
        .option('duration', { type: 'number', requiresArg: true, describe: h('stop after this many seconds [default: until Ctrl-C]') })
        .option('count', { type: 'number', requiresArg: true, describe: h('stop once this many modules have a verdict') })
        .example('cat1 watch mqtt://emqx-a:1883', h('the whole fleet, live'))
        .example('cat1 watch mqtt://broker --station line1 --json --count 16', h('JSON Lines until the 16 modules of line1 have a verdict'))
        .epilogue(h('Exit codes: 0 stopped (Ctrl-C, --duration, --count reached), 1 --duration ended before --count was reached, 2 usage, 3 the broker could not be reached.')),
    handler: async (args) => {
      const { runWatch } = await import('./watch-run.js');
      ctx.exit(await runWatch(args));
    },
  };
}
