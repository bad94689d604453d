import type { Final } from './types.js';

/**
 * Texts printed with AT+CMEE=2, for the codes the emulator produces. Spelled as the EC616S
 * error map prints them (the host decoder in src/urc/codes.ts reads each of them back).
 * The socket range 401–500 has no text in the firmware: those codes stay numeric even with
 * AT+CMEE=2 (an emulator choice, documented in README.md).
 */
const TEXTS: ReadonlyMap<number, string> = new Map([
  [3, 'operation not allowed'],
  [4, 'operation not supported'],
  [10, 'SIM not inserted'],
  [11, 'SIM PIN required'],
  [12, 'SIM PUK required'],
  [13, 'SIM failure'],
  [16, 'incorrect password'],
  [30, 'no network service'],
  [50, 'incorrect parameters'],
  [100, 'unknown'],
  [304, 'PDN not active'],
]);

/** The final result line for the current AT+CMEE setting. */
export function finalText(final: Final, cmee: 0 | 1 | 2): string {
  switch (final.type) {
    case 'ok':
      return 'OK';
    case 'error':
      return 'ERROR';
    case 'cme': {
      if (cmee === 0) return 'ERROR';
      if (cmee === 2) {
        const t = TEXTS.get(final.code);
        if (t !== undefined) return `+CME ERROR: ${t}`;
      }
      return `+CME ERROR: ${final.code}`;
    }
    default: {
      const never: never = final;
      return String(never);
    }
  }
}
