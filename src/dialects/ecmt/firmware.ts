import { CatError } from '../../util/errors.js';
/**
 * Firmware profiles as data: the limits of each build (../shared/protocol/ecmt.md §2.1) and
 * the quirks the emulator plays and the lint and verdict know about.
 */

export type FirmwareProfileName = 'ec616s' | 'ec616-legacy' | 'manual' | 'ec626-tls' | 'no-quirk' | 'old-truncating';

export const PROFILE_NAMES: readonly FirmwareProfileName[] = ['ec616s', 'ec616-legacy', 'manual', 'ec626-tls', 'no-quirk', 'old-truncating'];

export interface FirmwareLimits {
  /** longest broker host name; null when the source does not say */
  host: number | null;
  clientId: number;
  username: number;
  password: number;
  topic: number;
  /** longest inline publish payload (the text between the quotes) */
  inlinePayload: number;
  /** longest payload in data (prompt) mode */
  promptPayload: number;
  keepaliveMax: number;
  /** highest `<retain>` value: 40 on EC616S (retain + 10 × RAI), 1 on older builds */
  retainMax: number;
  willTopic: number;
  willMessage: number;
  aliauth: { productKey: number; deviceName: number; deviceSecret: number };
  /** a received PUBLISH larger than this (4 + 128 + 1024) is dropped silently */
  rxBuffer: number;
  /** port used when none is given */
  defaultPort: number;
}

export interface FirmwareQuirks {
  /** client ID, user name and password are used only when all three are non-empty (§2.2) */
  credentialQuirk: boolean;
  /** `+ECMTSUB` value is the count of SUBACK return codes, not the granted QoS */
  subValueIsCount: boolean;
  /** AT+ECMTCONN may answer `+ECMTCONN: 0,2,2` then `+ECMTCONN: 0,0,0` (EC626 field logs) */
  doubleConnUrc: boolean;
  /** the `ssl` config syntax of this build */
  sslSyntax: 'ec616s' | 'ec626';
  /** `AT+ECMTCFG="timeout"` is stored but not used */
  timeoutIgnored: boolean;
  /**
   * A client ID, user name or password over the limit: refused with `+CME ERROR: 3` (the
   * EC616S handler), or cut to the limit and sent (an old build: the module says OK and the
   * broker sees other credentials than the ones given).
   */
  overLongCredential: 'refuse' | 'truncate';
}

export interface FirmwareProfile {
  name: FirmwareProfileName;
  /** what it is and where the numbers come from */
  description: string;
  limits: FirmwareLimits;
  quirks: FirmwareQuirks;
}

const EC616S_LIMITS: FirmwareLimits = {
  host: 127,
  clientId: 48,
  username: 48,
  password: 128,
  topic: 255,
  inlinePayload: 1024,
  promptPayload: 1027,
  keepaliveMax: 3600,
  retainMax: 40,
  willTopic: 255,
  willMessage: 255,
  aliauth: { productKey: 32, deviceName: 32, deviceSecret: 64 },
  rxBuffer: 4 + 128 + 1024,
  defaultPort: 1883,
};

const EC616S_QUIRKS: FirmwareQuirks = {
  credentialQuirk: true,
  subValueIsCount: true,
  doubleConnUrc: false,
  sslSyntax: 'ec616s',
  timeoutIgnored: true,
  overLongCredential: 'refuse',
};

export const FIRMWARE_PROFILES: Readonly<Record<FirmwareProfileName, FirmwareProfile>> = {
  ec616s: {
    name: 'ec616s',
    description: 'Eigencomm EC616S open SDK (limits read in the AT handler sources)',
    limits: EC616S_LIMITS,
    quirks: EC616S_QUIRKS,
  },
  'ec616-legacy': {
    name: 'ec616-legacy',
    description: 'older EC616 SDK header (Lierda NB81-MB26): shorter credential and topic limits, retain 0–1',
    limits: {
      ...EC616S_LIMITS,
      host: null,
      clientId: 31,
      username: 31,
      password: 63,
      topic: 127,
      inlinePayload: 1023,
      promptPayload: 1023,
      retainMax: 1,
      defaultPort: 5830,
    },
    quirks: EC616S_QUIRKS,
  },
  manual: {
    name: 'manual',
    description: 'vendor AT manual "NB-IOT系列模组 AT指令集 V1.0 §3.5": host 100, password 96, inline payload 700 (1024 in data mode)',
    limits: {
      ...EC616S_LIMITS,
      host: 100,
      password: 96,
      inlinePayload: 700,
      promptPayload: 1024,
    },
    quirks: EC616S_QUIRKS,
  },
  'ec626-tls': {
    name: 'ec626-tls',
    description: 'EC626-based builds with TLS seen in field logs: `ssl` files syntax, and a CONNECT that may answer +ECMTCONN: 0,2,2 then 0,0,0',
    limits: EC616S_LIMITS,
    quirks: { ...EC616S_QUIRKS, doubleConnUrc: true, sslSyntax: 'ec626' },
  },
  'no-quirk': {
    name: 'no-quirk',
    description: 'a build WITHOUT the credential quirk (client ID, user name and password sent as given, like a direct client); EC616S limits otherwise. Not a documented firmware: a control for the verdict (inference, ecmt.md §2.2 names the quirk as build-specific)',
    limits: EC616S_LIMITS,
    quirks: { ...EC616S_QUIRKS, credentialQuirk: false },
  },
  'old-truncating': {
    name: 'old-truncating',
    description: 'an old build whose password limit (32 bytes) is below the other profiles\' and which CUTS a longer client ID, user name or password instead of refusing it: the module answers OK and the broker sees altered credentials. Not a documented firmware (inference from "refuses or cuts", ecmt.md §2.1)',
    limits: { ...EC616S_LIMITS, password: 32 },
    quirks: { ...EC616S_QUIRKS, credentialQuirk: false, overLongCredential: 'truncate' },
  },
};

export function firmwareProfile(name: string): FirmwareProfile {
  const p = (FIRMWARE_PROFILES as Record<string, FirmwareProfile | undefined>)[name];
  if (!p) {
    throw new CatError('ERR_INVALID_OPTION', `unknown firmware profile "${name}" (known: ${PROFILE_NAMES.join(', ')})`);
  }
  return p;
}
