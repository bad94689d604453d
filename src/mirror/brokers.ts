import { randomBytes } from 'node:crypto';
import { CatError } from '../util/errors.js';
import { text, type Text } from '../util/i18n.js';
import type { DialectName } from '../dialects/types.js';
import { dialectNamed, resultPrefix } from '../dialects/words.js';
import type { Cause, CompareStep, DeliveryFacts } from './report.js';
import type { BrokerTarget } from './target.js';
import { waitForEvent, within } from '../util/waiter.js';

/**
 * Broker personalities: what each broker does where the MQTT specification leaves room or
 * where brokers depart from it, as data, each with the version it was checked on. The verdict
 * words its causes with them ("this broker downgrades QoS 2 to 1 … — not a module fault"), and
 * `compare` detects which broker it talks to (identifyBroker) or is told (--broker-kind).
 *
 * "observed" entries were measured against the real broker by this project's tests
 * (test/mirror/brokers-real.test.ts, test/mirror/brokers.test.ts); "documented" ones come
 * from the broker's documentation only.
 */

export const BROKER_KINDS = ['mosquitto', 'aedes', 'rabbitmq', 'nats', 'emqx'] as const;
export type BrokerKind = (typeof BROKER_KINDS)[number];

export type Qos2Support = 'supported' | 'downgraded' | 'refused';

export interface BrokerPersonality {
  kind: BrokerKind;
  name: string;
  /** the version the entries were checked on, and how */
  checkedOn: string;
  source: 'observed' | 'documented';
  /** QoS 2: granted and delivered as 2, granted/delivered as 1, or not taken (SUBACK 1 and the connection closed on a QoS 2 PUBLISH) */
  qos2: Qos2Support;
  clientId: { empty: string; maxLength: string; characters: string };
  /** the CONNACK return code (MQTT 3.1.1) for a wrong user name or password */
  badCredentialsConnack: 4 | 5 | null;
  maxPacket: string;
  retained: string;
  dollarTopics: string;
  /** a second connection with a client ID in use */
  sameClientId: string;
}

export const PERSONALITIES: Readonly<Record<BrokerKind, BrokerPersonality>> = {
  mosquitto: {
    kind: 'mosquitto',
    name: 'Eclipse Mosquitto',
    checkedOn: 'mosquitto 2.0.11 (Debian 12 package), observed',
    source: 'observed',
    qos2: 'supported',
    clientId: { empty: 'accepted with a clean session (allow_zero_length_clientid, default true): the broker assigns "auto-…"', maxLength: '65535 bytes (no lower limit by default)', characters: 'any UTF-8' },
    badCredentialsConnack: 5,
    maxPacket: 'message_size_limit (default: none below the protocol maximum); a 2 MB PUBLISH was taken',
    retained: 'supported',
    dollarTopics: '$SYS/broker/… readable by default ($SYS/broker/version gives the version)',
    sameClientId: 'the first connection is closed (session takeover)',
  },
  aedes: {
    kind: 'aedes',
    name: 'aedes (the embedded broker)',
    checkedOn: 'aedes 1.x as embedded by cat1 (src/mirror/broker.ts), observed',
    source: 'observed',
    qos2: 'supported',
    clientId: { empty: 'accepted with a clean session (an ID is generated); refused with CONNACK 2 when the embedder asks', maxLength: 'no limit of its own', characters: 'any UTF-8' },
    badCredentialsConnack: 5,
    maxPacket: 'no limit of its own (a 2 MB PUBLISH was taken)',
    retained: 'supported',
    dollarTopics: '$SYS/<broker id>/… heartbeats, no $SYS/broker/version',
    sameClientId: 'the first connection is closed (session takeover)',
  },
  rabbitmq: {
    kind: 'rabbitmq',
    name: "RabbitMQ's MQTT plugin",
    checkedOn: 'RabbitMQ 3.10.8 rabbitmq_mqtt (Debian 12 package), observed',
    source: 'observed',
    qos2: 'downgraded',
    clientId: { empty: 'accepted with a clean session (an ID is generated)', maxLength: 'no limit of its own seen (100 bytes taken)', characters: 'any UTF-8' },
    badCredentialsConnack: 4,
    maxPacket: 'mqtt.max_packet_size (3.10: large PUBLISHes taken; a 2 MB one was)',
    retained: 'supported (a retained message store per vhost, one message per topic)',
    dollarTopics: 'no $SYS tree',
    sameClientId: 'the first connection is closed',
  },
  nats: {
    kind: 'nats',
    name: "NATS Server's MQTT support",
    checkedOn: 'nats-server 2.9.10 (Debian 12 package), JetStream clustered, observed',
    source: 'observed',
    qos2: 'refused',
    clientId: { empty: 'accepted with a clean session', maxLength: 'no limit of its own seen (100 bytes taken)', characters: 'any UTF-8 (topics map to NATS subjects: "." in a topic level is not allowed)' },
    badCredentialsConnack: 5,
    maxPacket: 'max_payload of the server (default 1 MB) bounds the message; a 2 MB PUBLISH was taken here with a raised limit only',
    retained: 'supported (stored in the $MQTT_rmsgs JetStream stream)',
    dollarTopics: 'no $SYS tree for MQTT clients',
    sameClientId: 'the first connection is closed (also across the nodes of a cluster)',
  },
  emqx: {
    kind: 'emqx',
    name: 'EMQX',
    checkedOn: 'EMQX 5 documentation (not installable here: not checked on a running broker)',
    source: 'documented',
    qos2: 'supported',
    clientId: { empty: 'accepted with a clean session (the broker assigns one)', maxLength: 'max_clientid_len, default 65535', characters: 'any UTF-8' },
    badCredentialsConnack: 5,
    maxPacket: 'max_packet_size, default 1 MB',
    retained: 'supported (retainer, max_payload_size 1 MB by default)',
    dollarTopics: '$SYS/brokers/<node>/version and other system topics (ACL permitting)',
    sameClientId: 'the first connection is kicked (session takeover, also across the cluster)',
  },
};

