import { lookup } from 'node:dns/promises';
import { readFile } from 'node:fs/promises';
import { connect as netConnect, isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { ConnectHook, DnsCondition } from './options.js';

/**
 * The module's network stack: name resolution by the emulated DNS, TCP through the connect
 * hook, and TLS layered on top for the `ssl` configurations the emulator implements.
 */

/** The default connect hook: a real TCP connection with node:net. */
export const defaultConnect: ConnectHook = ({ address, port }) =>
  new Promise<Duplex>((resolve, reject) => {
    const s = netConnect({ host: address, port });
    const onError = (e: Error): void => reject(e);
    s.once('error', onError);
    s.once('connect', () => {
      s.off('error', onError);
      s.setNoDelay(true);
      resolve(s);
    });
  });

/** Resolve a host name as the module would (see DnsCondition). IP literals resolve to themselves. */
export async function resolveHost(dns: DnsCondition, host: string): Promise<string | null> {
  if (isIP(host) !== 0) return host;
  if (dns === 'fail') return null;
  if (dns !== 'system') {
    const mapped = dns[host] ?? dns[host.toLowerCase()];
    if (mapped === null) return null;
    if (mapped !== undefined) return mapped;
  }
  try {
    const r = await lookup(host, { family: 4 });
    return r.address;
  } catch {
    return null;
  }
}

/** TLS settings from AT+ECMTCFG="ssl",… (the profile's syntax). */
export type SslConfig =
  /** EC616S `"ssl","psk","<psk>","<identity>"`: the PSK is hex when it looks like hex, else its bytes */
  | { kind: 'psk'; psk: string; identity: string }
  /** EC616S `"ssl","ecc","<key>"`: accepted, not implemented (AT+ECMTOPEN then fails) */
  | { kind: 'ecc'; key: string }
  /** EC616S `"ssl","ca","<base64>"[,"<hostname>"]`: the CA certificate body in base64; the hostname is checked when given */
  | { kind: 'ca'; base64: string; hostname: string | null }
  /** EC626 `"ssl",<mode>,"<ca file>","<cert file>","<key file>"`: files on the emulator's file system; mode 0 turns TLS off */
  | { kind: 'files'; mode: number; ca: string; cert: string; key: string };

/** The PEM the EC616S builds from the base64 body: BEGIN line, 64-character lines, END line. */
export function pemFromBase64(body: string): string {
  const clean = body.replace(/\s+/g, '');
  // a whole PEM given in base64 is accepted too
  const decoded = Buffer.from(clean, 'base64').toString('latin1');
  if (decoded.includes('-----BEGIN')) return decoded;
  const lines = clean.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\r\n${lines.join('\r\n')}\r\n-----END CERTIFICATE-----\r\n`;
}

function pskBytes(psk: string): Buffer {
  return /^([0-9A-Fa-f]{2})+$/.test(psk) ? Buffer.from(psk, 'hex') : Buffer.from(psk, 'latin1');
}

/** TLS client options for a configuration, or a reason why the emulator cannot do it. */
export async function tlsOptions(ssl: SslConfig, host: string): Promise<ConnectionOptions | { unsupported: string } | null> {
  const servername = isIP(host) === 0 ? host : undefined;
  switch (ssl.kind) {
    case 'ca': {
      const o: ConnectionOptions = { ca: pemFromBase64(ssl.base64), rejectUnauthorized: true };
      if (ssl.hostname) o.servername = ssl.hostname;
      else {
        if (servername) o.servername = servername;
        // no hostname configured: the chain is verified, the name is not (as mbedTLS without a hostname)
        o.checkServerIdentity = () => undefined;
      }
      return o;
    }
    case 'psk':
      return {
        pskCallback: () => ({ psk: pskBytes(ssl.psk), identity: ssl.identity }),
        ciphers: 'PSK',
        maxVersion: 'TLSv1.2',
        checkServerIdentity: () => undefined,
        ...(servername ? { servername } : {}),
      };
    case 'ecc':
      return { unsupported: 'the "ecc" TLS form is not implemented by the emulator' };
    case 'files': {
      if (ssl.mode === 0) return null;
      const o: ConnectionOptions = { rejectUnauthorized: true, ...(servername ? { servername } : {}) };
      if (ssl.ca) o.ca = await readFile(ssl.ca, 'latin1');
      if (ssl.cert) o.cert = await readFile(ssl.cert, 'latin1');
      if (ssl.key) o.key = await readFile(ssl.key, 'latin1');
      return o;
    }
    default: {
      const never: never = ssl;
      return never;
    }
  }
}

/** Run the TLS handshake over an open stream. Rejects when it fails. */
export function tlsHandshake(socket: Duplex, options: ConnectionOptions): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const t = tlsConnect({ ...options, socket });
    const onError = (e: Error): void => {
      t.destroy();
      socket.destroy();
      reject(e);
    };
    t.once('error', onError);
    t.once('secureConnect', () => {
      t.off('error', onError);
      resolve(t);
    });
  });
}
