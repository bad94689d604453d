import type { DiagnoseOptions } from '../diagnose/types.js';
import type { CompareOptions } from '../mirror/compare.js';
import type { ModemSettings } from './options.js';
import { mqttCredentials, type MqttSettings } from './mqtt-options.js';
import type { OptionSpec } from './options.js';
import type { AtEngine } from '../at/engine.js';
import { chooseProfile, defaultDialect, dialects, isKnownModel, type Detection, type ProfileChoice } from '../dialects/index.js';
import { CatError } from '../util/errors.js';

/** Model names of the dialects whose profiles are per module model (every dialect but the default, whose --profile is per firmware build). */
function modelNames(): string[] {
  return dialects.filter((d) => d !== defaultDialect()).flatMap((d) => d.profiles.map((p) => p.name));
}

/** `--model` (compare, diagnose, fleet): the module model whose profile the lint and the quirks use. */
export const MODEL_OPTION: OptionSpec = {
  name: 'model',
  type: 'string',
  describe: `module model for the lint's limits and the model's quirks (${modelNames().join(', ')}) [default: from the module's AT+CGMM answer]`,
  zh: `决定长度限制和型号特性的模组型号（${modelNames().join('、')}）[默认：根据模组对 AT+CGMM 的回答]`,
};

/** The --model value, checked before the port is opened (a name no dialect knows: one line, exit 2); undefined when not given. */
export function modelOption(v: Record<string, unknown>): string | undefined {
  const m = v['model'];
  if (m === undefined || m === null) return undefined;
  const name = String(m);
  if (!isKnownModel(name)) {
    throw new CatError('ERR_INVALID_OPTION', `--model ${name}: not a model cat1 has a profile for (known: ${modelNames().join(', ')})`, {
      zh: `--model ${name}：cat1 没有这个型号的配置（已知：${modelNames().join('、')}）`,
      context: { option: 'model' },
    });
  }
  return name;
}

/**
 * The model profile a module's session uses, with the observation it rests on: --model, else
 * the module's own `AT+CGMM` answer (then `ATI`) matched against the dialect's profiles, else
 * the session default (an assumption). Null for the default dialect, whose firmware profile is
 * --profile (a --model given for it is a one-line usage error).
 */
export async function moduleProfile(d: Detection, engine: AtEngine, model: string | undefined): Promise<ProfileChoice | null> {
  const dialect = d.dialect;
  if (dialect === defaultDialect()) {
    if (model !== undefined) {
      throw new CatError('ERR_INVALID_OPTION', `--model ${model}: the module speaks ${dialect.title}, whose limits come from its firmware profile: use --profile`, { zh: `--model ${model}：模组使用 ${dialect.title}，其限制来自固件配置：请用 --profile` });
    }
    return null;
  }
  if (model !== undefined) return chooseProfile(dialect, { model });
  for (const command of ['AT+CGMM', 'ATI']) {
    const o = await engine.send(command);
    if (o.status !== 'ok') continue;
    const answer = o.lines.map((l) => l.raw.trim().replace(/^\+[A-Z]+:\s*/i, '')).filter((l) => l !== '').join('\n');
    const c = chooseProfile(dialect, { identity: answer });
    if (c.by === 'identity') return { ...c, source: command };
  }
  return chooseProfile(dialect, {});
}


/**
 * One builder per verb: what `cat1 diagnose` and `cat1 compare` hand to the library, built from
 * the layered option values. The single runs and `cat1 fleet` use the same builders, so an
 * option a verb takes reaches the library the same way whether one module or a rack runs.
 */

/** Per-module differences of a fleet run: its own client ID and its own traffic topic. */
export interface PerModule {
  clientId: string;
  /** appended to --topic (`<topic>/<index>`) so that modules' traffic does not cross */
  topicSuffix: string;
}

function forModule(mq: MqttSettings, m: PerModule | undefined): MqttSettings {
  if (!m) return mq;
  return { ...mq, clientId: m.clientId, ...(mq.topic !== undefined ? { topic: `${mq.topic}/${m.topicSuffix}` } : {}) };
}

/** What both verbs' MQTT sessions take from the settings (a field absent stays absent). */
function sessionFields(mq: MqttSettings, v: Record<string, unknown>) {
  return {
    qos: mq.qos,
    identity: mq.identity,
    ...(mq.topic !== undefined ? { topic: mq.topic } : {}),
    ...(mq.payload !== undefined ? { payload: mq.payload } : {}),
    ...(mq.brokerLog !== undefined ? { brokerLog: mq.brokerLog } : {}),
    probeIdentity: v['probe-identity'] === true,
  };
}

/** `cat1 diagnose`'s options for runDiagnosis (the caller adds the engine and the progress). */
export function diagnoseOptions(v: Record<string, unknown>, base: MqttSettings, s: ModemSettings, m?: PerModule): Omit<DiagnoseOptions, 'engine'> {
  const mq = forModule(base, m);
  return {
    broker: mq.broker,
    credentials: mqttCredentials(mq),
    settings: mq.settings,
    profile: s.profile,
    ...(modelOption(v) !== undefined ? { model: modelOption(v)! } : {}),
    keepGoing: v['keep-going'] === true,
    ping: v['ping'] === true,
    compare: v['compare'] === false ? false : sessionFields(mq, v),
    logSecrets: s.logSecrets,
    reconnect: v['reconnect'] === true,
    registrationBudgetMs: s.timeoutMs,
    probeTimeoutMs: Math.min(s.timeoutMs, 2000),
  };
}

/** `cat1 compare`'s options for compare() (the caller adds the session, the broker's identity and the progress). */
export function compareOptions(v: Record<string, unknown>, base: MqttSettings, s: ModemSettings, m?: PerModule): Omit<CompareOptions, 'session' | 'brokerIdentity'> {
  const mq = forModule(base, m);
  return {
    broker: mq.broker,
    credentials: mqttCredentials(mq),
    settings: mq.settings,
    ...sessionFields(mq, v),
    logSecrets: s.logSecrets,
    reconnect: v['reconnect'] === true,
  };
}
