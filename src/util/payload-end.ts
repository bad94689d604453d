/**
 * How the end of a raw message payload (a dialect's multi-line URC) was found.
 *
 * A type of its own at the bottom layer because three layers name it: framing/ finds the end,
 * the dialects' event types (dialect data, `dialects/<name>/events.ts`, below framing/) carry it
 * in their message events, and urc/ joins those events into ModemEvent. Pure data, no code.
 */
export type PayloadEnd =
  /** an empty line followed by a known frame (the module's own framing) */
  | 'frame'
  /** the line ended and no further byte arrived for the quiet time */
  | 'quiet'
  /** end of the input stream after a complete line */
  | 'eof'
  /** a known prefix started a line without the empty line that normally precedes it */
  | 'prefix'
  /** end of the input in the middle of a line, or the block outgrew its bound */
  | 'cut'
  /** read from one line by parseLine, without the framer: later lines may still belong to it */
  | 'line'
  /** exactly the length the header announced (`payloadLength`), then a line terminator */
  | 'length';
