import type { CommandModule } from 'yargs';
import type { VerbContext } from '../app.js';
import { addOptions, MODEM_OPTIONS } from '../options.js';
import { MQTT_OPTIONS } from '../mqtt-options.js';
import { BUNDLE_OPTION, HTML_OPTION } from '../report-out.js';

export function compareCommand(ctx: VerbContext): CommandModule<object, Record<string, unknown>> {
  return {
    command: 'compare',
    describe: "run the module's MQTT session beside a direct connection from this host, step by step, and explain the difference",
    builder: (y) =>
      addOptions(addOptions(addOptions(y, MODEM_OPTIONS), MQTT_OPTIONS), [HTML_OPTION, BUNDLE_OPTION])
        .example('CAT1_PASSWORD=… cat1 compare -p /dev/ttyUSB2 --broker mqtt://broker.example.com:1883 --client-id dev1 --username dev1', 'why does the module fail where the laptop works?')
        .example('cat1 compare -p /dev/ttyUSB2 --broker mqtt://10.0.0.5 --client-id dev1 --username u --password-file pw.txt --broker-log /var/log/mosquitto/mosquitto.log --json', 'JSON report, with the broker\'s own log as evidence')
        .example('cat1 compare -p /dev/ttyUSB2 --broker mqtt://10.0.0.5 --client-id dev1 --html report.html --bundle bug.tar.gz', 'a page with the sequence diagram, and a redacted bundle to attach to a ticket'),
    handler: async (args) => {
      const { runCompare } = await import('./compare-run.js');
      ctx.exit(await runCompare(args));
    },
  };
}
