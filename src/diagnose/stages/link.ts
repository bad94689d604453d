import { AtEngine } from '../../at/engine.js';
import type { TimelineItem } from '../../at/types.js';
import { defaultGrammar } from '../../grammar.js';
import { text, type Text } from '../../util/i18n.js';
import type { Stage, StageContext, StageResult } from '../types.js';
import { result, same } from '../util.js';

/** How many times `AT` is tried: the first one after opening a port often meets line noise. */
const TRIES = 3;

/** An rx item that is not an AT answer: bytes at the wrong rate, a log port, noise. */
function isGarbage(item: TimelineItem): boolean {
  if (item.dir !== 'rx') return false;
  if (item.role === 'garbage') return true;
  return item.event.type === 'unknown' && item.role !== 'echo' && item.role !== 'answer' && item.event.raw.trim() !== '';
}

/**
 * 1. Serial link and echo: does anything answer `AT`? Echo learned from the answers (drivers
 * want ATE0); error reporting switched to numeric codes (AT+CMEE=1) when it is off, so the
 * later stages can name each failure.
 */
export const linkStage: Stage = {
  id: 'link',
  title: text('Serial link and echo', '串口链路与回显'),
  async run(ctx: StageContext): Promise<StageResult> {
    const seen: Text[] = [];
    const garbage: string[] = [];
    const onItem = (item: TimelineItem): void => {
      if (isGarbage(item) && garbage.length < 20) garbage.push(item.event.raw);
    };
    // a probe engine of its own, without the resync after a timeout (which would double every wait)
    const probe = new AtEngine(ctx.engine.port, { grammar: defaultGrammar(), resyncCommand: null, timeoutMs: ctx.options.probeTimeoutMs, clock: ctx.clock });
    probe.on('item', onItem);
    let tries = 0;
    let answered = false;
    let probeEcho: boolean | null = null;
    try {
      while (tries < TRIES && !answered) {
        tries++;
        const o = await probe.send('AT');
        answered = o.status === 'ok' || o.status === 'error';
        if (answered || tries === TRIES) {
          if (o.status === 'timeout') seen.push(text(`AT → no answer (${tries} tries, ${o.timeoutMs} ms each)`, `AT → 无应答（尝试 ${tries} 次，每次 ${o.timeoutMs} ms）`));
          else seen.push(same(`AT → ${o.status === 'error' ? o.error.raw.trim() : o.status === 'ok' ? 'OK' : o.status}`));
        }
      }
      probeEcho = probe.echo;
    } finally {
      probe.off('item', onItem);
      probe.dispose();
    }
    // an AT that timed out may still be answered late: let that land while nothing is pending
    if (answered && tries > 1) await ctx.sleep(ctx.options.probeTimeoutMs);
    const garbageBytes = garbage.reduce((n, g) => n + g.length, 0);
    if (!answered) {
      if (garbage.length > 0) {
        const sample = JSON.stringify(garbage[0]!.slice(0, 24));
        seen.push(text(`received ${garbageBytes} bytes that are not AT answers, e.g. ${sample}`, `收到 ${garbageBytes} 字节非 AT 应答的数据，例如 ${sample}`));
      }
      const r = result(
        'fail',
        garbage.length > 0
          ? text('the port sends bytes, but no answer to AT', '端口有数据，但对 AT 没有应答')
          : text('no answer to AT at all', '对 AT 完全没有应答'),
        seen,
        garbage.length > 0
          ? text(
              'wrong baud rate? not the AT port? (try --baud auto; USB modules expose several ports, one of them a debug/log port: try "cat1 ports --probe")',
              '波特率不对？不是 AT 口？（试试 --baud auto；USB 模组有多个端口，其中有调试/日志口：试试 "cat1 ports --probe"）',
            )
          : text(
              'not the AT port? module off or still booting? (check power and the PWRKEY pulse; USB modules expose several ports: try "cat1 ports --probe"; on a UART check TX/RX are crossed and try --baud auto)',
              '不是 AT 口？模组未开机或仍在启动？（检查供电和 PWRKEY 开机脉冲；USB 模组有多个端口：试试 "cat1 ports --probe"；串口请检查 TX/RX 是否交叉，并试试 --baud auto）',
            ),
        { answered: false, tries, garbageBytes },
      );
      r.unreachable = true;
      return r;
    }
    // numeric error codes, so that every later failure can be named
    let cmee: number | null = null;
    const q = await ctx.send('AT+CMEE?', seen);
    const echo = ctx.engine.echo ?? probeEcho;
    ctx.facts.echo = echo;
    if (q.status === 'ok') {
      const m = /\+CMEE:\s*(\d)/i.exec(q.lines.map((l) => l.raw).join('\n'));
      cmee = m ? Number(m[1]) : null;
    }
    let cmeeSet = false;
    if (cmee === 0) {
      const s = await ctx.send('AT+CMEE=1', seen);
      if (s.status === 'ok') {
        cmee = 1;
        cmeeSet = true;
      }
    }
    ctx.facts.cmee = cmee;
    const data = { answered: true, tries, garbageBytes, echo, cmee, cmeeSet };
    const echoText = echo === true ? text('echo on', '回显开启') : echo === false ? text('echo off', '回显关闭') : text('echo unknown', '回显未知');
    const cmeeText = cmeeSet
      ? text('errors were plain ERROR: switched to numeric codes for this session (AT+CMEE=1)', '错误原为纯 ERROR：本次会话已切换为数字错误码（AT+CMEE=1）')
      : cmee === 2
        ? text('errors as text (CMEE=2)', '错误以文本显示（CMEE=2）')
        : cmee === 1
          ? text('errors numbered (CMEE=1)', '错误以数字显示（CMEE=1）')
          : null;
    const parts = [text(`AT answered${tries > 1 ? ` on try ${tries}` : ''}`, `AT 有应答${tries > 1 ? `（第 ${tries} 次）` : ''}`), echoText, cmeeText].filter((p): p is Text => p !== null);
    const summary = text(parts.map((p) => p.en).join(', '), parts.map((p) => p.zh).join('，'));
    if (echo === true) {
      return result(
        'warn',
        summary,
        seen,
        text(
          'echo is on: drivers usually expect ATE0 (send ATE0 at start-up); a driver that does not expect the echo reads it as the answer',
          '回显已开启：驱动通常要求 ATE0（启动时发送 ATE0）；不处理回显的驱动会把回显当成应答',
        ),
        data,
      );
    }
    return result('pass', summary, seen, null, data);
  },
};
