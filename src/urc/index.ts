/**
 * The URC families of the 3GPP commands and of the module makers (pure parsers, one file per
 * family) and the code meanings. The classifier that reads one frame's text into a typed event,
 * over these families and every registered dialect, is src/dialects/classify.ts (it reads the
 * dialect registry, which sits above urc/).
 */
export type { ModemEvent, ModemEventType, EventOf, FinalEvent, PayloadEnd, RegFamily } from './types.js';
export { isFinal } from './types.js';
export { cmeError, cmsError, parseFinal } from './final.js';
export { isSolicitedRegAnswer, parseReg, regFamily } from './registration.js';
export { parseCgatt, parseCgcontrdp, parseCgev, parseCgpaddr, parsePacket } from './packet.js';
export { parseCpin } from './sim.js';
export { parseCesq, parseCfun, parseCsq, parseSignal, rsrpToDbm, rsrqToDb, rssiToDbm } from './signal.js';
export { parseEcdns, parseEcping } from './eigencomm.js';
export { isBootBanner, parseBoot } from './boot.js';
export {
  actMeaning,
  cmeCodeFromText,
  cmeMeaning,
  cmsMeaning,
  connackMeaning,
  cpinMeaning,
  explain,
  mqtt5ReasonMeaning,
  regStatMeaning,
} from './codes.js';
