import type { CommandModule } from 'yargs';
import type { VerbContext } from '../app.js';
import { h } from '../lang.js';
import { addOptions, type OptionSpec } from '../options.js';
import { BUNDLE_OPTION, HTML_OPTION } from '../report-out.js';
import { DIALECT_OPTION } from '../dialect.js';
import { ALL } from '../dialect-names.js';

export const MIRROR_OPTIONS: readonly OptionSpec[] = [
  { name: 'transcript', type: 'string', describe: 're-run a recorded or imported session (transcript or pasted log) against the broker now' },
  { name: 'port', alias: 'p', type: 'string', describe: 'cat1 owns this port: type AT commands (one per line on stdin) and the shadow follows' },
  { name: 'tap-tx', type: 'string', describe: 'passive: serial input that sees the microcontroller → module line of the UART (never written)' },
  { name: 'tap-rx', type: 'string', describe: 'passive: serial input that sees the module → microcontroller line of the UART (never written)' },
  { name: 'baud', alias: 'b', type: 'string', describe: 'baud rate of --port or the taps', default: '115200' },
  { name: 'broker', type: 'string', describe: `the broker to use [default: the host and port of the ${ALL.open} seen]` },
  { name: 'client-id', type: 'string', describe: 'client ID for the shadow where none is seen (a log that starts mid-session)' },
  { name: 'username', type: 'string', describe: 'user name for the shadow (overrides the one seen; needed when a recording masked it)' },
  { name: 'password-file', type: 'string', describe: 'password for the shadow (or CAT1_PASSWORD); needed when a recording masked it' },
  { name: 'identity', type: 'string', describe: 'shadow client ID: derived (<id>-mirror, default) or identical (run sequentially, never at the same time as the module)', default: 'derived', choices: ['derived', 'identical'] },
  { name: 'publish', type: 'string', describe: 'repeat the module\'s publishes on the shadow, or only observe that they reach the broker [default: repeat for --transcript, observe live]', choices: ['repeat', 'observe'] },
  { name: 'window', type: 'number', describe: 'seconds within which a message must reach both sides', default: 5 },
  { name: 'pace', type: 'boolean', describe: '--transcript: replay at the recorded pace instead of as fast as possible', default: false },
  { name: 'follow', type: 'boolean', describe: 'live sources: when a device disappears, wait for it to come back (same path) and carry on', default: false },
  { name: 'duration', type: 'number', describe: 'live sources: stop after this many seconds [default: until Ctrl-C or end of input]' },
  { name: 'profile', type: 'string', describe: 'firmware profile for the lint and the verdict', default: 'ec616s', choices: ['ec616s', 'ec616-legacy', 'manual', 'ec626-tls'] },
  { name: 'log-secrets', type: 'boolean', describe: 'show passwords in clear', default: false },
  { name: 'json', type: 'boolean', describe: 'JSON Lines: step comparisons, divergences and the messages each side received as they happen, then the report', default: false },
  { name: 'config', type: 'string', describe: 'JSON file with option values' },
  DIALECT_OPTION,
];

export function mirrorCommand(ctx: VerbContext): CommandModule<object, Record<string, unknown>> {
  return {
    command: 'mirror',
    describe: h("shadow a module's session — driven by cat1, typed by a person, run by a microcontroller seen through a UART tap, or read from a transcript — with a host-side MQTT client, flagging divergences as they happen"),
    builder: (y) =>
      addOptions(y, [...MIRROR_OPTIONS, HTML_OPTION, BUNDLE_OPTION])
        .example('cat1 mirror --tap-tx /dev/ttyUSB0 --tap-rx /dev/ttyUSB1', h('follow the product\'s own microcontroller through a two-adapter UART tap'))
        .example('cat1 mirror --transcript customer.log --broker mqtt://broker.example.com --username dev1 --password-file pw.txt', h('re-run a customer\'s log against the broker now'))
        .example('cat1 mirror --port /dev/ttyUSB2', h('type AT commands; the shadow follows')),
    handler: async (args) => {
      const { runMirror } = await import('./mirror-run.js');
      ctx.exit(await runMirror(args));
    },
  };
}
