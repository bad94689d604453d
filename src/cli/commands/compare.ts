import type { CommandModule } from 'yargs';
import type { VerbContext } from '../app.js';
import { addOptions, MODEM_OPTIONS } from '../options.js';
import { MQTT_OPTIONS, RECONNECT_OPTION } from '../mqtt-options.js';

export function compareCommand(ctx: VerbContext): CommandModule<object, Record<string, unknown>> {
  return {
    command: 'compare',
    describe: "run the module's MQTT session beside a direct connection from this host, step by step, and explain the difference",
    builder: (y) =>
      addOptions(addOptions(y, MODEM_OPTIONS), [...MQTT_OPTIONS, RECONNECT_OPTION])
        .example('CAT1_PASSWORD=… cat1 compare -p /dev/ttyUSB2 --broker mqtt://broker.example.com:1883 --client-id dev1 --username dev1', 'why does the module fail where the laptop works?')
        .example('cat1 compare -p /dev/ttyUSB2 --broker mqtt://10.0.0.5 --client-id dev1 --username u --password-file pw.txt --broker-log /var/log/mosquitto/mosquitto.log --json', 'JSON report, with the broker\'s own log as evidence')
        .example('cat1 compare -p /dev/ttyUSB2 --broker mqtt://10.0.0.5 --client-id dev1 --username u --password-file pw.txt --reconnect', 'the module is already connected: end that session and check these credentials')
        .epilogue(
          'A module found already connected is left connected: its traffic is compared, the open/connect steps are "not run" and the result is never a pass (--reconnect ends that session and runs them).\n' +
            'Exit codes: 0 the sides agree, 1 they differ or a step did not run, 2 usage, 3 unreachable: the port did not answer, the broker is unreachable or went away mid-run (broker-lost), or the module stopped answering mid-run (module-silent).',
        ),
    handler: async (args) => {
      const { runCompare } = await import('./compare-run.js');
      ctx.exit(await runCompare(args));
    },
  };
}
