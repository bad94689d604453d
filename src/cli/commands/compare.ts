import type { CommandModule } from 'yargs';
import type { VerbContext } from '../app.js';
import { h } from '../lang.js';
import { addOptions, MODEM_OPTIONS } from '../options.js';
import { MQTT_OPTIONS, PROBE_OPTIONS, RECONNECT_OPTION } from '../mqtt-options.js';
import { REPORT_OPTIONS } from '../report-options.js';
import { MODEL_OPTION } from '../verb-options.js';
import type { OptionSpec } from '../options.js';
import { BROKER_KINDS } from '../../mirror/brokers.js';

/** --broker-kind: which broker this is, for the verdict's wording of its personality (default: detected). */
export const BROKER_KIND_OPTIONS: readonly OptionSpec[] = [{ name: 'broker-kind', type: 'string', describe: `the broker's kind, for the verdict's wording of its personality (${BROKER_KINDS.join(', ')}) [default: detected from its answers]`, zh: `服务器的种类，结论按其特性措辞（${BROKER_KINDS.join('、')}）[默认：根据服务器的应答识别]`, choices: BROKER_KINDS }];
import { BUNDLE_OPTION, HTML_OPTION } from '../report-out.js';

export function compareCommand(ctx: VerbContext): CommandModule<object, Record<string, unknown>> {
  return {
    command: 'compare',
    describe: h("run the module's MQTT session beside a direct connection from this host, step by step, and explain the difference"),
    builder: (y) =>
      addOptions(addOptions(addOptions(addOptions(addOptions(addOptions(y, MODEM_OPTIONS), [...MQTT_OPTIONS, MODEL_OPTION, RECONNECT_OPTION]), REPORT_OPTIONS), BROKER_KIND_OPTIONS), PROBE_OPTIONS), [HTML_OPTION, BUNDLE_OPTION])
        .example('CAT1_PASSWORD=… cat1 compare -p /dev/ttyUSB2 --broker mqtt://broker.example.com:1883 --client-id dev1 --username dev1', h('why does the module fail where the laptop works?'))
        .example('cat1 compare -p /dev/ttyUSB2 --broker mqtt://10.0.0.5 --client-id dev1 --username u --password-file pw.txt --broker-log /var/log/mosquitto/mosquitto.log --json', h('JSON report, with the broker\'s own log as evidence'))
        .example('cat1 compare -p /dev/ttyUSB2 --broker mqtt://10.0.0.5 --client-id dev1 --html report.html --bundle bug.tar.gz', h('a page with the sequence diagram, and a redacted bundle to attach to a ticket'))
        .example('cat1 compare -p /dev/ttyUSB2 --broker mqtt://10.0.0.5 --client-id dev1 --username u --probe-identity', h('does the broker know the module as dev1? (a takeover probe; the module\'s session is restored)'))
        .example('cat1 compare -p /dev/ttyUSB2 --broker mqtt://10.0.0.5 --client-id dev1 --username u --password-file pw.txt --reconnect', h('the module is already connected: end that session and check these credentials'))
        .epilogue(
          h('A module found already connected is left connected: its traffic is compared, the open/connect steps are "not run" and the result is never a pass (--reconnect ends that session and runs them).') +
            '\n' +
            h('Exit codes: 0 the sides agree, 1 they differ (also: the module is connected under another identity on the broker) or a step did not run, 2 usage, 3 unreachable: the port did not answer, the broker is unreachable or went away mid-run (broker-lost), or the module stopped answering mid-run (module-silent).'),
        ),
    handler: async (args) => {
      const { runCompare } = await import('./compare-run.js');
      ctx.exit(await runCompare(args));
    },
  };
}
