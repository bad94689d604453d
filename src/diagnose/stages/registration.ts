import type { AtOutcome } from '../../at/types.js';
import { actMeaning, regStatMeaning } from '../../urc/codes.js';
import type { EventOf } from '../../urc/types.js';
import { text, type Text } from '../../util/i18n.js';
import type { Stage, StageContext, StageResult } from '../types.js';
import { cmeCode, cmeText, lineOf, notAnswered, result, secs } from '../util.js';

/** Registered for data: home, roaming, and the "CSFB not preferred" variants. */
const REGISTERED = new Set([1, 5, 9, 10]);
/** Worth waiting for: searching, unknown (e.g. out of coverage for a moment). */
const TRANSIENT = new Set([2, 4]);

export const REGISTRATION_HINTS = {
  denied: text(
    'registration denied by the network: check the SIM is activated and has a data plan for this radio (NB-IoT and CAT1 need their own subscription), the operator (AT+COPS?) and the reject cause (AT+CEER)',
    '网络拒绝注册：检查 SIM 卡是否已激活、是否开通了该制式的数据业务（NB-IoT 和 CAT1 需要各自的套餐）、运营商（AT+COPS?）以及拒绝原因（AT+CEER）',
  ),
  notSearching: text(
    'not registered and not searching: the module is not trying: check the SIM (stage 3), automatic operator selection (AT+COPS? — AT+COPS=0 starts it) and the band settings',
    '未注册且未在搜索：模组没有尝试注册：检查 SIM 卡（第 3 阶段）、自动选网（AT+COPS? —— AT+COPS=0 开启）以及频段设置',
  ),
  searching: (s: number): Text =>
    text(
      `still searching after ${s} s: check the antenna, that the operator covers this place on the module's bands (AT+ECSTATUS shows the cell), and give it longer (NB-IoT can take minutes: run again with a larger --timeout)`,
      `${s} 秒后仍在搜索网络：检查天线、运营商在此处是否有模组所支持频段的覆盖（AT+ECSTATUS 显示小区信息），并多等一会儿（NB-IoT 可能需要几分钟：用更大的 --timeout 再运行）`,
    ),
  limited: text(
    'registered for SMS or emergency only: no data service: the SIM\'s subscription has no data for this radio: ask the operator',
    '仅注册了短信或紧急业务：没有数据业务：该 SIM 卡没有开通此制式的数据业务，请咨询运营商',
  ),
  radioOff: (fun: number): Text =>
    text(
      `the radio is off (CFUN=${fun}): send AT+CFUN=1, and find what switched it off (a driver's power saving, a previous AT+CFUN=0/4)`,
      `射频已关闭（CFUN=${fun}）：发送 AT+CFUN=1，并查明是谁关闭的（驱动的省电逻辑、之前的 AT+CFUN=0/4）`,
    ),
} as const;

function statText(reg: EventOf<'reg'>): Text {
  const m = regStatMeaning(reg.stat) ?? text(`registration state ${reg.stat}`, `注册状态 ${reg.stat}`);
  const a = reg.act === null ? null : actMeaning(reg.act);
  return a ? text(`${m.en} (${a.en})`, `${m.zh}（${a.zh}）`) : m;
}

/**
 * 5. Registration: AT+CFUN? (full function), then AT+CEREG?: home (1) or roaming (5) pass;
 * searching (2) is polled every pollMs up to registrationBudgetMs, with progress; still
 * searching then, denied (3), not registered (0) or SMS/emergency only fail.
 */
export const registrationStage: Stage = {
  id: 'registration',
  title: text('Network registration', '网络注册'),
  async run(ctx: StageContext): Promise<StageResult> {
    const seen: Text[] = [];
    const fun = lineOf(await ctx.send('AT+CFUN?', seen), 'cfun');
    if (fun && fun.fun !== 1) {
      ctx.facts.registered = false;
      return result('fail', text(`the radio is off (CFUN=${fun.fun})`, `射频已关闭（CFUN=${fun.fun}）`), seen, REGISTRATION_HINTS.radioOff(fun.fun), { cfun: fun.fun });
    }
    let o: AtOutcome = await ctx.send('AT+CEREG?', seen);
    let reg = lineOf(o, 'reg');
    const budget = ctx.options.registrationBudgetMs;
    const started = ctx.now();
    let polls = 0;
    let last: Text | null = null;
    while (reg && TRANSIENT.has(reg.stat) && ctx.now() - started < budget) {
      await ctx.sleep(Math.min(ctx.options.pollMs, Math.max(0, budget - (ctx.now() - started))));
      ctx.progress(text(`waiting for network registration… ${secs(ctx.now() - started)} s`, `等待网络注册… ${secs(ctx.now() - started)} 秒`));
      const scratch: Text[] = [];
      o = await ctx.send('AT+CEREG?', scratch);
      polls++;
      last = scratch[0] ?? null;
      const next = lineOf(o, 'reg');
      if (!next) break;
      reg = next;
    }
    const waitedMs = polls > 0 ? ctx.now() - started : 0;
    if (last) seen.push(text(`${last.en} (after ${secs(waitedMs)} s, ${polls} polls)`, `${last.zh}（${secs(waitedMs)} 秒后，查询 ${polls} 次）`));
    const data: Record<string, unknown> = { cfun: fun?.fun ?? null, stat: reg?.stat ?? null, act: reg?.act ?? null, tac: reg?.tac ?? null, ci: reg?.ci ?? null, waitedMs: Math.round(waitedMs), polls };
    ctx.facts.act = reg?.act ?? null;
    if (!reg) {
      ctx.facts.registered = false;
      const code = cmeCode(o);
      if (code !== null) return result('fail', cmeText(code), seen, text('AT+CEREG? was refused: check the SIM (stage 3) and try AT+CREG?', 'AT+CEREG? 被拒绝：检查 SIM 卡（第 3 阶段）并试试 AT+CREG?'), data);
      const na = notAnswered(o, 'AT+CEREG?') ?? { summary: text('AT+CEREG? gave no registration state', 'AT+CEREG? 没有返回注册状态'), hint: text('try AT+CREG? and AT+CGREG?', '试试 AT+CREG? 和 AT+CGREG?') };
      return result('fail', na.summary, seen, na.hint, data);
    }
    const what = statText(reg);
    ctx.facts.registered = REGISTERED.has(reg.stat);
    if (REGISTERED.has(reg.stat)) {
      const summary = waitedMs > 0 ? text(`${what.en}, after ${secs(waitedMs)} s of searching`, `${what.zh}，搜索了 ${secs(waitedMs)} 秒`) : what;
      return result('pass', summary, seen, null, data);
    }
    if (TRANSIENT.has(reg.stat)) return result('fail', what, seen, REGISTRATION_HINTS.searching(secs(waitedMs)), data);
    if (reg.stat === 3) return result('fail', what, seen, REGISTRATION_HINTS.denied, data);
    if (reg.stat === 0) return result('fail', what, seen, REGISTRATION_HINTS.notSearching, data);
    return result('fail', what, seen, REGISTRATION_HINTS.limited, data);
  },
};
