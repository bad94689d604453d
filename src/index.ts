/**
 * cat1-bridge: drive, decode, emulate and diagnose modules that speak the ECMT MQTT AT dialect.
 * The CLI (`cat1`) is built on exactly this API.
 */
export { CatError, isCatError, oneLine, type CatErrorCode } from './util/errors.js';
export { TypedEmitter, type EventMap } from './util/emitter.js';
export { systemClock, type Clock } from './util/clock.js';
export { text, tr, langFromEnv, type Lang, type Text } from './util/i18n.js';

// port/
export type { ModemPort, ModemPortEvents } from './port/types.js';
export { SerialModemPort, explainOpenError, type SerialOptions } from './port/serial.js';
export { createPortPair, type MemoryPair, type MemoryPairOptions } from './port/memory.js';
export { RecordingPort, type RecordingOptions } from './port/recorder.js';
export { ReplayPort, showBytes, type ReplayOptions } from './port/replay.js';

// framing/ and at/
export { Framer, type Frame, type FramerOptions, type RawBlockRule } from './framing/framer.js';
export { AtEngine, type AtEngineOptions, type AtEngineEvents, type SendOptions } from './at/engine.js';
export { AtTracker, type PendingCommand, type TrackerOptions, type TrackerHooks } from './at/tracker.js';
export type { AtOutcome, CommandProfile, FinalError, HostEvent, FrameEvent, LineGrammar, Role, TimelineEvent, TimelineItem } from './at/types.js';
export { commandName, commandForm, generalProfile } from './at/profiles.js';
export { itemToJson } from './at/json.js';
export { classifyRx, escapeHead, RxSampler, type RxCounts, type RxDiagnosis, type RxKind } from './at/diagnosis.js';
export { createGrammar, defaultGrammar } from './grammar.js';

// urc/
export * from './urc/index.js';

// transcript/
export * from './transcript/types.js';
export { encodeEntry, encodeHeader, decodeEntry, decodeHeader, isUtf8 } from './transcript/format.js';
export { TranscriptWriter, MemorySink, makeHeader, type TranscriptSink, type HeaderFields } from './transcript/writer.js';
export { TranscriptReader, parseTranscript, readLines } from './transcript/reader.js';
export { createRedactor, redactText, DEFAULT_RULES, type Redactor, type RedactionRule } from './redact/redact.js';
export { StreamRedactor } from './redact/stream-redactor.js';
export { TextLogImporter, importTextLog, looksLikeAtLog } from './transcript/import.js';
export { SessionDecoder, type DecoderOptions } from './transcript/decode.js';
export { openSessionInput, type SessionInput } from './transcript/input.js';

// ecmt/
export { FIRMWARE_PROFILES, PROFILE_NAMES, firmwareProfile, type FirmwareProfile, type FirmwareProfileName, type FirmwareLimits, type FirmwareQuirks } from './dialects/ecmt/firmware.js';
export { ecmtProfiles, pubUsesPrompt, splitParams } from './dialects/ecmt/at-profiles.js';
export { SummaryBuilder, type SessionSummary } from './dialects/ecmt/summary.js';
export { ecmtCmd, publishMode, CFG_TYPES, type CfgSetting, type CfgType, type Credentials, type PublishSpec } from './dialects/ecmt/commands.js';
export { lintOpen, lintConnect, lintSubscribe, lintUnsubscribe, lintPublish, lintCfg, hasErrors, type LintFinding, type LintSeverity } from './dialects/ecmt/lint.js';
export { checkPastedCommand, nearMiss, type PasteCheck, type PasteFinding } from './dialects/ecmt/paste-lint.js';
export { splitModuleNote, detectGutter, splitGarbage } from './transcript/paste.js';
export { EcmtSession, type SessionOptions, type SessionState, type StepResult, type StepFailure, type SessionStep, type MessageEvent, type EcmtSessionEvents } from './ecmt/session.js';
export { hostCommands, type HostCommand } from './transcript/commands.js';
export { maskItem } from './at/mask.js';

// emulator/
export { EcmtEmulator, startPtyEmulator, emulatorTranscriptHeader, type EcmtEmulatorOptions, type EcmtEmulatorEvents, type PtyEmulator, type PtyEmulatorOptions, type FaultOptions, type ConditionsInput } from './emulator/index.js';

// mirror/
export { DirectSession, parseBrokerUrl, type DirectParams, type DirectStep, type DirectMessage } from './mirror/direct.js';
export { compare, type CompareOptions } from './mirror/compare.js';
export { explainComparison, type Evidence } from './mirror/verdict.js';
export { reportToJson } from './mirror/json.js';
export { startEmbeddedBroker, type EmbeddedBroker, type EmbeddedBrokerOptions } from './mirror/broker.js';
export type { CompareReport, CompareStep, CompareStepName, SideOutcome, Verdict, Cause, CauseId, DeliveryFacts } from './mirror/report.js';
export { listPorts, type PortInfo } from './port/list.js';
export { openPtyPair, socatAvailable, type PtyPair, type PtyPairOptions } from './port/pty.js';
export * from './diagnose/index.js';
export { SessionReconstructor, type ReconStep, type SessionEvent, type StepKind } from './mirror/reconstruct.js';
export { ShadowMirror, topicMatches, type MirrorOptions, type MirrorReport, type MirrorEvent, type Divergence, type DivergenceKind } from './mirror/shadow.js';
export { TapMerger, type TapMergerOptions } from './mirror/tap.js';

// report/
export { renderReport, buildModel, findGroups, type RenderOptions, type ReportInput, type SessionSource, type ReportModel, type DiagramEvent } from './report/index.js';
