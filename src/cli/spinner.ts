/** Progress of long waits (a spinner line on stderr); the progress bar of long inputs is progress.ts. */
import ora, { type Ora } from 'ora';
import { note } from './io.js';

export interface ProgressOptions {
  /** --json: no progress at all (stdout is for JSON; stderr stays quiet too) */
  json: boolean;
  /** --color / --no-color as given */
  color?: boolean | undefined;
  stream?: NodeJS.WriteStream;
  env?: NodeJS.ProcessEnv;
  /** how long a wait lasts before the line shows, ms. Default 1000. */
  delayMs?: number;
}

/**
 * Progress of long waits (module steps, broker connects) on stderr. On a terminal: one line,
 * updated in place by a maintained spinner library (ora), shown only once a wait lasts longer
 * than about a second, cleared at the end. Not a terminal: the step as a plain "cat1: …" line,
 * as before (logs keep it). Never with --json. NO_COLOR / --no-color: no colour.
 */
export class Progress {
  readonly #stream: NodeJS.WriteStream;
  readonly #tty: boolean;
  readonly #json: boolean;
  readonly #color: boolean;
  readonly #delay: number;
  #spinner: Ora | null = null;
  #timer: NodeJS.Timeout | null = null;
  #text = '';

  constructor(o: ProgressOptions) {
    this.#stream = o.stream ?? process.stderr;
    const env = o.env ?? process.env;
    this.#json = o.json;
    this.#tty = this.#stream.isTTY === true && env['TERM'] !== 'dumb';
    this.#color = o.color !== false && (env['NO_COLOR'] === undefined || env['NO_COLOR'] === '');
    this.#delay = o.delayMs ?? 1000;
  }

  /** A new step is being waited for. */
  update(text: string): void {
    if (this.#json) return;
    if (!this.#tty) {
      note(`cat1: ${text}`);
      return;
    }
    this.#text = text;
    if (this.#spinner) {
      this.#spinner.text = text;
      return;
    }
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#spinner = ora({ text: this.#text, stream: this.#stream, color: this.#color ? 'cyan' : false, discardStdin: false, hideCursor: false, isEnabled: true }).start();
    }, this.#delay);
    this.#timer.unref();
  }

  /** The waiting is over: clear the line. */
  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#spinner?.stop();
    this.#spinner = null;
  }
}