/** The broker the comparison ran against, and how that is known. */
export interface BrokerIdentity {
  kind: BrokerKind;
  version: string | null;
  /** 'flag': the user said so (--broker-kind); 'detected': from the broker's answers */
  how: 'flag' | 'detected';
  /** what the detection rests on */
  evidence: Text[];
}

/** Check a --broker-kind value. */
export function brokerKindOption(v: string): BrokerKind {
  const k = v.trim().toLowerCase();
  if ((BROKER_KINDS as readonly string[]).includes(k)) return k as BrokerKind;
  throw new CatError('ERR_INVALID_OPTION', `--broker-kind must be one of ${BROKER_KINDS.join(', ')} (got "${v}")`);
}

export interface IdentifyOptions extends BrokerTarget {
  username?: string;
  password?: string;
  /** the probe connection's client ID. Default cat1-kind-<random> */
  clientId?: string;
  /** how long to wait for $SYS answers, ms. Default 400 */
  listenMs?: number;
}

/**
 * Find out which broker this is from its answers, on a connection of its own: `$SYS` where
 * readable (mosquitto's $SYS/broker/version, EMQX's $SYS/brokers/<node>/version), the QoS it
 * grants to a QoS 2 subscription, and, when it grants 1, what a QoS 2 PUBLISH does (RabbitMQ
 * takes it as QoS 1; NATS 2.9 closes the connection). null when the broker cannot be reached
 * or gives nothing to go on. Never throws.
 */
