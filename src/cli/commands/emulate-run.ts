import { rmSync } from 'node:fs';
import type { PacketCmd } from 'mqtt-packet';
import { PROFILE_NAMES, type FirmwareProfileName } from '../../dialects/ecmt/firmware.js';
import { startPtyEmulator, type PtyEmulator } from '../../emulator/pty.js';
import { QMT_MODELS, qmtModel } from '../../dialects/qmt/emulator-models.js';
import { emulatorTranscriptHeader } from '../../emulator/recorder.js';
import { resolveOptions, type EcmtEmulatorOptions, type FaultOptions, type RegistrationCondition, type SimCondition } from '../../emulator/options.js';
import { TranscriptWriter } from '../../recording/writer.js';
import { langFromEnv, text } from '../../util/i18n.js';
import { CatError, oneLine } from '../../util/errors.js';
import { Out, note, wantColor, onStopSignal } from '../io.js';
import { layer } from '../options.js';
import { EXIT } from '../exit.js';
import { checkLinkPath, printingTap, watchDevice } from '../pty-serve.js';
import { EMULATE_OPTIONS, type EmulateArgs } from './emulate.js';
import { DEF } from '../dialect-names.js';

const FAULT_KINDS = 'delay, drop-urc, garble, chunk, broker-silence, drop-incoming, hang';
const SILENCE = ['connack', 'suback', 'unsuback', 'puback', 'pubrec', 'pubrel', 'pubcomp', 'publish', 'pingresp', 'disconnect'];

/** `--fault kind[=value]` flags → the emulator's FaultOptions (syntax in `cat1 emulate --help`). */
export function parseFaults(specs: readonly string[]): FaultOptions {
  const f: {
    delayMs?: number | [number, number];
    dropUrc?: { probability?: number; prefixes?: string[] };
    garble?: number;
    chunk?: number;
    brokerSilence?: boolean | PacketCmd[];
    dropIncoming?: { every: number };
    hang?: { afterCommands: number } | { atCommand: string };
  } = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const kind = (eq < 0 ? spec : spec.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? null : spec.slice(eq + 1).trim();
    const bad = (why: string): never => {
      throw new CatError('ERR_INVALID_OPTION', `--fault ${spec}: ${why}`);
    };
    const need = (): string => value ?? bad(`give a value, e.g. --fault ${kind}=${kind === 'delay' ? '100-500' : kind === 'chunk' ? '3' : kind === 'drop-incoming' ? '2' : kind === 'hang' ? DEF.subscribe : '0.1'}`);
    const prob = (v: string): number => {
      const n = Number(v);
      if (v === '' || !(n >= 0 && n <= 1)) bad('a probability between 0 and 1 is expected, e.g. 0.1');
      return n;
    };
    const int = (v: string, min: number): number => {
      const n = Number(v);
      if (!/^\d+$/.test(v) || n < min) bad(`a whole number >= ${min} is expected`);
      return n;
    };
    switch (kind) {
      case 'delay': {
        const v = need();
        const range = /^(\d+)\s*-\s*(\d+)$/.exec(v);
        if (range) {
          const a = Number(range[1]);
          const b = Number(range[2]);
          if (b < a) bad('the range is <min>-<max> in ms, min first');
          f.delayMs = [a, b];
        } else f.delayMs = int(v, 0);
        break;
      }
      case 'drop-urc': {
        const v = need();
        f.dropUrc ??= {};
        if (v.startsWith('+')) {
          const prefixes = v.split(',').map((p) => p.trim());
          if (!prefixes.every((p) => /^\+[A-Z0-9]+$/i.test(p))) bad(`URC prefixes look like ${DEF.publishResult},${DEF.message}`);
          f.dropUrc.prefixes = [...(f.dropUrc.prefixes ?? []), ...prefixes];
        } else f.dropUrc.probability = prob(v);
        break;
      }
      case 'garble':
        f.garble = prob(need());
        break;
      case 'chunk':
        f.chunk = int(need(), 1);
        break;
      case 'broker-silence': {
        if (value === null || value === '' || value === 'all' || value === 'true') {
          f.brokerSilence = true;
          break;
        }
        const types = value.split(',').map((t) => t.trim().toLowerCase());
        const unknown = types.filter((t) => !SILENCE.includes(t));
        if (unknown.length > 0) bad(`unknown packet type ${unknown.join(', ')} (known: ${SILENCE.join(', ')})`);
        f.brokerSilence = [...(Array.isArray(f.brokerSilence) ? f.brokerSilence : []), ...(types as PacketCmd[])];
        break;
      }
      case 'drop-incoming':
        f.dropIncoming = { every: int(need(), 1) };
        break;
      case 'hang': {
        // hang=<n>: answer n commands, then nothing; hang=AT+ECMTSUB: nothing from that command on
        const v = need();
        if (/^\d+$/.test(v)) f.hang = { afterCommands: int(v, 0) };
        else if (/^AT[+&]?[A-Z0-9]+$/i.test(v)) f.hang = { atCommand: v.toUpperCase() };
        else bad(`give a number of commands answered first (hang=5) or a command name (hang=${DEF.subscribe})`);
        break;
      }
      default:
        bad(`unknown fault "${kind}" (known: ${FAULT_KINDS})`);
    }
  }
  return f;
}

