import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startMosquitto, type RunningMosquitto } from './mosquitto.js';
import { makeCerts } from './tls-certs.js';

export interface TlsBroker {
  /** mosquitto with a TLS listener whose certificate `good.ca` signed */
  readonly broker: RunningMosquitto;
  /** the CA, server certificate and key the broker uses */
  readonly good: { ca: string; cert: string; key: string };
  /** another CA, which did not sign the broker's certificate */
  readonly other: { ca: string };
}

/**
 * For a describe block: two CAs made with openssl in a directory of its own, and a mosquitto on a
 * free loopback port with a TLS listener signed by the first one and these users; stopped and
 * removed after the block. Read the fields inside the tests (they are set in beforeAll).
 */
export function useTlsBroker(users: Record<string, string>, dirPrefix: string): TlsBroker {
  let dir = '';
  let broker: RunningMosquitto | undefined;
  let good: TlsBroker['good'] | undefined;
  let other: TlsBroker['other'] | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), dirPrefix));
    good = makeCerts(dir, 'good');
    other = makeCerts(dir, 'other');
    broker = await startMosquitto({ users, tls: { cafile: good.ca, certfile: good.cert, keyfile: good.key } });
  });
  afterAll(async () => {
    await broker?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const set = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('useTlsBroker: read inside a test (set up in beforeAll)');
    return v;
  };
  return {
    get broker() {
      return set(broker);
    },
    get good() {
      return set(good);
    },
    get other() {
      return set(other);
    },
  };
}
