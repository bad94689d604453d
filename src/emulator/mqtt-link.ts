import type { Duplex } from 'node:stream';
import mqttPacket, { type IConnectPacket, type Packet } from 'mqtt-packet';

/**
 * One TCP (or TLS) connection to the broker, speaking MQTT 3.1/3.1.1 with `mqtt-packet`:
 * `send()` encodes and writes a packet, every complete packet read is handed to `onPacket`
 * with its size on the wire, and `onClose` fires once, whatever closed it.
 */
export interface LinkHandlers {
  onPacket(packet: Packet, wireSize: number): void;
  onSent(packet: Packet): void;
  onClose(reason: string): void;
}

/** Bytes of the MQTT "remaining length" field for a given length. */
function varintSize(n: number): number {
  return n < 128 ? 1 : n < 16_384 ? 2 : n < 2_097_152 ? 3 : 4;
}

function writeVarint(n: number, out: number[]): void {
  let x = n;
  do {
    let b = x % 128;
    x = Math.floor(x / 128);
    if (x > 0) b |= 0x80;
    out.push(b);
  } while (x > 0);
}

function str16(s: string | Buffer): Buffer {
  const b = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
  const len = Buffer.alloc(2);
  len.writeUInt16BE(b.length);
  return Buffer.concat([len, b]);
}

/**
 * CONNECT for the cases mqtt-packet refuses to encode but the firmware sends anyway: an EMPTY
 * client ID with MQTT 3.1 (level 3) or with clean session 0 — exactly what the credential quirk
 * produces, and what makes a broker answer CONNACK 2 (identifier rejected). Same layout as
 * mqtt-packet's encoder (MQTT 3.1.1 §3.1); everything else goes through mqtt-packet.
 */
export function encodeConnectRaw(p: IConnectPacket): Buffer {
  const protocolId = p.protocolId ?? 'MQTT';
  const level = p.protocolVersion ?? 4;
  let flags = 0;
  if (p.clean !== false) flags |= 0x02;
  const parts: Buffer[] = [str16(protocolId), Buffer.from([level, 0, (p.keepalive ?? 0) >> 8, (p.keepalive ?? 0) & 0xff]), str16(p.clientId)];
  if (p.will) {
    flags |= 0x04 | ((p.will.qos ?? 0) << 3) | (p.will.retain ? 0x20 : 0);
    parts.push(str16(p.will.topic), str16(typeof p.will.payload === 'string' ? Buffer.from(p.will.payload, 'utf8') : p.will.payload));
  }
  if (p.username !== undefined) {
    flags |= 0x80;
    parts.push(str16(p.username));
    if (p.password !== undefined) {
      flags |= 0x40;
      parts.push(str16(p.password));
    }
  }
  parts[1]![1] = flags;
  const body = Buffer.concat(parts);
  const head: number[] = [0x10];
  writeVarint(body.length, head);
  return Buffer.concat([Buffer.from(head), body]);
}

/** Encode with mqtt-packet; null when the packet is invalid (mqtt-packet reports it as an error). */
export function encode(packet: Packet): Buffer | null {
  if (packet.cmd === 'connect' && packet.clientId === '' && ((packet.protocolVersion ?? 4) < 4 || packet.clean === false)) {
    return encodeConnectRaw(packet);
  }
  try {
    return mqttPacket.generate(packet);
  } catch {
    return null;
  }
}

export class MqttLink {
  readonly #socket: Duplex;
  readonly #h: LinkHandlers;
  #closed = false;

  constructor(socket: Duplex, handlers: LinkHandlers) {
    this.#socket = socket;
    this.#h = handlers;
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    parser.on('packet', (p: Packet) => {
      const len = p.length ?? 0;
      this.#h.onPacket(p, 1 + varintSize(len) + len);
    });
    parser.on('error', (e: unknown) => this.destroy(`undecodable data from the broker: ${e instanceof Error ? e.message : String(e)}`));
    socket.on('data', (chunk: Buffer) => {
      if (!this.#closed) parser.parse(chunk);
    });
    socket.on('error', (e: Error) => this.#shut(`socket error: ${e.message}`));
    socket.on('end', () => this.#shut('closed by the broker'));
    socket.on('close', () => this.#shut('connection closed'));
  }

  get alive(): boolean {
    return !this.#closed;
  }

  /** Encode and write; resolves true once handed to the socket, false if it could not be sent. */
  send(packet: Packet): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    const bytes = encode(packet);
    if (!bytes) return Promise.resolve(false);
    return new Promise((resolve) => {
      try {
        this.#socket.write(bytes, (err) => {
          if (err) resolve(false);
          else {
            this.#h.onSent(packet);
            resolve(true);
          }
        });
      } catch {
        resolve(false);
      }
    });
  }

  /** Cut the connection as a network failure would (no FIN handshake expected). */
  destroy(reason: string): void {
    if (this.#closed) return;
    this.#socket.destroy();
    this.#shut(reason);
  }

  /** Close gracefully (FIN), as the module's own close does. */
  end(reason: string): void {
    if (this.#closed) return;
    this.#socket.end(() => this.#socket.destroy());
    this.#shut(reason);
  }

  #shut(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.#socket.destroyed && this.#socket.writableEnded === false) this.#socket.destroy();
    this.#h.onClose(reason);
  }
}
