import type { CommandModule } from 'yargs';
import type { VerbContext } from '../app.js';
import { addOptions, MODEM_OPTIONS } from '../options.js';
import { MQTT_OPTIONS, PROBE_OPTIONS } from '../mqtt-options.js';

export function compareCommand(ctx: VerbContext): CommandModule<object, Record<string, unknown>> {
  return {
    command: 'compare',
    describe: "run the module's MQTT session beside a direct connection from this host, step by step, and explain the difference",
    builder: (y) =>
      addOptions(addOptions(addOptions(y, MODEM_OPTIONS), MQTT_OPTIONS), PROBE_OPTIONS)
        .example('CAT1_PASSWORD=… cat1 compare -p /dev/ttyUSB2 --broker mqtt://broker.example.com:1883 --client-id dev1 --username dev1', 'why does the module fail where the laptop works?')
        .example('cat1 compare -p /dev/ttyUSB2 --broker mqtt://10.0.0.5 --client-id dev1 --username u --password-file pw.txt --broker-log /var/log/mosquitto/mosquitto.log --json', 'JSON report, with the broker\'s own log as evidence')
        .example('cat1 compare -p /dev/ttyUSB2 --broker mqtt://10.0.0.5 --client-id dev1 --username u --probe-identity', 'does the broker know the module as dev1? (a takeover probe; the module\'s session is restored)')
        .epilogue('Exit codes: 0 the sides agree, 1 they differ (also: the module is connected under another identity on the broker), 2 usage, 3 the broker is unreachable.'),
    handler: async (args) => {
      const { runCompare } = await import('./compare-run.js');
      ctx.exit(await runCompare(args));
    },
  };
}
