import { createPortPair } from '../../src/port/memory.js';
import type { ModemPort } from '../../src/port/types.js';
import { EcmtEmulator } from '../../src/emulator/emulator.js';
import type { EcmtEmulatorOptions } from '../../src/emulator/options.js';

/**
 * A raw terminal on the host side of a port: writes bytes, keeps every byte the module printed
 * (latin1 text, so byte counts are exact) and waits for text to appear — always on the port's
 * data events, with a timeout that fails the test, never a sleep. The QMT emulator is checked
 * at the byte level here (echo, `\r\n> `, raw +QMTRECV payloads), independent of any parser.
 */
export interface Term {
  port: ModemPort;
  /** Everything printed so far. */
  text(): string;
  /** The current length of the output (a mark for `from`). */
  mark(): number;
  write(bytes: string | Buffer): void;
  /** Wait until `needle` appears at or after `from`; resolves with the output from `from` to the end of the match. */
  until(needle: string | RegExp, opts?: { from?: number; timeoutMs?: number }): Promise<string>;
  /** Send `line` + CR and wait for the final result (OK / ERROR / +CME ERROR); resolves with everything printed for it. */
  cmd(line: string, opts?: { timeoutMs?: number }): Promise<string>;
}

export function term(port: ModemPort): Term {
  let out = '';
  const waiters = new Set<() => void>();
  port.on('data', (b: Buffer) => {
    out += Buffer.from(b).toString('latin1');
    for (const w of [...waiters]) w();
  });
  const until: Term['until'] = (needle, o = {}) => {
    const from = o.from ?? 0;
    const timeoutMs = o.timeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      const look = (): boolean => {
        const hay = out.slice(from);
        if (typeof needle === 'string') {
          const i = hay.indexOf(needle);
          if (i < 0) return false;
          resolve(hay.slice(0, i + needle.length));
          return true;
        }
        const m = needle.exec(hay);
        if (!m) return false;
        resolve(hay.slice(0, m.index + m[0].length));
        return true;
      };
      if (look()) return;
      const w = (): void => {
        if (look()) {
          waiters.delete(w);
          clearTimeout(timer);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(w);
        reject(new Error(`no ${String(needle)} in the module's output within ${timeoutMs} ms; output from ${from}: ${JSON.stringify(out.slice(from))}`));
      }, timeoutMs);
      waiters.add(w);
    });
  };
  return {
    port,
    text: () => out,
    mark: () => out.length,
    write: (bytes) => void port.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes),
    until,
    async cmd(line, o = {}) {
      const from = out.length;
      void port.write(Buffer.from(`${line}\r`, 'latin1'));
      return until(/\r\n(OK|ERROR|\+CME ERROR: [^\r]*)\r\n/, { from, ...o });
    },
  };
}

export interface QmtRig extends Term {
  emulator: EcmtEmulator;
  close(): Promise<void>;
}

/** A QMT emulator on an in-memory pair with a raw terminal on the host side. */
export function qmtRig(opts: EcmtEmulatorOptions = {}): QmtRig {
  const pair = createPortPair();
  const emulator = new EcmtEmulator(pair.module, { dialect: 'qmt', ...opts });
  const t = term(pair.host);
  return {
    ...t,
    emulator,
    async close() {
      await emulator.close();
      await pair.host.close();
    },
  };
}
