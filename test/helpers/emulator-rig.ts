/**
 * The emulator on a real pseudo-terminal for the CLI tests: started for one test and stopped
 * whatever the test does, alone or behind a mosquitto of its own; and a --record transcript read
 * back line by line.
 */
import { readFileSync } from 'node:fs';
import { startPtyEmulator, type PtyEmulator, type PtyEmulatorOptions } from '../../src/emulator/pty.js';
import { parseTranscript } from '../../src/recording/reader.js';
import { startMosquitto, type MosquittoOptions, type RunningMosquitto } from './mosquitto.js';

/** `fn` with an emulator on a pseudo-terminal, stopped afterwards. */
export async function withPty<T>(opts: PtyEmulatorOptions, fn: (pty: PtyEmulator) => Promise<T>): Promise<T> {
  const pty = await startPtyEmulator(opts);
  try {
    return await fn(pty);
  } finally {
    await pty.stop();
  }
}

/** `fn` with a mosquitto of its own and an emulator on a pseudo-terminal, both stopped afterwards. */
export async function withBrokerAndPty<T>(broker: MosquittoOptions, emu: PtyEmulatorOptions, fn: (pty: PtyEmulator, broker: RunningMosquitto) => Promise<T>): Promise<T> {
  const b = await startMosquitto(broker);
  try {
    return await withPty(emu, (pty) => fn(pty, b));
  } finally {
    await b.stop();
  }
}

/** What the host wrote (tx) and what the module said (rx) in a transcript, line by line (blank lines dropped), and its notes, in order. */
export function recordingLines(file: string): Array<{ dir: 'tx' | 'rx' | 'note'; text: string }> {
  const t = parseTranscript(readFileSync(file, 'utf8'), file);
  const out: Array<{ dir: 'tx' | 'rx' | 'note'; text: string }> = [];
  for (const e of t.entries) {
    if (e.dir === 'note') out.push({ dir: 'note', text: e.text });
    else for (const l of e.data.toString('utf8').split(/\r\n?|\n/)) if (l.trim() !== '') out.push({ dir: e.dir, text: l.trim() });
  }
  return out;
}
