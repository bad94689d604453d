import { text, type Text } from '../util/i18n.js';
import type { FinalEvent } from '../urc/types.js';
import { cmeMeaning } from '../urc/codes.js';

/** The meaning of a final error result, when the code is known. */
export function finalMeaning(ev: FinalEvent): Text | null {
  if (ev.type === 'cme-error' && ev.code !== null) return cmeMeaning(ev.code);
  return null;
}

/** What a garbage run is, as far as the log shows. */
export function garbageMeaning(length: number, diagnosis: 'power-up' | 'baud-rate'): Text {
  return diagnosis === 'power-up'
    ? text(`garbage: ${length} bytes of power-up noise (the module prints junk while it starts; harmless)`, `乱码：${length} 字节上电噪声（模组启动时输出的杂乱字节，无害）`)
    : text(`garbage: ${length} bytes — looks like the wrong baud rate (or a port that is not the AT port)`, `乱码：${length} 字节——像是波特率不对（或不是 AT 口）`);
}

