import { AtTracker } from '../at/tracker.js';
import type { LineGrammar } from '../at/types.js';
import type { TranscriptEntry } from '../recording/types.js';

export interface HostCommand {
  /** the command line, without its CR */
  command: string;
  /** the bytes sent after the prompt (without Ctrl-Z), if any; past a fixed length, what the host wrote beyond it too */
  data?: Buffer;
  /** the payload was cancelled with ESC */
  cancelled?: boolean;
}

/**
 * What the host sent in a transcript, as commands (with their data-mode payloads), however
 * the bytes were split into entries. This is what a strict replay must send again.
 */
export function hostCommands(entries: readonly TranscriptEntry[], grammar: LineGrammar): HostCommand[] {
  const out: HostCommand[] = [];
  const tracker = new AtTracker(
    (item) => {
      const ev = item.event;
      if (ev.type === 'command') out.push({ command: ev.command });
      else if (ev.type === 'data') {
        const last = out[out.length - 1];
        if (last) {
          // bytes written past a fixed length (end 'excess') follow the payload on the wire
          last.data = ev.end === 'excess' && last.data ? Buffer.concat([last.data, ev.payload]) : ev.payload;
          if (ev.end === 'esc') last.cancelled = true;
        }
      }
    },
    { grammar },
  );
  // the module's side too: its answer ends a fixed-length data mode's excess (bytes written after
  // the count and before the answer are not the next command)
  for (const e of entries) {
    if (e.dir === 'tx') tracker.tx(e.data, e.t);
    else if (e.dir === 'rx') tracker.rx(e.data, e.t);
  }
  tracker.end();
  return out;
}
