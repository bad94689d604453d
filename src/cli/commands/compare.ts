import type { CommandModule } from 'yargs';
import type { VerbContext } from '../app.js';
import { h } from '../lang.js';
import { addOptions, MODEM_OPTIONS } from '../options.js';
import { MQTT_OPTIONS } from '../mqtt-options.js';

export function compareCommand(ctx: VerbContext): CommandModule<object, Record<string, unknown>> {
  return {
    command: 'compare',
    describe: h("run the module's MQTT session beside a direct connection from this host, step by step, and explain the difference"),
    builder: (y) =>
      addOptions(addOptions(y, MODEM_OPTIONS), MQTT_OPTIONS)
        .example('CAT1_PASSWORD=… cat1 compare -p /dev/ttyUSB2 --broker mqtt://broker.example.com:1883 --client-id dev1 --username dev1', h('why does the module fail where the laptop works?'))
        .example('cat1 compare -p /dev/ttyUSB2 --broker mqtt://10.0.0.5 --client-id dev1 --username u --password-file pw.txt --broker-log /var/log/mosquitto/mosquitto.log --json', h('JSON report, with the broker\'s own log as evidence')),
    handler: async (args) => {
      const { runCompare } = await import('./compare-run.js');
      ctx.exit(await runCompare(args));
    },
  };
}