export async function identifyBroker(o: IdentifyOptions): Promise<BrokerIdentity | null> {
  const { connect } = await import('mqtt');
  const url = `${o.tls ? 'mqtts' : 'mqtt'}://${o.host.includes(':') ? `[${o.host}]` : o.host}:${o.port}`;
  const client = connect(url, {
    clientId: o.clientId ?? `cat1-kind-${randomBytes(3).toString('hex')}`,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: 3000,
    ...(o.username !== undefined ? { username: o.username } : {}),
    ...(o.password !== undefined ? { password: o.password } : {}),
    ...(o.ca !== undefined ? { ca: o.ca } : {}),
    ...(o.tls ? { rejectUnauthorized: o.insecure !== true } : {}),
  });
  client.on('error', () => undefined);
  const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  try {
    const closed = new AbortController();
    client.once('close', () => closed.abort());
    const up = await waitForEvent(client, 'connect', { timeoutMs: 4000, signal: closed.signal }).promise.then(
      (v) => v !== null,
      () => false,
    );
    if (!up) return null;
    const sys: Array<{ topic: string; text: string }> = [];
    client.on('message', (topic, payload) => {
      if (topic.startsWith('$SYS/')) sys.push({ topic, text: payload.toString('utf8').slice(0, 80) });
    });
    const probeTopic = `cat1/kind/${randomBytes(4).toString('hex')}`;
    let granted: number | null = null;
    try {
      const g = await client.subscribeAsync({ '$SYS/broker/version': { qos: 0 }, '$SYS/brokers/+/version': { qos: 0 }, [probeTopic]: { qos: 2 } });
      granted = g.find((x) => x.topic === probeTopic)?.qos ?? null;
    } catch {
      granted = null;
    }
    await wait(o.listenMs ?? 400);
    const mosq = sys.find((s) => s.topic === '$SYS/broker/version' && /mosquitto/i.test(s.text));
    if (mosq) return { kind: 'mosquitto', version: /(\d+\.\d+(\.\d+)?)/.exec(mosq.text)?.[1] ?? null, how: 'detected', evidence: [text(`$SYS/broker/version: "${mosq.text}"`, `$SYS/broker/version："${mosq.text}"`)] };
    const emqx = sys.find((s) => /^\$SYS\/brokers\/[^/]+\/version$/.test(s.topic));
    if (emqx) return { kind: 'emqx', version: emqx.text, how: 'detected', evidence: [text(`${emqx.topic}: "${emqx.text}"`, `${emqx.topic}："${emqx.text}"`)] };
    if (granted === 2) return { kind: 'aedes', version: null, how: 'detected', evidence: [text('a QoS 2 subscription was granted QoS 2 and no $SYS version topic answered: taken to be aedes (an assumption: any broker with QoS 2 and no readable $SYS looks the same)', 'QoS 2 订阅被授予 QoS 2，且没有可读的 $SYS 版本主题：推定为 aedes（这是假设：支持 QoS 2 且 $SYS 不可读的服务器都如此）')] };
    if (granted === 1) {
      const dropped = new Promise<boolean>((resolve) => client.once('close', () => resolve(true)));
      const acked = client.publishAsync(probeTopic, 'cat1 broker kind probe', { qos: 2 }).then(
        () => false,
        () => true,
      );
      const refused = (await within(Promise.race([dropped, acked]), { timeoutMs: 2000 })) ?? false;
      const sub = text('a QoS 2 subscription was granted QoS 1', 'QoS 2 订阅被授予 QoS 1');
      if (refused) return { kind: 'nats', version: null, how: 'detected', evidence: [sub, text('the broker closed the connection on a QoS 2 PUBLISH (as NATS 2.9 does)', '服务器在收到 QoS 2 PUBLISH 时关闭了连接（NATS 2.9 的做法）')] };
      return { kind: 'rabbitmq', version: null, how: 'detected', evidence: [sub, text('a QoS 2 PUBLISH was taken (as RabbitMQ does, delivering it at QoS 1)', 'QoS 2 PUBLISH 被接受（RabbitMQ 的做法：以 QoS 1 投递）')] };
    }
    return null;
  } finally {
    client.end(true);
  }
}

/** The identity given by --broker-kind. */
export function brokerFromFlag(kind: BrokerKind): BrokerIdentity {
  return { kind, version: null, how: 'flag', evidence: [text(`--broker-kind ${kind}`, `--broker-kind ${kind}`)] };
}

/** What a personality rule reads from a comparison. */
export interface PersonalityEvidence {
  broker?: BrokerIdentity | null;
  /** the module's dialect: the texts quote its URC names (default: the default dialect) */
  dialect?: DialectName;
  steps: CompareStep[];
  delivery: DeliveryFacts | null;
}

