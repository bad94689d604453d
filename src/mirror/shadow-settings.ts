/**
 * The MQTT settings the shadow's client follows: what the module's configuration commands seen on
 * the wire set (protocol level, keep-alive, clean session, will), read through the dialect's
 * configuration table (`ConfigSpec.mqtt` names the MQTT option a key sets; `values[k]` is its
 * `params[k]`), so no dialect's keys are named here.
 */
import type { Dialect } from '../dialects/types.js';
import type { ReconStep } from './reconstruct.js';

export interface ShadowSettings {
  protocolLevel: 3 | 4;
  keepalive: number;
  clean: boolean;
  will: undefined | { topic: string; payload: string; qos: 0 | 1 | 2; retain: boolean };
}

/** MQTT 3.1.1, the modules' effective keep-alive default (120 s), clean session, no will. */
export function defaultShadowSettings(): ShadowSettings {
  return { protocolLevel: 4, keepalive: 120, clean: true, will: undefined };
}

/** Apply one configuration step of the module to the shadow's settings (in place); a key that sets no MQTT option changes nothing. */
export function applyConfigStep(dialect: Dialect, s: Extract<ReconStep, { kind: 'config' }>, settings: ShadowSettings): void {
  const spec = dialect.configs.find((c) => c.key === s.cfgType);
  if (!spec) return;
  const v = s.values;
  const at = (name: string, fallback: number): number => {
    const k = spec.params.findIndex((p) => p.name === name);
    return k < 0 ? fallback : k;
  };
  const n = (i: number): number => Number(v[i] ?? NaN);
  switch (spec.mqtt) {
    case 'version':
      if (n(1) === 3 || n(1) === 4) settings.protocolLevel = n(1) as 3 | 4;
      return;
    case 'keepalive':
      if (Number.isInteger(n(1))) settings.keepalive = n(1);
      return;
    case 'clean':
      if (n(1) === 0 || n(1) === 1) settings.clean = n(1) === 1;
      return;
    case 'will': {
      const flag = n(at('flag', 1));
      const qos = n(at('qos', 2));
      const topic = v[at('topic', 4)];
      settings.will = flag === 1 && topic !== undefined ? { topic, payload: v[at('message', 5)] ?? '', qos: (qos === 1 || qos === 2 ? qos : 0) as 0 | 1 | 2, retain: n(at('retain', 3)) === 1 } : undefined;
      return;
    }
    case 'tls':
    case 'aliauth':
    case 'timeout':
    case 'none':
      return;
    default: {
      const never: never = spec.mqtt;
      return never;
    }
  }
}
