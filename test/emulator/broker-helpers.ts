import { createServer, type AddressInfo, type Socket } from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import mqttPacket, { type Packet } from 'mqtt-packet';
import type { Clock } from '../../src/util/clock.js';
import type { RunningMosquitto } from '../helpers/mosquitto.js';
import type { Rig } from './harness.js';

/** A received message as the checker (a separate mqtt.js client) saw it. */
export interface Seen {
  topic: string;
  payload: Buffer;
  qos: number;
  retain: boolean;
}

export interface Checker {
  client: MqttClient;
  seen: Seen[];
  /** The first message from index `from` matching (waits for it). */
  next(match?: (m: Seen) => boolean, opts?: { from?: number; timeoutMs?: number }): Promise<Seen>;
  close(): Promise<void>;
}

let counter = 0;

/** A unique name for this test run (client IDs, topic prefixes). */
export function unique(prefix: string): string {
  counter++;
  return `${prefix}-${process.pid}-${counter}`;
}

/** A separate mqtt.js client on the broker, to watch and drive the other side. */
export async function checker(broker: RunningMosquitto, creds?: { username: string; password: string }): Promise<Checker> {
  const client = await mqtt.connectAsync(broker.url, { clientId: unique('checker'), reconnectPeriod: 0, ...(creds ?? {}) });
  const seen: Seen[] = [];
  const waiters: Array<() => void> = [];
  client.on('message', (topic, payload, packet) => {
    seen.push({ topic, payload: Buffer.from(payload), qos: packet.qos, retain: packet.retain });
    for (const w of waiters.splice(0)) w();
  });
  return {
    client,
    seen,
    next(match = () => true, o = {}) {
      const from = o.from ?? 0;
      const timeoutMs = o.timeoutMs ?? 5000;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the checker saw no matching message within ${timeoutMs} ms (saw ${seen.length})`)), timeoutMs);
        const look = (): void => {
          for (let i = from; i < seen.length; i++) {
            if (match(seen[i]!)) {
              clearTimeout(timer);
              resolve(seen[i]!);
              return;
            }
          }
          waiters.push(look);
        };
        look();
      });
    },
    async close() {
      await client.endAsync(true);
    },
  };
}

/** AT+ECMTOPEN + AT+ECMTCONN with the given parameters; expects +ECMTOPEN: 0,0 and returns the +ECMTCONN URC. */
export async function openAndConnect(r: Rig, broker: RunningMosquitto, connParams: string): Promise<string> {
  let from = r.mark();
  await r.ok(`AT+ECMTOPEN=0,"127.0.0.1",${broker.port}`);
  const open = await r.urc((e) => e.type === 'ecmt-open', { from });
  if (open.raw !== '+ECMTOPEN: 0,0') throw new Error(`open failed: ${open.raw}`);
  from = r.mark();
  await r.ok(`AT+ECMTCONN=0,${connParams}`);
  return (await r.urc((e) => e.type === 'ecmt-conn', { from })).raw;
}

/** A clock the test advances by hand (timers run in order of their due time). */
export class ManualClock implements Clock {
  #now = 0;
  #seq = 0;
  #timers = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.#seq;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  /** Move time forward, running every timer that falls due (including ones they set). */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | null = null;
      for (const e of this.#timers) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.#timers.delete(next[0]);
      this.#now = next[1].at;
      next[1].fn();
    }
    this.#now = end;
  }
}

/**
 * A scripted MQTT server for answers mosquitto never gives (e.g. a SUBACK with 0x80):
 * `answer` gets each packet from the client and returns the packets to send back.
 */
export async function scriptedBroker(answer: (p: Packet) => Packet[]): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    parser.on('packet', (p: Packet) => {
      for (const out of answer(p)) socket.write(mqttPacket.generate(out));
    });
    socket.on('data', (d: Buffer) => parser.parse(d));
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
