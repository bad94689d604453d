import type { DiagnoseOptions } from '../diagnose/types.js';
import type { CompareOptions } from '../mirror/compare.js';
import type { ModemSettings } from './options.js';
import { mqttCredentials, type MqttSettings } from './mqtt-options.js';

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
