import type { CommandModule } from 'yargs';
import type { VerbContext } from '../app.js';
import { h } from '../lang.js';
import { addOptions, MODEM_OPTIONS, type OptionSpec } from '../options.js';
import { MQTT_OPTIONS, PROBE_OPTIONS, RECONNECT_OPTION } from '../mqtt-options.js';
import { REPORT_OPTIONS } from '../report-options.js';
import { MODEL_OPTION } from '../verb-options.js';
import { BUNDLE_OPTION, HTML_OPTION } from '../report-out.js';

/** Options of `cat1 diagnose` besides the modem and MQTT ones. */
export const DIAGNOSE_OPTIONS: readonly OptionSpec[] = [
  { name: 'keep-going', type: 'boolean', describe: 'run every stage even after one fails (not when the port does not answer)', default: false },
  { name: 'ping', type: 'boolean', describe: 'also ping the broker from the module (AT+ECPING)', default: false },
  { name: 'compare', type: 'boolean', describe: 'finish with the comparison against a direct connection from this host; --no-compare skips it', default: true },
  RECONNECT_OPTION,
];

export function diagnoseCommand(ctx: VerbContext): CommandModule<object, Record<string, unknown>> {
  return {
    command: 'diagnose',
    describe: h('the staged checklist: serial link, identity, SIM, signal, registration, PDP, DNS, (ping), MQTT, and the comparison with a direct connection — each with what was seen and what to check next'),
    builder: (y) =>
      addOptions(addOptions(addOptions(addOptions(addOptions(addOptions(y, MODEM_OPTIONS), [...MQTT_OPTIONS, MODEL_OPTION, RECONNECT_OPTION]), DIAGNOSE_OPTIONS), REPORT_OPTIONS), PROBE_OPTIONS), [HTML_OPTION, BUNDLE_OPTION])
        .example('CAT1_PASSWORD=… cat1 diagnose -p /dev/ttyUSB2 --broker mqtt://broker.example.com:1883 --client-id dev1 --username dev1', h('why does this device not get online?'))
        .example('cat1 diagnose -p /dev/ttyUSB2 --broker mqtt://10.0.0.5 --keep-going --ping --timeout 60', h('run every stage; wait up to 60 s for registration; ping the broker'))
        .example('cat1 diagnose -p COM5 --broker mqtt://broker.example.com --no-compare --json', h('JSON Lines: one object per stage, then the diagnosis'))
        .epilogue(
          h('--timeout also bounds the wait for network registration while the module searches.') +
            '\n' +
            h('A module found already connected is left connected: the MQTT stage is "not run" (credentials not checked) and the result is never a pass; --reconnect ends that session first and runs every check.') +
            '\n' +
            h('Exit codes: 0 every stage passed (warnings allowed), 1 a stage failed or a check did not run, 2 usage, 3 the port did not answer AT, the broker went away mid-run (broker-lost) or the module stopped answering (module-silent).'),
        ),
    handler: async (args) => {
      const { runDiagnose } = await import('./diagnose-run.js');
      ctx.exit(await runDiagnose(args));
    },
  };
}
