import { text, type Text } from '../util/i18n.js';
import type { Cause, CauseId, RunFacts } from './report.js';
import { cause } from './verdict.js';

/**
 * Causes that come from how the run itself went, not from the two sides' answers: the broker
 * went away mid-run (`broker-lost`), or the module stopped answering (`module-silent`). Each
 * rests on its own observation — a fresh direct TCP connect that failed, the time of the
 * module's last byte — and, when present, takes the place of the causes that would otherwise
 * read the same symptoms as the module's network or an unexplained difference.
 */

/** What the verdict needs of the run (CompareReport.run). */
export interface RunFaultEvidence {
  run?: Pick<RunFacts, 'brokerLost' | 'moduleSilent'> | undefined;
}

const secs = (s: number): string => `${s.toFixed(1)} s`;

/** The causes the run's own observations support. */
export function runFaultCauses(e: RunFaultEvidence): Cause[] {
  const out: Cause[] = [];
  const lost = e.run?.brokerLost;
  if (lost) {
    const ev: Text[] = [
      text(`a direct TCP connect from this host at ${secs(lost.at)} (during "${lost.step}") failed: ${lost.code}`, `本机在 ${secs(lost.at)}（“${lost.step}”步骤中）直接发起的 TCP 连接失败：${lost.code}`),
      text(`first noticed: ${lost.seenBy.en}`, `最先发现：${lost.seenBy.zh}`),
    ];
    if (lost.lastOkAt !== null) ev.push(text(`the host last reached the broker at ${secs(lost.lastOkAt)}`, `主机最后一次连到服务器是在 ${secs(lost.lastOkAt)}`));
    out.push(
      cause(
        'broker-lost',
        0.95,
        `the broker went away during the run: at ${secs(lost.at)}, during "${lost.step}", this host could no longer connect to it either (${lost.code}). The broker stopped, restarted or became unreachable for everyone — this says nothing about the module or its carrier network; run again when the broker is back`,
        `运行期间服务器不可用了：在 ${secs(lost.at)}（“${lost.step}”步骤中），本机也连不上它了（${lost.code}）。服务器停止、重启或对所有人都不可达——这与模组及其运营商网络无关；请在服务器恢复后重新运行`,
        ev,
      ),
    );
  }
  const silent = e.run?.moduleSilent;
  if (silent) {
    const last = silent.lastLine === null ? null : silent.lastLine.length > 80 ? `${silent.lastLine.slice(0, 77)}...` : silent.lastLine;
    const at = silent.lastByteAt === null ? text('the module answered nothing since the comparison started', '对比开始后模组没有任何应答') : text(`the module stopped answering at ${secs(silent.lastByteAt)} (last line "${last ?? ''}")`, `模组在 ${secs(silent.lastByteAt)} 停止应答（最后一行 "${last ?? ''}"）`);
    out.push(
      cause(
        'module-silent',
        0.95,
        `${at.en}: ${silent.command} got no answer and not a single byte came within ${silent.waitedMs} ms. The firmware hangs, the module reset or lost power, or the serial link broke — the broker is not involved; power-cycle the module, check its supply and its debug UART log`,
        `${at.zh}：${silent.command} 没有应答，${silent.waitedMs} ms 内没有收到任何字节。固件卡死、模组复位或掉电，或串口断开——与服务器无关；请给模组重新上电，检查供电和调试串口日志`,
        [
          silent.lastByteAt === null ? text('no byte from the module since the comparison started', '对比开始后没有收到模组的任何字节') : text(`last byte from the module at ${secs(silent.lastByteAt)}: "${last ?? ''}"`, `模组最后一个字节在 ${secs(silent.lastByteAt)}："${last ?? ''}"`),
          text(`${silent.command} written at ${secs(silent.sentAt)} (step "${silent.step}"): nothing back within ${silent.waitedMs} ms`, `${silent.command} 于 ${secs(silent.sentAt)} 写出（“${silent.step}”步骤）：${silent.waitedMs} ms 内无任何返回`),
        ],
      ),
    );
  }
  return out;
}

/** Causes a run fault makes moot: the same symptoms, read as something they are not. */
const MOOT: Record<'broker-lost' | 'module-silent', readonly CauseId[]> = {
  // the module failing after the broker died is not its network, nor a loss on either side
  'broker-lost': ['network-module', 'broker-unreachable', 'broker-silent', 'loss-at-broker', 'loss-on-module', 'unexplained'],
  // a module that says nothing did not lose messages, nor find the broker silent
  'module-silent': ['network-module', 'broker-silent', 'loss-at-broker', 'loss-on-module', 'sub-value-count', 'unexplained'],
};

/** Drop the causes a present run fault contradicts. */
export function withoutMootCauses(causes: Cause[]): Cause[] {
  const drop = new Set<CauseId>();
  for (const id of ['broker-lost', 'module-silent'] as const) if (causes.some((c) => c.id === id)) for (const m of MOOT[id]) drop.add(m);
  return drop.size === 0 ? causes : causes.filter((c) => !drop.has(c.id));
}

/** The run stopped early for a reason outside the comparison: the exit code says unreachable (3). */
export function runStoppedBy(causes: readonly Cause[]): 'broker-lost' | 'module-silent' | null {
  for (const c of causes) if (c.id === 'broker-lost' || c.id === 'module-silent') return c.id;
  return null;
}
