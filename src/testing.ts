/**
 * `cat1-bridge/testing`: replay recorded transcripts in your own test suite (vitest, jest…).
 *
 *   const { engine, done } = await openReplay('recordings/connect.jsonl');
 *   expect((await engine.send('AT+ECMTOPEN=0,"broker.example.com",1883')).status).toBe('ok');
 *   await done(); // fails if the recording holds more than was played
 */
import { AtEngine, type AtEngineOptions } from './at/engine.js';
import { defaultGrammar } from './grammar.js';
import { ReplayPort, type ReplayOptions } from './port/replay.js';
import type { TranscriptEntry } from './recording/types.js';

export { ReplayPort, showBytes, type ReplayOptions } from './port/replay.js';
export { createPortPair, type MemoryPair, type MemoryPairOptions } from './port/memory.js';
export { MemorySink, makeHeader } from './recording/writer.js';
export { parseTranscript } from './recording/reader.js';

export interface Replay {
  /** The module side of the recording, as a port: give it to your own driver code. */
  port: ReplayPort;
  /** An AT engine on that port, for tests that speak AT directly. */
  engine: AtEngine;
  /** Wait until the module output due has been delivered, then fail if anything is left unconsumed. */
  done(): Promise<void>;
}

/** Replay a transcript file (or entries) strictly. */
export async function openReplay(source: string | readonly TranscriptEntry[], opts: ReplayOptions & { engine?: Partial<AtEngineOptions> } = {}): Promise<Replay> {
  const { engine: engineOpts, ...replayOpts } = opts;
  const port = typeof source === 'string' ? await ReplayPort.fromFile(source, replayOpts) : new ReplayPort(source, replayOpts);
  const engine = new AtEngine(port, { grammar: defaultGrammar(), resyncCommand: null, ...engineOpts });
  return {
    port,
    engine,
    async done() {
      await port.whenIdle();
      port.assertDone();
    },
  };
}
export { EcmtEmulator, startPtyEmulator, emulatorTranscriptHeader, type EcmtEmulatorOptions } from './emulator/index.js';
export { startEmbeddedBroker, type EmbeddedBroker } from './mirror/broker.js';
