/**
 * One bounded readiness probe of a broker a test started: connect, optionally publish one QoS 1
 * message, and say whether it worked — always within `boundMs`, whatever the broker does.
 *
 * mqtt.js's connectAsync settles on `connect` or `error`; a broker that closes the socket without a
 * CONNACK (NATS while JetStream has no peers for the MQTT streams: "no suitable peers for
 * placement") gives neither with reconnectPeriod 0, so that promise never settles and a readiness
 * loop built on it hangs until the test's hook times out. Here every outcome, a close included,
 * settles the probe, and the client is always ended.
 */
export async function mqttProbe(url: string, opts: { user?: { username: string; password: string }; publish?: boolean; boundMs?: number } = {}): Promise<boolean> {
  const { connect } = await import('mqtt');
  const c = connect(url, { clientId: `ready-${Math.random().toString(16).slice(2, 8)}`, reconnectPeriod: 0, connectTimeout: 2000, protocolVersion: 4, ...opts.user });
  try {
    return await new Promise<boolean>((resolve) => {
      const bound = setTimeout(() => resolve(false), opts.boundMs ?? 5000);
      const settle = (ok: boolean): void => {
        clearTimeout(bound);
        resolve(ok);
      };
      c.once('error', () => settle(false));
      c.once('close', () => settle(false));
      c.once('connect', () => {
        if (opts.publish !== true) return settle(true);
        c.publish('cat1-ready/check', 'x', { qos: 1 }, (err) => settle(!err));
      });
    });
  } finally {
    c.end(true);
  }
}
