import type { AtOutcome } from '../../at/types.js';
import type { EventOf } from '../../urc/types.js';
import { text, type Text } from '../../util/i18n.js';
import type { Stage, StageContext, StageResult } from '../types.js';
import type { PdpCheck } from '../../dialects/types.js';
import { cmeCode, lineOf, result, stageDialect } from '../util.js';

export const PDP_HINTS = {
  notAttached: text(
    'not attached to the packet domain: send AT+CGATT=1; if it stays 0, check the APN with AT+CGDCONT? and that the subscription has data',
    '未附着分组域：发送 AT+CGATT=1；如果仍为 0，用 AT+CGDCONT? 检查 APN，并确认套餐包含数据业务',
  ),
  noAddress: text(
    'PDN not active: check the APN with AT+CGDCONT? (it must be the SIM\'s APN, e.g. cmnbiot / cmnet / ctnb for China Mobile / Telecom IoT cards), PDP authentication (CME 149) and AT+CGACT?',
    'PDN 未激活：用 AT+CGDCONT? 检查 APN（必须是该 SIM 卡的 APN，例如移动/电信物联网卡的 cmnbiot / cmnet / ctnb）、PDP 鉴权（CME 149）以及 AT+CGACT?',
  ),
} as const;

function addressed(o: AtOutcome): EventOf<'cgpaddr'>[] {
  return o.lines.filter((l): l is EventOf<'cgpaddr'> => l.type === 'cgpaddr' && l.addresses.length > 0);
}

/**
 * 6. PDP context and address: AT+CGATT? (attached), then AT+CGPADDR (an address for any
 * context: NB-IoT EC616 uses cid 0, CAT1 usually cid 1). No address → the PDN is not active:
 * the APN is shown (AT+CGDCONT?) for the hint.
 */
export const pdpStage: Stage = {
  id: 'pdp',
  title: text('PDP context and address', 'PDP 上下文与地址'),
  async run(ctx: StageContext): Promise<StageResult> {
    const seen: Text[] = [];
    const att = lineOf(await ctx.send('AT+CGATT?', seen), 'cgatt');
    const apn = async (): Promise<string[]> => {
      const o = await ctx.send('AT+CGDCONT?', seen);
      return o.lines.filter((l) => /^\+CGDCONT:/i.test(l.raw.trim())).map((l) => l.raw.trim());
    };
    if (att && !att.attached) {
      ctx.facts.pdp = null;
      ctx.facts.pdpActive = false;
      const contexts = await apn();
      return result('fail', text('not attached to the packet domain (+CGATT: 0)', '未附着分组域（+CGATT: 0）'), seen, PDP_HINTS.notAttached, { attached: false, contexts });
    }
    const check = stageDialect(ctx).dialect.pdpCheck;
    if (check) return dialectPdp(ctx, check, seen, att?.attached ?? null, apn);
    let o = await ctx.send('AT+CGPADDR', seen);
    let found = addressed(o);
    if (found.length === 0 && o.status !== 'ok') {
      // some builds want the cid: the NB-IoT default bearer (0), then the CAT1 one (1)
      const order = ctx.facts.act === 7 ? [1, 0] : [0, 1];
      for (const cid of order) {
        o = await ctx.send(`AT+CGPADDR=${cid}`, seen);
        found = addressed(o);
        if (found.length > 0) break;
      }
    }
    const first = found[0];
    if (!first) {
      ctx.facts.pdp = null;
      ctx.facts.pdpActive = false;
      const contexts = await apn();
      const code = cmeCode(o);
      return result(
        'fail',
        text(`no context has an address: the PDN is not active${code === null ? '' : ` (CME ${code})`}`, `没有上下文获得地址：PDN 未激活${code === null ? '' : `（CME ${code}）`}`),
        seen,
        PDP_HINTS.noAddress,
        { attached: att?.attached ?? null, contexts },
      );
    }
    const address = first.addresses[0]!;
    ctx.facts.pdp = { cid: first.cid, address };
    ctx.facts.pdpActive = true;
    return result('pass', text(`context ${first.cid} has address ${first.addresses.join(', ')}`, `上下文 ${first.cid} 的地址：${first.addresses.join('，')}`), seen, null, {
      attached: att?.attached ?? null,
      cid: first.cid,
      addresses: first.addresses,
    });
  },
};

/**
 * The dialect's own PDP check (Quectel: `AT+QIACT?`, one `+QIACT: <cid>,<state>,<type>,"<ip>"`
 * line per active context, a bare OK when none: qmt.md §4). The first listed context with state
 * 1 and an address passes; none fails, naming the command and its answer.
 */
async function dialectPdp(ctx: StageContext, check: PdpCheck, seen: Text[], attached: boolean | null, apn: () => Promise<string[]>): Promise<StageResult> {
  const o = await ctx.send(check.command, seen);
  const prefix = check.answerPrefix.toUpperCase();
  const active: Array<{ cid: number; address: string }> = [];
  for (const l of o.lines) {
    const raw = l.raw.trim();
    if (!raw.toUpperCase().startsWith(`${prefix}:`)) continue;
    const m = /^[^:]+:\s*(\d+)\s*,\s*(\d+)\s*,\s*\d+\s*,\s*"([^"]*)"/.exec(raw);
    if (m && m[2] === '1' && m[3]) active.push({ cid: Number(m[1]), address: m[3] });
  }
  const first = active[0];
  if (!first) {
    ctx.facts.pdp = null;
    ctx.facts.pdpActive = false;
    const contexts = await apn();
    const answer = o.status === 'ok' ? text(`answered OK with no ${check.answerPrefix} line`, `只回 OK，没有 ${check.answerPrefix} 行`) : text(`answered ${o.status === 'error' ? o.error.raw.trim() : o.status}`, `回复 ${o.status === 'error' ? o.error.raw.trim() : o.status}`);
    return result(
      'fail',
      text(`no active PDP context: ${check.command} ${answer.en}`, `没有已激活的 PDP 上下文：${check.command} ${answer.zh}`),
      seen,
      text(`${PDP_HINTS.noAddress.en}; ${check.doc.en}`, `${PDP_HINTS.noAddress.zh}；${check.doc.zh}`),
      { attached, contexts, check: check.command },
    );
  }
  ctx.facts.pdp = { cid: first.cid, address: first.address };
  ctx.facts.pdpActive = true;
  return result('pass', text(`context ${first.cid} is active with address ${first.address} (${check.command})`, `上下文 ${first.cid} 已激活，地址 ${first.address}（${check.command}）`), seen, null, {
    attached,
    cid: first.cid,
    addresses: active.map((a) => a.address),
    check: check.command,
  });
}
