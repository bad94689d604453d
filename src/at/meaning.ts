import type { FinalEvent } from '../urc/types.js';
import { cmeMeaning } from '../urc/codes.js';
import type { Text } from '../util/i18n.js';

/** The meaning of a final error result, when the code is known. */
export function finalMeaning(ev: FinalEvent): Text | null {
  if (ev.type === 'cme-error' && ev.code !== null) return cmeMeaning(ev.code);
  return null;
}
