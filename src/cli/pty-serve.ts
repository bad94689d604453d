/**
 * What the verbs that watch a byte stream share (monitor, term, emulate, replay), in three
 * files: the timeline of both directions (timeline-tap.ts), the raw bytes chunk by chunk
 * (chunk-tap.ts), and the device link a pseudo-terminal is served on (device-link.ts).
 */
export { clockTime, TimelineTap, itemJson, printingTap, itemLines, type TimelineTapOptions } from './timeline-tap.js';
export { ChunkTap, hex, ascii, formatChunk, type RawChunk } from './chunk-tap.js';
export { delay, checkLinkPath, watchDevice } from './device-link.js';
