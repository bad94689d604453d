import { compare } from '../../mirror/compare.js';
import { probeOutcome, probeRestored } from '../../mirror/identity.js';
import type { SideOutcome } from '../../mirror/report.js';
import { text, type Text } from '../../util/i18n.js';
import type { Stage, StageContext, StageResult } from '../types.js';
import { result, stageSession } from '../util.js';

function side(s: SideOutcome): Text {
  if (s.skipped) return text('not run', '未运行');
  const code = s.code === null || s.code === 0 ? '' : ` [${String(s.code)}]`;
  return s.ok ? text(`ok${code}`, `成功${code}`) : text(`failed${code}`, `失败${code}`);
}

/**
 * 10. The comparison with a direct connection from this host (src/mirror/compare.ts): the
 * module's session beside an mqtt.js session with the same values, step by step. The stage
 * passes when both sides behave the same; its report and verdict are attached.
 */
export const compareStage: Stage = {
  id: 'compare',
  title: text('Comparison with a direct connection', '与直连的对比'),
  async run(ctx: StageContext): Promise<StageResult> {
    const o = ctx.options;
    if (!o.compare) return result('skip', text('not requested (--no-compare)', '未要求（--no-compare）'), [], null, {});
    const { session } = stageSession(ctx);
    const report = await compare({
      ...o.compare,
      session,
      broker: o.broker,
      credentials: o.credentials,
      // dialect-neutral: compare() turns them into the module's configuration settings
      settings: o.settings,
      logSecrets: o.logSecrets,
      reconnect: o.reconnect,
      // the broker accepted the module in stage 9: unreachable now means it went away
      ...(ctx.facts.mqttConnected === true ? { brokerUpEarlier: text('the broker accepted the module in stage 9 (CONNACK 0)', '服务器在第 9 阶段接受了模组（CONNACK 0）') } : {}),
      onProgress: (t) => ctx.progress(t),
    });
    const seen: Text[] = report.steps.map((s) => {
      const m = side(s.module);
      const d = side(s.direct);
      return text(`${s.step}: module ${m.en}, direct ${d.en}${s.same ? '' : ' — DIFFERS'}`, `${s.step}：模组${m.zh}，直连${d.zh}${s.same ? '' : ' —— 不同'}`);
    });
    const pr = report.identity.probe;
    if (pr) {
      const what = probeOutcome(pr);
      const back = probeRestored(pr);
      seen.push(text(`${what.en}; ${back.en}`, `${what.zh}；${back.zh}`));
    }
    const top = report.verdict.causes[0];
    const data = {
      agree: report.agree,
      causes: report.verdict.causes.map((c) => c.id),
      steps: report.steps.map((s) => ({ step: s.step, same: s.same, module: s.module.ok, direct: s.direct.ok })),
    };
    // a cause is the next thing to check when something failed; after a clean run it is only a remark
    const moduleFailed = report.steps.some((s) => !s.module.ok && !s.module.skipped);
    const run = report.run;
    const stopped = run !== undefined && (run.brokerLost !== null || run.moduleSilent !== null);
    // a session found on the module was only observed: what ran may agree, but the rest is not verified
    const unverified = !stopped && run !== undefined && run.notRun.length > 0 && report.steps.every((s) => s.notRun || s.same);
    const status = report.agree ? 'pass' : unverified ? 'not-run' : 'fail';
    const hint = unverified ? run.notRun[0]!.how : top && (!report.agree || moduleFailed) ? top.text : null;
    const r = result(status, report.verdict.summary, seen, hint, { ...data, ...(run ? { notRun: run.notRun.map((n) => n.step), stoppedBy: run.brokerLost ? 'broker-lost' : run.moduleSilent ? 'module-silent' : null } : {}) });
    r.report = report;
    return r;
  },
};
