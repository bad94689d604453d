/**
 * `cat1-bridge/parsers`: the text ↔ typed layer, for tools that read or write AT traffic without
 * the engine: frames, URC parsers and code tables, the passive AT tracker, ECMT command builders,
 * lint and firmware profiles, and the transcript's line format.
 */
export { Framer, type Frame, type FramerOptions, type RawBlockRule } from './framing/framer.js';
export * from './urc/index.js';
export { framePrefixes, isDialectAnswer, isKnownFrameStart, isRecvStart, messageAt, parseLine } from './dialects/classify.js';
export { AtTracker, type PendingCommand, type TrackerOptions, type TrackerHooks } from './at/tracker.js';
export type { AtOutcome, CommandProfile, FinalError, HostEvent, FrameEvent, LineGrammar, Role, TimelineEvent, TimelineItem } from './at/types.js';
export { commandName, commandForm, generalProfile } from './at/profiles.js';
export { itemToJson } from './at/json.js';
export { maskItem } from './at/mask.js';
export { classifyRx, escapeHead, RxSampler, type RxCounts, type RxDiagnosis, type RxKind } from './at/diagnosis.js';
export { createGrammar, defaultGrammar } from './grammar.js';

// the ECMT dialect: URC parsers, builders, lint, firmware profiles
export {
  ECMT_PREFIXES,
  RECV_PREFIX,
  boundaryOf,
  parseEcmt,
  parseRecvHeader,
  parseRecvHeaderBytes,
  recvBlockEvent,
  recvEvent,
  recvFromLine,
  type RecvHeader,
} from './dialects/ecmt/urc.js';
export { FIRMWARE_PROFILES, PROFILE_NAMES, firmwareProfile, type FirmwareProfile, type FirmwareProfileName, type FirmwareLimits, type FirmwareQuirks } from './dialects/ecmt/firmware.js';
export { ecmtProfiles, pubUsesPrompt, splitParams } from './dialects/ecmt/at-profiles.js';
export { SummaryBuilder, type SessionSummary } from './dialects/ecmt/summary.js';
export { ecmtCmd, publishMode, CFG_TYPES, type CfgSetting, type CfgType, type Credentials, type PublishSpec } from './dialects/ecmt/commands.js';
export { lintOpen, lintConnect, lintSubscribe, lintUnsubscribe, lintPublish, lintCfg, hasErrors, type LintFinding, type LintSeverity } from './dialects/ecmt/lint.js';
export { ECMT_CODES, connResultMeaning, connStateMeaning, ecmtResultMeaning, explainEcmt, statErrMeaning, type EcmtOp } from './dialects/ecmt/codes.js';
export { checkPastedCommand, nearMiss, type PasteCheck, type PasteFinding } from './dialects/ecmt/paste-lint.js';

// the transcript's line format, pasted logs
export * from './recording/types.js';
export { encodeEntry, encodeHeader, decodeEntry, decodeHeader, isUtf8 } from './recording/format.js';
export { MemorySink, type HeaderFields } from './recording/writer.js';
export { readLines } from './recording/reader.js';
export { DEFAULT_RULES, type RedactionRule } from './redact/redact.js';
export { StreamRedactor } from './redact/stream-redactor.js';
export { TextLogImporter, looksLikeAtLog } from './transcript/import.js';
export { splitModuleNote, detectGutter, splitGarbage } from './transcript/paste.js';
export { hostCommands, type HostCommand } from './transcript/commands.js';
export { showBytes } from './port/replay.js';
export { explainOpenError } from './port/serial.js';
export { text, langFromEnv, type Lang, type Text } from './util/i18n.js';
export { oneLine } from './util/errors.js';
