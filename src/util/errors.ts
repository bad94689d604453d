/**
 * One error class tree with stable codes. Tests and callers switch on `code`,
 * never on message text. Messages are one line, written for the person at the bench.
 */
export type CatErrorCode =
  | 'ERR_PORT_CLOSED'
  | 'ERR_PORT_OPEN'
  | 'ERR_PORT_WRITE'
  | 'ERR_AT_TIMEOUT'
  | 'ERR_INVALID_OPTION'
  | 'ERR_INVALID_COMMAND'
  | 'ERR_REPLAY_MISMATCH'
  | 'ERR_REPLAY_UNCONSUMED'
  | 'ERR_TRANSCRIPT_FORMAT'
  | 'ERR_INPUT'
  | 'ERR_MODULE_REBOOTED'
  | 'ERR_ECMT_STATE'
  | 'ERR_PAYLOAD'
  | 'ERR_LINT'
  | 'ERR_BROKER'
  | 'ERR_TOOL_MISSING';

export class CatError extends Error {
  readonly code: CatErrorCode;
  /** Extra context a user needs: the command, what was waited for, the file and line... */
  readonly context: Record<string, unknown>;
  /** The message in Chinese, where the thrower wrote it (the CLI prints it under --lang zh). */
  readonly zh: string | undefined;

  constructor(code: CatErrorCode, message: string, options: { cause?: unknown; context?: Record<string, unknown>; zh?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CatError';
    this.code = code;
    this.context = options.context ?? {};
    this.zh = options.zh;
  }
}

export function isCatError(err: unknown, code?: CatErrorCode): err is CatError {
  return err instanceof CatError && (code === undefined || err.code === code);
}

/** A one-line message for any thrown value (never a stack trace). */
export function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
