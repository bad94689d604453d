import type { RawBlockRule } from '../../src/framing/framer.js';

/**
 * The framer unit tests' minimal rule: "+RECV: <id>,"<topic>"," opens a raw block, and OK,
 * ERROR and "+X:" lines (X upper case) start frames.
 */
export const testRule: RawBlockRule = {
  headerLength(text) {
    const m = /^\+RECV: \d+,"[^"]*",/.exec(text);
    return m ? m[0].length : -1;
  },
  isFrameStart(text) {
    return text === 'OK' || text === 'ERROR' || /^\+[A-Z]+:/.test(text);
  },
};
