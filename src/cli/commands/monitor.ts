import type { CommandModule } from 'yargs';
import type { VerbContext } from '../app.js';
import { h } from '../lang.js';
import { addOptions, MASK_OPTIONS, MODEM_OPTIONS } from '../options.js';
import { REPORT_OPTIONS } from '../report-options.js';
import { BUNDLE_OPTION, HTML_OPTION } from '../report-out.js';
import { ALL } from '../dialect-names.js';

/** monitor sends nothing: no per-command timeout, no firmware profile. */
export const MONITOR_OPTIONS = [...MODEM_OPTIONS.filter((o) => o.name !== 'timeout' && o.name !== 'profile'), ...MASK_OPTIONS, ...REPORT_OPTIONS];

export interface MonitorArgs {
  hex?: boolean;
  duration?: number;
  [k: string]: unknown;
}

export function monitorCommand(ctx: VerbContext): CommandModule<object, MonitorArgs> {
  return {
    command: 'monitor',
    describe: h('listen without writing: print every line the module emits, decoded and timestamped (URCs highlighted)'),
    builder: (y) =>
      addOptions(
        y
          .option('hex', { type: 'boolean', describe: h('also show the raw bytes of each chunk as the port delivered it, in hex (with --json: a "chunk" object with a "hex" field)') })
          .option('duration', { type: 'number', describe: h('stop after this many seconds [default: until Ctrl-C]') }),
        [...MONITOR_OPTIONS, HTML_OPTION, BUNDLE_OPTION],
      )
        .example('cat1 monitor --port /dev/ttyUSB2', h(`watch URCs (+CEREG, ${ALL.linkLost}, ${ALL.message}…) as they come, explained`))
        .example('cat1 monitor -p /dev/ttyUSB2 --hex --record urc.jsonl', h('raw chunks in hex next to the decoded lines, session saved as a transcript'))
        .example('cat1 monitor -p /dev/ttyUSB2 --json --duration 60 > events.jsonl', h('one minute of events as JSON Lines (each with an ISO "time")'))
        .epilogue(h(
          'Passive: monitor never writes to the port (no AT check, so --baud auto is refused). Each line shows the wall-clock time, the seconds since the start, the direction and what it means. ' +
            'Secrets (IMSI/ICCID, credentials) are masked in the display, the hex and the transcript unless --log-secrets.\n' +
            'Exit codes: 0 stopped by Ctrl-C or --duration, 2 bad option, 3 the port cannot be opened or went away.',
        )),
    handler: async (args) => {
      const { runMonitor } = await import('./monitor-run.js');
      ctx.exit(await runMonitor(args));
    },
  };
}
