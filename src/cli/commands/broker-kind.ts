import { brokerFromFlag, brokerKindOption, identifyBroker, type BrokerIdentity } from '../../mirror/brokers.js';
import type { MqttSettings } from '../mqtt-options.js';

/** The broker's identity for compare: from --broker-kind, else detected on a probe connection of its own (null when nothing tells). */
export async function brokerIdentityFor(flag: unknown, mq: MqttSettings): Promise<BrokerIdentity | null> {
  if (typeof flag === 'string' && flag !== '') return brokerFromFlag(brokerKindOption(flag));
  return identifyBroker({
    host: mq.broker.host,
    port: mq.broker.port,
    tls: mq.broker.tls,
    ...(mq.broker.ca !== undefined ? { ca: mq.broker.ca } : {}),
    insecure: mq.broker.insecure,
    ...(mq.username !== undefined ? { username: mq.username } : {}),
    ...(mq.password !== undefined ? { password: mq.password } : {}),
    clientId: `${mq.clientId}-kind`.slice(0, 64),
  });
}
