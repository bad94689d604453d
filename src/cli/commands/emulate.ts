import type { CommandModule } from 'yargs';
import type { VerbContext } from '../app.js';
import { h } from '../lang.js';
import { addOptions, type OptionSpec } from '../options.js';
import { PROFILE_NAMES } from '../../dialects/ecmt/firmware.js';
import { QMT_MODELS } from '../../dialects/qmt/emulator-models.js';
import { DEF } from '../dialect-names.js';

/** Options of `cat1 emulate` (flags, CAT1_* variables or --config, like the module-facing verbs). */
export const EMULATE_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'dialect',
    type: 'string',
    describe: 'AT dialect played: ecmt (Eigencomm AT+ECMT*) or qmt (Quectel AT+QMT*)',
    zh: '仿真的 AT 指令方言：ecmt（移芯 AT+ECMT*）或 qmt（移远 AT+QMT*）',
    default: 'ecmt',
    choices: ['ecmt', 'qmt'],
  },
  {
    name: 'model',
    type: 'string',
    describe: `Quectel model played with --dialect qmt (${QMT_MODELS.join(', ')}) [default: EC800N]`,
    zh: `--dialect qmt 时仿真的移远型号（${QMT_MODELS.join('、')}）[默认：EC800N]`,
    choices: [...QMT_MODELS],
  },
  { name: 'link', type: 'string', describe: 'create the device as this symlink (to /dev/pts/N) [default: a path in a new temp directory]' },
  { name: 'profile', type: 'string', describe: `firmware profile played: limits and quirks (${PROFILE_NAMES.join(', ')})`, zh: `仿真的固件配置：长度限制和固件特性（${PROFILE_NAMES.join('、')}）`, default: 'ec616s', choices: PROFILE_NAMES },
  { name: 'sim', type: 'string', describe: 'SIM condition', default: 'ready', choices: ['ready', 'absent', 'pin-required'] },
  { name: 'registration', type: 'string', describe: 'network registration', default: 'home', choices: ['home', 'roaming', 'searching', 'denied', 'not-registered'] },
  { name: 'pdp', type: 'boolean', describe: `the default bearer (PDN) is active; --no-pdp: no IP address, ${DEF.open} answers +CME ERROR: 3`, default: true },
  { name: 'dns', type: 'string', describe: 'name lookups: real ("system") or every name fails ("fail"; IP literals still work)', default: 'system', choices: ['system', 'fail'] },
  { name: 'rssi', type: 'number', describe: 'the +CSQ rssi (0–31, 99 unknown)', default: 24 },
  { name: 'seed', type: 'number', describe: 'seed of every random draw (faults, ping jitter): the same seed and input give the same bytes', default: 1 },
  {
    name: 'echo',
    type: 'boolean',
    describe: 'echo on at power-up (ATE1) [default: off for ECMT (the EC616S starts with echo off), on for QMT (Quectel)]',
    zh: '上电即开回显（ATE1）[默认：ECMT 关（EC616S 上电时回显是关闭的），QMT 开（移远）]',
  },
  { name: 'record', type: 'string', describe: "record the emulator's own session to this transcript (kind \"emulator\"; secrets masked unless --log-secrets)" },
  { name: 'log-secrets', type: 'boolean', describe: 'show and record passwords, keys, IMSI/ICCID in clear', default: false },
  { name: 'json', type: 'boolean', describe: 'JSON Lines on stdout: a {"type":"ready","path",…} line, then one object per event', default: false },
  { name: 'quiet', alias: 'q', type: 'boolean', describe: 'print only the ready line (no timeline of the session)', default: false },
  { name: 'config', type: 'string', describe: 'JSON file with option values (flags and CAT1_* variables override it)' },
];

export interface EmulateArgs {
  fault?: string[];
  [k: string]: unknown;
}

export function emulateCommand(ctx: VerbContext): CommandModule<object, EmulateArgs> {
  return {
    command: 'emulate',
    describe: h('run the software ECMT module on a pseudo-terminal: a device path any program can open like a real module'),
    builder: (y) =>
      addOptions(
        y.option('fault', {
          type: 'string',
          array: true,
          describe: h(
            `inject a fault (repeatable): delay=<ms> or delay=<min>-<max> (before each answer), drop-urc=<probability> or drop-urc=${DEF.publishResult}[,${DEF.message}…], ` +
            'garble=<probability per byte>, chunk=<max bytes per write>, broker-silence or broker-silence=connack[,suback…] (broker packets ignored: no ack, no URC), ' +
            'drop-incoming=<n> (every n-th received PUBLISH acked but never printed), ' +
            `hang=<n> or hang=${DEF.subscribe} (the firmware hangs after n answered commands, or at that command: no answer, no URC from then on)`,
          ),
        }),
        EMULATE_OPTIONS,
      )
        .example('cat1 emulate', h('start it and print the device path ("emulator ready: /tmp/…/host"); Ctrl-C stops it'))
        .example('cat1 emulate --link /tmp/ttyEMU --profile ec626-tls &  cat1 term --port /tmp/ttyEMU', h('a fixed path, then talk to it'))
        .example('cat1 emulate --dialect qmt --model EC800N', h('a Quectel EC800N speaking AT+QMT* (echo on, six MQTT clients)'))
        .example('cat1 emulate --registration searching --no-pdp', h('a module that is not attached: what does your firmware do?'))
        .example('cat1 emulate --fault delay=100-500 --fault drop-urc=0.1 --fault chunk=3 --seed 7', h('slow answers, lost URCs, output in small pieces (reproducible with the seed)'))
        .example('cat1 emulate --fault broker-silence=suback --record emu.jsonl', h(`SUBACK never comes (no ${DEF.subscribeResult}), the session recorded`))
        .example(`cat1 emulate --fault hang=${DEF.subscribe}`, h(`the firmware stops answering at the first ${DEF.subscribe} (a hung module)`))
        .epilogue(h(
          `The module answers like an EC616S/EC626 with the ECMT firmware and opens real TCP/MQTT connections to the broker you name in ${DEF.open} (README of src/emulator). ` +
            'socat must be installed (it makes the pseudo-terminal pair). SIGINT/SIGTERM (Ctrl-C) stop it cleanly.\n' +
            'Exit codes: 0 stopped by Ctrl-C/SIGTERM, 2 bad option or socat missing (ERR_TOOL_MISSING: an environment problem, not an unreachable device), 3 the pseudo-terminal went away.',
        )),
    handler: async (args) => {
      const { runEmulate } = await import('./emulate-run.js');
      ctx.exit(await runEmulate(args));
    },
  };
}
