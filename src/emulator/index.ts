/**
 * The software ECMT module: see README.md in this folder for what it reproduces.
 */
export { EcmtEmulator } from './emulator.js';
export { startPtyEmulator, socatAvailable, type PtyEmulator, type PtyEmulatorOptions } from './pty.js';
export { emulatorTranscriptHeader, type EmulatorHeaderOptions } from './recorder.js';
export { defaultConnect, resolveHost, pemFromBase64, type SslConfig } from './network.js';
export { aliyunCredentials, ALIYUN_TIMESTAMP, type AliAuth } from './aliauth.js';
export { buildConnect, chooseCredentials, type SessionState, type SessionConfig, type ConnParams, type ConnectChoice } from '../dialects/ecmt/emulator-session.js';
export { parseCommandLine, splitArgs, type AtCommand, type Param } from '../at/command-line.js';
export { mulberry32 } from './prng.js';
export {
  defaultConditions,
  defaultIdentity,
  type ConditionsInput,
  type ConnectHook,
  type ConnectTarget,
  type DnsCondition,
  type EcmtEmulatorOptions,
  type EmulatorConditions,
  type EmulatorIdentity,
  type FaultOptions,
  type IncomingMessage,
  type RatCondition,
  type RegistrationCondition,
  type SimCondition,
} from './options.js';
export type { EcmtEmulatorEvents } from './types.js';
