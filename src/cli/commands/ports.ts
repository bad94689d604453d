import type { CommandModule } from 'yargs';
import type { VerbContext } from '../app.js';
import { h } from '../lang.js';
import { addOptions, MODEM_OPTIONS } from '../options.js';

export interface PortsArgs {
  include?: string[];
  probe?: boolean;
  force?: boolean;
  [k: string]: unknown;
}

/** The shared options that mean something here (the rest still layer from --config and CAT1_*). */
export const PORTS_OPTIONS = MODEM_OPTIONS.filter((o) => o.name === 'baud' || o.name === 'json' || o.name === 'config');

export function portsCommand(ctx: VerbContext): CommandModule<object, PortsArgs> {
  return {
    command: 'ports',
    describe: h('list candidate serial ports (by-id name, USB VID:PID, manufacturer, serial, interface, who holds them); --probe finds the AT port'),
    builder: (y) =>
      addOptions(
        y
          .option('include', { type: 'string', array: true, requiresArg: true, describe: h('also list these paths, USB or not (a socat pseudo-terminal link…); repeatable') })
          .option('probe', { type: 'boolean', describe: h('open each port and send AT (two tries, 400 ms each) to mark which ones answer') })
          .option('force', { type: 'boolean', describe: h('with --probe: also probe ports another process holds open') })
          .implies('force', 'probe'),
        PORTS_OPTIONS,
      )
        .example('cat1 ports', h('candidate ports, who holds them, and known modules'))
        .example('cat1 ports --probe', h('which USB interface answers AT (USB modules expose several ports)'))
        .example('cat1 ports --probe --baud auto', h('a module on a UART at an unknown rate'))
        .example('cat1 ports --include /tmp/ttyV0 --probe', h('also a pseudo-terminal link (an emulator behind socat)'))
        .example('cat1 ports --json | jq -r \'select(.vid == "19d1") | .path\'', h('JSON Lines for scripts: one object per port')),
    handler: async (args) => {
      const { runPorts } = await import('./ports-run.js');
      ctx.exit(await runPorts(args));
    },
  };
}