function said(b: BrokerIdentity, p: BrokerPersonality): Text {
  const ver = b.version ? ` ${b.version}` : '';
  return b.how === 'flag' ? text(`the broker is ${p.name}${ver} (--broker-kind)`, `服务器为 ${p.name}${ver}（--broker-kind）`) : text(`the broker was detected as ${p.name}${ver}: ${b.evidence.map((e) => e.en).join('; ')}`, `检测到服务器为 ${p.name}${ver}：${b.evidence.map((e) => e.zh).join('；')}`);
}

/**
 * The personality rule of the verdict: a QoS 2 session on a broker that does not do QoS 2 is
 * explained by the broker, not the module. Returns the causes (none when the broker is unknown,
 * supports QoS 2, or QoS 2 was not asked).
 */
export function personalityCauses(e: PersonalityEvidence): Cause[] {
  const b = e.broker;
  if (!b) return [];
  const p = PERSONALITIES[b.kind];
  const sub = e.steps.find((s) => s.step === 'subscribe');
  const qos2 = e.delivery?.d2m.qos === 2;
  if (!qos2 || p.qos2 === 'supported') return [];
  // the personality is what the broker is known to do; an observation that it did otherwise (the
  // direct SUBACK granted QoS 2) contradicts it for this broker, whatever its kind was said to be
  if (sub && typeof sub.direct.code === 'number' && sub.direct.code >= 2 && sub.direct.code < 128) return [];
  const ev: Text[] = [said(b, p), text(`personality: ${p.checkedOn}`, `特性来源：${p.checkedOn}`)];
  if (sub && typeof sub.direct.code === 'number') ev.push(text(`the direct SUBACK granted QoS ${sub.direct.code} to a QoS 2 subscription`, `直连 SUBACK 对 QoS 2 订阅授予 QoS ${sub.direct.code}`));
  if (sub && sub.module.code !== null) {
    const urc = resultPrefix(dialectNamed(e.dialect), 'subscribe');
    ev.push(text(`the module's ${urc} value: ${String(sub.module.code)}`, `模组的 ${urc} 值：${String(sub.module.code)}`));
  }
  if (p.qos2 === 'downgraded') {
    return [
      {
        id: 'broker-qos2-downgraded',
        confidence: 0.7,
        text: text(
          `this broker (${p.name}) downgrades QoS 2 to 1, so the module's QoS 2 subscription is granted 1 and messages arrive at QoS 1 — not a module fault; ask for QoS 1, or use a broker with QoS 2 if exactly-once matters`,
          `该服务器（${p.name}）将 QoS 2 降级为 1，所以模组的 QoS 2 订阅被授予 1，消息以 QoS 1 到达——不是模组的问题；请使用 QoS 1，若需要“恰好一次”请换用支持 QoS 2 的服务器`,
        ),
        evidence: ev,
      },
    ];
  }
  const pub = e.steps.find((s) => s.step === 'publish');
  if (pub && !pub.module.ok) ev.push(text(`the module's QoS 2 publish: ${pub.module.detail.en}`, `模组的 QoS 2 发布：${pub.module.detail.zh}`));
  if (pub && !pub.direct.ok) ev.push(text(`the direct QoS 2 publish: ${pub.direct.detail.en}`, `直连的 QoS 2 发布：${pub.direct.detail.zh}`));
  return [
    {
      id: 'broker-qos2-refused',
      confidence: 0.8,
      text: text(
        `this broker (${p.name}) does not take QoS 2: a QoS 2 subscription is granted 1 and a QoS 2 PUBLISH closes the connection — for the module and the host alike, not a module fault; use QoS 1 (NATS added QoS 2 in 2.10)`,
        `该服务器（${p.name}）不支持 QoS 2：QoS 2 订阅被授予 1，QoS 2 的 PUBLISH 会导致连接被关闭——模组和主机都一样，不是模组的问题；请使用 QoS 1（NATS 从 2.10 起支持 QoS 2）`,
      ),
      evidence: ev,
    },
  ];
}
