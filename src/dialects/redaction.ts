/**
 * Every dialect's redaction triggers, for the redaction layer (src/redact/). Data only: this file
 * and the `redaction.ts` files it gathers import nothing at run time, so the low redaction layer
 * may read them without importing the dialects' code. The trigger type is defined here for the
same reason (src/redact/types.ts re-exports it).
 *
 * Adding a dialect: add its `redaction.ts` here.
 */
import { ECMT_REDACTION } from './ecmt/redaction.js';
import { QMT_REDACTION } from './qmt/redaction.js';

/** Redaction tag written in place of a secret (`[password]` keeps the length). */
export type SecretTag = 'username' | 'password' | 'psk' | 'aliauth' | 'ssl' | 'device-secret' | (string & {});

/**
 * A redaction trigger: a command (or answer) keyword whose parameters at the given positions are
 * secrets. Data only, read by the redaction layer (`src/redact/`), which holds a partial line back
 * while it could still become one of these.
 */
export interface RedactionTrigger {
  /** rule name in redaction records (`mqtt-conn-credentials`) */
  name: string;
  /** keywords, upper case, found anywhere in a line (`+ECMTCONN`, `+ECMTCON`) */
  keywords: readonly string[];
  /** `set`: only after `=` (commands, echoes); `set-or-answer`: also after `:` (query answers); `answer`: only after `:` */
  after: 'set' | 'set-or-answer' | 'answer';
  /** secret parameter positions → tag (0-based over the parameters after `=`/`:`) */
  params?: Readonly<Record<number, SecretTag>>;
  /**
   * For a configuration command: the keys (first parameter, lower case) whose values are secret;
   * every parameter after the key is redacted (tagged with the key) except a bare number right
   * after it (the client) and, for that key, the words in `keepWords` (`ssl`: `psk`, `ecc`, `ca`).
   */
  configKeys?: readonly string[];
  /** per config key: words kept in clear in the parameter right after the key (case-insensitive) */
  keepWords?: Readonly<Record<string, readonly string[]>>;
  /**
   * Every key of the configuration command (lower case), for firmware that answers a query with
   * the values alone: an answer (after `:`) whose first value is none of these keys has every
   * quoted value masked (tag `config`), since it may be a secret key's.
   */
  knownKeys?: readonly string[];
}



/** The triggers of every dialect, in registry order. */
export const DIALECT_REDACTION: readonly RedactionTrigger[] = [...ECMT_REDACTION, ...QMT_REDACTION];
