import type { EventOf, ModemEvent } from '../../urc/types.js';
import { text, type Text } from '../../util/i18n.js';
import { waitUntil } from '../../util/waiter.js';
import type { Stage, StageContext, StageResult } from '../types.js';
import { cmeCode, cmeText, notAnswered, result, same } from '../util.js';

const NOT_CONCLUSIVE = text(
  'no ping replies: many brokers and operator networks block ICMP, so this alone proves nothing; the MQTT open (stage 9) is the real test',
  '没有 ping 回复：很多服务器和运营商网络屏蔽 ICMP，仅凭这一点不能说明问题；MQTT 打开（第 9 阶段）才是真正的检验',
);

/**
 * 8. Ping (only when asked): AT+ECPING="<broker>",<count>,32,<timeout>, then the
 * `+ECPING: SUCC/FAIL` URCs and `+ECPING: DONE`. Never a failure: ICMP is often blocked.
 */
export const pingStage: Stage = {
  id: 'ping',
  title: text('Ping from the module', '模组 ping 测试'),
  async run(ctx: StageContext): Promise<StageResult> {
    const p = ctx.options.ping;
    if (!p) return result('skip', text('not requested (--ping)', '未要求（--ping）'), [], null, {});
    const host = ctx.options.broker.host;
    const seen: Text[] = [];
    const replies: EventOf<'ecping'>[] = [];
    let done = false;
    const onUrc = (ev: ModemEvent): void => {
      if (ev.type !== 'ecping') return;
      if (ev.kind === 'done') done = true;
      else replies.push(ev);
    };
    ctx.engine.on('urc', onUrc);
    try {
      const o = await ctx.send(`AT+ECPING="${host}",${p.count},32,${p.timeoutMs}`, seen);
      if (o.status !== 'ok') {
        const code = cmeCode(o);
        const na = code !== null ? { summary: cmeText(code), hint: code === 423 ? text(`the module cannot resolve ${host} (see the DNS stage)`, `模组无法解析 ${host}（见 DNS 阶段）`) : NOT_CONCLUSIVE } : (notAnswered(o, 'AT+ECPING') ?? { summary: text('no ping', '未能 ping'), hint: NOT_CONCLUSIVE });
        return result('warn', na.summary, seen, na.hint, { host, cme: code });
      }
      const budget = p.count * p.timeoutMs + 2000;
      ctx.progress(text(`waiting for ping replies from ${host} (up to ${Math.round(budget / 1000)} s)…`, `等待 ${host} 的 ping 回复（最多 ${Math.round(budget / 1000)} 秒）…`));
      // onUrc, registered first, sees each URC before this check does
      await waitUntil(ctx.engine, ['urc'], () => done, { timeoutMs: budget, clock: ctx.clock });
    } finally {
      ctx.engine.off('urc', onUrc);
    }
    for (const r of replies) seen.push(same(ctx.mask(r.raw.trim(), 'rx')));
    const ok = replies.filter((r) => r.kind === 'succ');
    const rtts = ok.map((r) => r.rttMs).filter((n): n is number => n !== null);
    const avg = rtts.length > 0 ? Math.round(rtts.reduce((a, b) => a + b, 0) / rtts.length) : null;
    const data = { host, sent: p.count, received: ok.length, replies: replies.length, rttAvgMs: avg, done };
    if (!done && replies.length < p.count) {
      return result('warn', text(`ping did not finish: ${ok.length} of ${p.count} replies, no +ECPING: DONE`, `ping 未完成：收到 ${ok.length}/${p.count} 个回复，没有 +ECPING: DONE`), seen, NOT_CONCLUSIVE, data);
    }
    if (ok.length === 0) return result('warn', text(`no reply from ${host} (${p.count} sent)`, `${host} 无回复（发送 ${p.count} 个）`), seen, NOT_CONCLUSIVE, data);
    const summary = text(`${ok.length} of ${p.count} replies from ${host}${avg === null ? '' : `, average ${avg} ms`}`, `${host} 回复 ${ok.length}/${p.count}${avg === null ? '' : `，平均 ${avg} ms`}`);
    if (ok.length < p.count) {
      return result('warn', summary, seen, text('some pings were lost: a weak or congested link (see the signal stage); MQTT over it will see retransmissions', '部分 ping 丢失：链路弱或拥塞（见信号阶段）；MQTT 会出现重传'), data);
    }
    return result('pass', summary, seen, null, data);
  },
};
