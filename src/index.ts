/**
 * cat1-bridge: drive, decode, emulate and diagnose modules that speak the ECMT MQTT AT dialect.
 *
 * The main entry is a small, curated API: ports, the AT engine, the MQTT session, the comparison
 * and the diagnosis, the emulator, transcripts (write, read, import, redact), decoding and the
 * errors. Growing it is a decision (test/api.test.ts lists every runtime export). The rest is
 * on subpaths:
 *   - `cat1-bridge/parsers`  frames, URC parsers and code tables, the AT tracker, ECMT command
 *                            builders, lint and firmware profiles;
 *   - `cat1-bridge/mirror`   the comparison's parts: direct client, verdict, reconstruction,
 *                            shadow mirror, tap merger, embedded broker, topic matching;
 *   - `cat1-bridge/diagnose` the stages of the diagnosis and their hints;
 *   - `cat1-bridge/emulator` the emulator's parts (conditions, faults, network, credentials);
 *   - `cat1-bridge/testing`  strict replay of recordings in your own tests.
 */
export { CatError, isCatError, type CatErrorCode } from './util/errors.js';
export { TypedEmitter, type EventMap } from './util/emitter.js';
export { systemClock, type Clock } from './util/clock.js';
export { tr, type Lang, type Text } from './util/i18n.js';

// ports
export type { ModemPort, ModemPortEvents } from './port/types.js';
export { SerialModemPort, type SerialOptions } from './port/serial.js';
export { createPortPair, type MemoryPair, type MemoryPairOptions } from './port/memory.js';
export { RecordingPort, type RecordingOptions } from './port/recorder.js';
export { ReplayPort, type ReplayOptions } from './port/replay.js';
export { listPorts, type PortInfo } from './port/list.js';
export { openPtyPair, socatAvailable, type PtyPair, type PtyPairOptions } from './port/pty.js';

// the AT engine
export { AtEngine, type AtEngineOptions, type AtEngineEvents, type SendOptions } from './at/engine.js';
export type { AtOutcome, TimelineItem } from './at/types.js';
export type { ModemEvent, EventOf } from './urc/types.js';
export { defaultGrammar } from './grammar.js';

// the MQTT session over AT
export { EcmtSession, type SessionOptions, type SessionState, type StepResult, type StepFailure, type SessionStep, type MessageEvent, type EcmtSessionEvents } from './dialects/ecmt/session.js';
export type { CfgSetting, Credentials } from './dialects/ecmt/commands.js';
export type { FirmwareProfileName } from './dialects/ecmt/firmware.js';

// comparison and diagnosis
export { compare, type CompareOptions } from './mirror/compare.js';
/** the MQTT settings compare() and runDiagnosis() take (dialect-neutral: each dialect turns them into its configuration commands) */
export type { MqttSetting } from './dialects/types.js';
export type { BrokerTarget } from './mirror/target.js';
export { reportToJson } from './mirror/json.js';
export type { CompareReport, CompareStep, CompareStepName, SideOutcome, Verdict, Cause, CauseId } from './mirror/report.js';
export { runDiagnosis, diagnosisToJson } from './diagnose/index.js';
export type { DiagnoseOptions } from './diagnose/types.js';

// the emulator
export { EcmtEmulator, startPtyEmulator, emulatorTranscriptHeader, type EcmtEmulatorOptions, type EcmtEmulatorEvents, type PtyEmulator, type PtyEmulatorOptions } from './emulator/index.js';

// transcripts and decoding
export type { TranscriptHeader, TranscriptEntry, TranscriptKind } from './recording/types.js';
export { TranscriptWriter, makeHeader, type TranscriptSink } from './recording/writer.js';
export { TranscriptReader, parseTranscript } from './recording/reader.js';
export { importTextLog } from './transcript/import.js';
export { createRedactor, redactText, type Redactor } from './redact/redact.js';
export { SessionDecoder, type DecoderOptions } from './transcript/decode.js';
export { openSessionInput, type SessionInput } from './transcript/input.js';

// the HTML report
export { renderReport, type RenderOptions, type ReportInput } from './report/index.js';
