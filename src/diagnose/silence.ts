import type { AtEngine } from '../at/engine.js';
import type { TimelineItem } from '../at/types.js';
import { text, type Text } from '../util/i18n.js';
import type { StageResult } from './types.js';

/**
 * A module that stopped answering mid-diagnosis (a hung firmware, a stopped process): after a
 * failed stage, when the last command written got not a single byte back, one `AT` tells a
 * silent module from a command that failed on its own. A silent module ends the run: every
 * later command would only wait for its timeout. The stage then says when the module's last
 * byte came and what its last line was (`module-silent`, exit 3).
 */
export class SilenceWatch {
  readonly #engine: AtEngine;
  #lastTx: { t: number; command: string } | null = null;
  readonly #onItem = (item: TimelineItem): void => {
    if (item.role === 'command' && item.event.type === 'command') this.#lastTx = { t: item.t ?? this.#engine.elapsed(), command: item.event.command };
  };

  constructor(engine: AtEngine) {
    this.#engine = engine;
    engine.on('item', this.#onItem);
  }

  detach(): void {
    this.#engine.off('item', this.#onItem);
  }

  /** No byte since the last command was written. */
  #quiet(): boolean {
    const tx = this.#lastTx;
    const rx = this.#engine.lastRx;
    return tx !== null && (rx === null || rx.t < tx.t);
  }

  /**
   * The failed stage's result, rewritten when the module is silent (confirmed by one AT with
   * `probeMs`); null when it is not.
   */
  async check(r: StageResult, probeMs: number, mask: (line: string, dir: 'tx' | 'rx') => string): Promise<StageResult | null> {
    if (r.status !== 'fail' || r.unreachable || r.data['stoppedBy'] || !this.#quiet()) return null;
    const unanswered = this.#lastTx!;
    const probe = await this.#engine.send('AT', { timeoutMs: probeMs });
    if (probe.status !== 'timeout' || !this.#quiet()) return null;
    const rx = this.#engine.lastRx;
    const raw = rx?.line.trim() ?? null;
    const last = raw === null ? null : /^\d{6,}$/.test(raw) ? '*'.repeat(raw.length) : mask(raw, 'rx');
    const cmd = mask(unanswered.command, 'tx');
    const at: Text = rx
      ? text(`the module stopped answering at ${rx.t.toFixed(1)} s (last line "${last ?? ''}")`, `模组在 ${rx.t.toFixed(1)} 秒停止应答（最后一行 "${last ?? ''}"）`)
      : text('the module never answered', '模组从未应答');
    return {
      ...r,
      summary: text(`${at.en}: ${cmd} got no answer, nor did an AT after it`, `${at.zh}：${cmd} 没有应答，之后的 AT 也没有应答`),
      seen: [...r.seen, text(`AT → no answer within ${probeMs} ms (the module is silent)`, `AT → ${probeMs} ms 内无应答（模组无响应）`)],
      hint: text(
        'the module is silent — a hung firmware, a reset or power problem, or a broken serial link; the broker is not involved: power-cycle the module, check its supply and its debug UART log, then run again',
        '模组无响应——固件卡死、复位或供电问题，或串口断开；与服务器无关：给模组重新上电，检查供电和调试串口日志后重新运行',
      ),
      data: { ...r.data, stoppedBy: 'module-silent', silence: { lastByteAt: rx ? Math.round(rx.t * 1000) / 1000 : null, lastLine: last, command: cmd, sentAt: Math.round(unanswered.t * 1000) / 1000 } },
    };
  }
}
