import stringWidth from 'string-width';
import type { Out } from '../io.js';
import { outcomeWord, type FleetModule } from './fleet-run.js';

/**
 * The live table of a fleet run on a terminal: one row per module (port, identity, current
 * step, result, time), redrawn in place at most every 100 ms. Never used off a terminal or
 * with --json.
 */
export class LiveTable {
  readonly #mods: readonly FleetModule[];
  readonly #out: Out;
  #drawn = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #stopped = false;

  constructor(mods: readonly FleetModule[], out: Out) {
    this.#mods = mods;
    this.#out = out;
    this.#draw();
  }

  /** Something changed: redraw soon. */
  update(): void {
    if (this.#stopped || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#draw();
    }, 100);
  }

  /** Stop redrawing and clear the live rows (the caller prints the final table). */
  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#drawn > 0) process.stdout.write(`\x1b[${this.#drawn}A\x1b[J`);
    this.#drawn = 0;
  }

  render(): string[] {
    const rows = this.#mods.map((m) => {
      const t = m.startedAt === null ? '' : `${(((m.outcome === 'running' ? Date.now() - m.startedAt : m.elapsedMs) / 1000).toFixed(1))} s`;
      return [String(m.index), m.port, m.clientId ? `${m.name} ${m.clientId}` : m.name, m.step, m.outcome, t, m.summary];
    });
    const head = ['#', 'port', 'identity', 'step', 'result', 'time', ''];
    // columns by display width: a Chinese step or port name takes two columns a character
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => stringWidth(r[i]!))));
    const pad = (c: string, w: number): string => c + ' '.repeat(Math.max(0, w - stringWidth(c)));
    const fmt = (r: string[], paint: boolean): string =>
      r
        .map((c, i) => {
          const padded = i === r.length - 1 ? c : pad(c, widths[i]!);
          return paint && i === 4 ? outcomeWord(c as FleetModule['outcome'], this.#out) + ' '.repeat(Math.max(0, widths[i]! - stringWidth(c))) : padded;
        })
        .join('  ')
        .trimEnd();
    const cols = process.stdout.columns || 120;
    return [fmt(head, false), ...rows.map((r) => fmt(r, true))].map((l) => (l.length > cols + 20 ? l.slice(0, cols + 20) : l));
  }

  #draw(): void {
    if (this.#stopped) return;
    const lines = this.render();
    const up = this.#drawn > 0 ? `\x1b[${this.#drawn}A\x1b[J` : '';
    process.stdout.write(up + lines.join('\n') + '\n');
    this.#drawn = lines.length;
  }
}
