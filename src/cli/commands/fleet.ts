import type { CommandModule } from 'yargs';
import type { VerbContext } from '../app.js';
import { h } from '../lang.js';
import { addOptions, MODEM_OPTIONS, type OptionSpec } from '../options.js';
import { MQTT_OPTIONS, PROBE_OPTIONS } from '../mqtt-options.js';
import { BROKER_KIND_OPTIONS } from './compare.js';
import { REPORT_OPTIONS } from '../report-options.js';
import { MODEL_OPTION } from '../verb-options.js';
import { DIAGNOSE_OPTIONS } from './diagnose.js';
import { BUNDLE_OPTION, HTML_OPTION } from '../report-out.js';

/** Options of `cat1 fleet` besides the modem, MQTT, diagnose and report ones. */
export const FLEET_OPTIONS: readonly OptionSpec[] = [
  { name: 'ports', type: 'string', describe: 'the modules\' ports: a comma-separated list, a glob (/dev/ttyUSB*) or "auto" (every port "cat1 ports" knows as a module\'s AT port)' },
  { name: 'concurrency', type: 'number', describe: 'modules run at once [default: all]' },
  { name: 'junit', type: 'string', describe: 'write a JUnit XML report to this file (one testcase per module and step)' },
];

/** The modem options that make sense per fleet: no single --port, no --follow, no single --record. */
export const FLEET_MODEM_OPTIONS: readonly OptionSpec[] = MODEM_OPTIONS.filter((o) => o.name !== 'port' && o.name !== 'follow' && o.name !== 'record');

/**
 * Every option of the single verbs that fleet runs (diagnose and compare take the same MQTT,
 * probe, reconnect and broker-kind options; the per-verb builders in verb-options.ts turn them
 * into the library's options for one module and for a fleet alike), plus the fleet's own.
 */
export const ALL_FLEET_OPTIONS: readonly OptionSpec[] = [...FLEET_MODEM_OPTIONS, ...MQTT_OPTIONS, MODEL_OPTION, ...DIAGNOSE_OPTIONS, ...PROBE_OPTIONS, ...BROKER_KIND_OPTIONS, ...FLEET_OPTIONS, ...REPORT_OPTIONS];

export interface FleetArgs {
  action?: string;
  commands?: string[];
  [k: string]: unknown;
}

export function fleetCommand(ctx: VerbContext): CommandModule<object, FleetArgs> {
  return {
    command: 'fleet <action> [commands..]',
    describe: h('the same check on many modules at once (diagnose, compare or at), one engine per port; live table, JSON Lines, JUnit; results to a broker cluster with --report-to'),
    builder: (y) =>
      addOptions(
        y
          .positional('action', { type: 'string', choices: ['diagnose', 'compare', 'at'], describe: h('what to run on every module') })
          .positional('commands', { type: 'string', array: true, describe: h('fleet at: the AT commands') }),
        [...ALL_FLEET_OPTIONS, HTML_OPTION, BUNDLE_OPTION],
      )
        .example("cat1 fleet diagnose --ports '/dev/ttyUSB*' --broker mqtt://10.0.0.5 --client-id 'line1-{index}'", h('the checklist on every module of the rack at once'))
        .example("cat1 fleet diagnose --ports auto --broker mqtt://10.0.0.5 --client-id 'eol-{imei}' --junit eol.xml --report-to mqtt://emqx-a:1883,mqtt://emqx-b:1883 --station line1", h('end of line: JUnit for the MES, results to the cluster'))
        .example("cat1 fleet compare --ports /dev/ttyUSB2,/dev/ttyUSB6 --broker mqtt://broker --client-id 'dev-{port}' --json", h('JSON Lines tagged per module, then a summary'))
        .example('cat1 fleet at --ports auto AT+CSQ AT+CEREG?', h('one command on every module'))
        .example("cat1 fleet diagnose --ports '/dev/ttyUSB*' --broker mqtt://10.0.0.5 --client-id 'eol-{index}' --html rack.html --bundle rack.tar.gz", h('one page for the rack (a row per module, a section each), and a bundle with every module\'s transcript and report'))
        .epilogue(
          h('Client-ID templates: {index} (1, 2, …), {port} (the port\'s name), {imei} (AT+CGSN), {serial} (USB serial number); a template that gives two modules the same ID is refused before anything runs.') +
            '\n' +
            h('A module that does not answer, or disappears during the run, fails alone; the others go on.') +
            '\n' +
            h('Ctrl-C: every open module is left as found, the partial results are printed and written (JUnit, --html, --bundle), exit 130.') +
            '\n' +
            h('Exit codes: 0 every module passed, 1 any module failed, 2 usage, 3 no module could be reached, 130 interrupted.'),
        ),
    handler: async (args) => {
      const { runFleet } = await import('./fleet-run.js');
      ctx.exit(await runFleet(args));
    },
  };
}
