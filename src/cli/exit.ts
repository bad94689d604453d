import type { CatErrorCode } from '../util/errors.js';

/** Exit codes (README "Exit codes"). */
export const EXIT = {
  /** success; the sides agree */
  OK: 0,
  /** the check found a problem (the sides disagree, a stage failed) */
  PROBLEM: 1,
  /** usage or input error: bad flag, bad config, unreadable or malformed file */
  USAGE: 2,
  /** device or broker unreachable */
  UNREACHABLE: 3,
  /** an internal error (a bug in cat1: an exception that is not a CatError); EX_SOFTWARE of sysexits.h */
  INTERNAL: 70,
  /** interrupted (Ctrl-C / SIGTERM): 128 + SIGINT, as shells report it */
  INTERRUPTED: 130,
} as const;

/** The exit code of a library error. Exhaustive: a new error code does not compile until it is placed here. */
export function exitCodeFor(code: CatErrorCode): number {
  switch (code) {
    case 'ERR_PORT_OPEN':
    case 'ERR_PORT_CLOSED':
    case 'ERR_PORT_WRITE':
    case 'ERR_AT_TIMEOUT':
    case 'ERR_BROKER':
      return EXIT.UNREACHABLE;
    case 'ERR_REPLAY_MISMATCH':
    case 'ERR_REPLAY_UNCONSUMED':
    case 'ERR_MODULE_REBOOTED':
    case 'ERR_ECMT_STATE':
      return EXIT.PROBLEM;
    case 'ERR_INVALID_OPTION':
    case 'ERR_INVALID_COMMAND':
    case 'ERR_TRANSCRIPT_FORMAT':
    case 'ERR_INPUT':
    case 'ERR_PAYLOAD':
    case 'ERR_LINT':
    case 'ERR_TOOL_MISSING':
      return EXIT.USAGE;
    default: {
      const never: never = code;
      return never;
    }
  }
}