export async function runEmulate(args: EmulateArgs): Promise<number> {
  const v = layer(args, EMULATE_OPTIONS);
  const json = v['json'] === true;
  const quiet = v['quiet'] === true;
  const logSecrets = v['log-secrets'] === true;
  const out = new Out({ json, lang: langFromEnv(process.env, args['lang'] as string | undefined), color: wantColor(args['color'] as boolean | undefined) });
  const profile = String(v['profile']);
  if (!PROFILE_NAMES.includes(profile as FirmwareProfileName)) throw new CatError('ERR_INVALID_OPTION', `--profile must be one of ${PROFILE_NAMES.join(', ')} (got "${profile}")`);
  const seed = Number(v['seed']);
  const rssi = Number(v['rssi']);
  const dialect = v['dialect'] === 'qmt' ? 'qmt' : 'ecmt';
  if (v['model'] !== undefined && dialect !== 'qmt') throw new CatError('ERR_INVALID_OPTION', '--model is a Quectel model: give it with --dialect qmt');
  const model = dialect === 'qmt' ? qmtModel(String(v['model'] ?? 'EC800N')) : null;
  if (dialect === 'qmt' && model === null) throw new CatError('ERR_INVALID_OPTION', `--model must be one of ${QMT_MODELS.join(', ')} (got "${String(v['model'])}")`);
  const options: EcmtEmulatorOptions = {
    ...(model ? { dialect: 'qmt' as const, model } : {}),
    profile: profile as FirmwareProfileName,
    conditions: {
      sim: String(v['sim']) as SimCondition,
      registration: String(v['registration']) as RegistrationCondition,
      pdp: { active: v['pdp'] !== false },
      dns: v['dns'] === 'fail' ? 'fail' : 'system',
      signal: { rssi },
    },
    ...(v['echo'] !== undefined ? { echo: v['echo'] === true } : {}),
    seed,
    faults: parseFaults((args.fault ?? []).map(String)),
    recordRedact: !logSecrets,
  };
  try {
    resolveOptions(options); // every value checked before anything is started or created
  } catch (err) {
    throw new CatError('ERR_INVALID_OPTION', oneLine(err).replace(/^emulator option conditions\.signal\.rssi/, '--rssi').replace(/^emulator option seed/, '--seed'), { cause: err });
  }
  const link = v['link'] ? checkLinkPath(String(v['link'])) : undefined;
  const record = v['record'] ? String(v['record']) : null;
  const writer = record ? TranscriptWriter.create(record, emulatorTranscriptHeader({ profile: profile as FirmwareProfileName, seed, redacted: !logSecrets, ...(model ? { qmtModel: model } : {}) })) : null;
  let pty: PtyEmulator;
  try {
    pty = await startPtyEmulator({ ...options, ...(writer ? { record: writer } : {}), ...(link ? { linkPath: link } : {}) });
  } catch (err) {
    writer?.close();
    if (record) rmSync(record, { force: true });
    throw err;
  }

  const tap = printingTap(out, { quiet: quiet, mask: !logSecrets });
  const em = pty.emulator;
  const port = em.port;
  if (tap) {
    // the host's bytes as the emulator reads them, so a command shows before its answer
    em.on('input', (b) => tap.tx(b));
    em.on('output', (b) => tap.rx(b));
    em.on('fault', (kind, detail) => tap.note(`fault ${kind}: ${detail}`));
    em.on('link', (e) => tap.note(`broker link ${e.type}: ${e.detail}`));
    em.on('note', (t) => tap.note(`emulator: ${t}`));
  }
  em.on('error', (e) => note(`cat1: emulator: ${oneLine(e)}`));

  let finish: (r: { why: 'interrupted' } | { why: 'pty-lost'; error: Error | undefined }) => void = () => undefined;
  const ended = new Promise<{ why: 'interrupted' } | { why: 'pty-lost'; error: Error | undefined }>((r) => (finish = r));
  port.on('close', (error) => finish({ why: 'pty-lost', error }));
  // socat removes its links when it ends: the pty pair is gone even if the port never says so
  const unwatch = watchDevice(pty.modulePath, () => finish({ why: 'pty-lost', error: new Error('socat ended') }));
  const stop = onStopSignal();
  void stop.signal.then(() => finish({ why: 'interrupted' }));

  if (out.json) out.obj({ type: 'ready', path: pty.path, profile: model ?? profile, ...(model ? { dialect: 'qmt', model } : {}), seed, time: new Date().toISOString(), ...(record ? { record } : {}) });
  else {
    out.line(`emulator ready: ${pty.path}`);
    note(
      out.t(
        text(
          `cat1: ${model ? `Quectel ${model} (QMT)` : `profile ${profile}`}, seed ${seed}${record ? `, recording to ${record}` : ''}. Open it like a module, e.g. cat1 term --port ${pty.path}; Ctrl-C stops the emulator.`,
          `cat1: ${model ? `移远 ${model}（QMT）` : `固件配置 ${profile}`}，种子 ${seed}${record ? `，记录到 ${record}` : ''}。像模组一样打开它，例如 cat1 term --port ${pty.path}；Ctrl-C 停止模拟器。`,
        ),
      ),
    );
  }
  await out.flush();

  const end = await ended;
  stop.cancel();
  unwatch();
  await pty.stop(); // closes the emulator (and its recording), the port and socat
  tap?.end();
  if (end.why === 'pty-lost') {
    if (out.json) out.obj({ type: 'end', reason: 'pty-lost', time: new Date().toISOString() });
    await out.flush();
    note(`cat1: the pseudo-terminal went away${end.error ? `: ${oneLine(end.error)}` : ''}`);
    return EXIT.UNREACHABLE;
  }
  if (out.json) out.obj({ type: 'end', reason: 'interrupted', time: new Date().toISOString() });
  await out.flush();
  if (!out.json) note(out.t(text('cat1: emulator stopped', 'cat1: 模拟器已停止')) + (record ? out.t(text(`; transcript saved to ${record}`, `；记录已保存到 ${record}`)) : ''));
  return EXIT.OK;
}
