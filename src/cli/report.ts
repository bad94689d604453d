import type { CompareReport, RunFacts, SideOutcome } from '../mirror/report.js';
import { text } from '../util/i18n.js';
import type { Out } from './io.js';
import { fieldLabel } from '../dialects/ecmt/lint.js';
import { probeOutcome, probeRestored } from '../mirror/identity.js';
import { dialectNamed, commandLine } from '../dialects/words.js';
import { isDialectName } from '../dialects/index.js';

function cell(s: SideOutcome, out: Out): string {
  if (s.skipped) return out.p.dim(`– ${out.t(s.detail)}`);
  const mark = s.ok ? out.p.green('✓') : out.p.red('✗');
  const code = s.code === null || s.code === 0 ? '' : ` [${String(s.code)}]`;
  const lat = s.latencyMs === null ? '' : out.p.dim(` ${s.latencyMs} ms`);
  return `${mark}${code} ${out.t(s.detail)}${lat}`;
}

/** The side-by-side table and the verdict, for people. */
export function formatReport(r: CompareReport, out: Out): string[] {
  const p = out.p;
  const t = (en: string, zh: string): string => out.t(text(en, zh));
  const L: string[] = [];
  L.push(p.bold(`${t('Module vs direct connection', '模组 vs 直连')} — ${r.broker.tls ? 'mqtts' : 'mqtt'}://${r.broker.host}:${r.broker.port} (${t('profile', '固件配置')} ${r.profile})`));
  if (r.dialect) {
    const d = r.dialect;
    const from = d.by === 'identity' ? t(`detected from the module's answer "${(d.evidence ?? '').split('\n')[0] ?? ''}"`, `根据模组的回答“${(d.evidence ?? '').split('\n')[0] ?? ''}”识别`) : d.by === 'option' ? t('named by --dialect', '由 --dialect 指定') : d.by === 'log' ? t(`detected from the line "${d.evidence ?? ''}"`, `根据“${d.evidence ?? ''}”这一行识别`) : t('assumed: the module did not tell (the default dialect)', '假设：模组未表明（默认指令集）');
    L.push(p.dim(`${t('dialect', '指令集')} ${d.title} (${d.name}): ${from}`));
  }
  L.push(p.dim(t(`client ID for connect: ${r.identity.connectClientId} (${r.identity.mode === 'direct-first' ? 'direct first, then the module' : 'module first, then direct'}); traffic from the host as ${r.identity.trafficClientId}`, `连接比较使用客户端 ID：${r.identity.connectClientId}（${r.identity.mode === 'direct-first' ? '先直连，后模组' : '先模组，后直连'}）；主机流量使用 ${r.identity.trafficClientId}`)));
  const id = r.identity.observed;
  if (id) {
    const seen =
      id.status === 'as-given' || id.status === 'other'
        ? t(`the module on the broker (its log): "${id.clientId}"${id.user === 'present' ? ', with a user name' : id.user === 'absent' ? ', no user name' : ''}`, `模组在服务器上（服务器日志）：“${id.clientId}”${id.user === 'present' ? '，带用户名' : id.user === 'absent' ? '，无用户名' : ''}`)
        : id.status === 'ambiguous'
          ? t(`the broker's log shows ${id.lines.length} other clients connecting: which one is the module cannot be told`, `服务器日志显示 ${id.lines.length} 个其他客户端连接：无法判断哪个是模组`)
          : t("the broker's log shows no connect of the module", '服务器日志中没有模组的连接');
    L.push(p.dim(seen));
  }
  const pr = r.identity.probe;
  if (pr) {
    L.push(p.dim(`${out.t(probeOutcome(pr))}${t('; ', '；')}${out.t(probeRestored(pr))}`));
  }
  // the values against every known build: which would refuse or cut them (lengths only)
  for (const k of r.credentialCheck) {
    const f = fieldLabel(k.field);
    L.push(p.dim(k.effect === 'truncate' ? t(`other builds: ${k.profile} would cut the ${f.en} (${k.valueLength} bytes) to ${k.limit} bytes`, `其他固件：${k.profile} 会把${f.zh}（${k.valueLength} 字节）截断为 ${k.limit} 字节`) : t(`other builds: ${k.profile} would refuse the ${f.en} (${k.valueLength} bytes, limit ${k.limit})`, `其他固件：${k.profile} 会拒绝${f.zh}（${k.valueLength} 字节，上限 ${k.limit}）`)));
  }
  for (const f of r.lint) {
    const sev = f.severity === 'error' ? p.red(t('lint error', '检查错误')) : f.severity === 'warning' ? p.yellow(t('lint warning', '检查警告')) : p.dim(t('lint', '检查'));
    L.push(`${sev}: ${out.t(f.message)}`);
  }
  L.push('');
  for (const s of r.steps) {
    const mark = s.notRun ? p.yellow(t('NOT RUN', '未运行')) : s.same ? p.green(t('same', '一致')) : p.red(t('DIFFERS', '不同'));
    L.push(`${p.bold(s.step.padEnd(25))} ${mark}`);
    L.push(`   ${t('module', '模组')}: ${cell(s.module, out)}`);
    L.push(`   ${t('direct', '直连')}: ${cell(s.direct, out)}`);
    if (s.note) L.push(`   ${p.dim(out.t(s.note))}`);
    // what was seen, where the sides differ (the JSON report has it for every step)
    if (!s.same) for (const o of [...(s.module.observed ?? []), ...(s.direct.observed ?? [])]) L.push(`   ${p.dim('· ' + out.t(o))}`);
  }
  L.push('');
  const stopped = r.run?.brokerLost ? t('stopped early: the broker went away (partial report)', '提前结束：服务器不可用了（部分报告）') : r.run?.moduleSilent ? t('stopped early: the module stopped answering (partial report)', '提前结束：模组停止应答（部分报告）') : null;
  const verdictWord = stopped ? p.red(stopped) : r.agree ? p.green(t('the two sides agree', '两边一致')) : r.run && r.run.notRun.length > 0 && r.steps.every((s) => s.notRun || s.same) ? p.yellow(t('not verified: some steps did not run', '未验证：有步骤没有运行')) : p.red(t('the two sides differ', '两边不同'));
  L.push(`${p.bold(t('Verdict', '结论'))}: ${verdictWord}`);
  L.push(`  ${out.t(r.verdict.summary)}`);
  r.verdict.causes.forEach((c, i) => {
    L.push(`  ${i + 1}. [${c.id}, ${Math.round(c.confidence * 100)}%${c.hypothesis ? `, ${t('hypothesis', '假设')}` : ''}] ${out.t(c.text)}`);
    for (const e of c.evidence) L.push(`       ${p.dim('· ' + out.t(e))}`);
  });
  if (r.run) L.push(...formatRun(r.run, out, r.dialect?.name));
  if (r.brokerLog.length > 0) {
    L.push(p.dim(t(`broker log during the run (${r.brokerLog.length} lines, last 8):`, `运行期间的服务器日志（${r.brokerLog.length} 行，最后 8 行）：`)));
    for (const l of r.brokerLog.slice(-8)) L.push(p.dim(`  | ${l}`));
  }
  return L;
}

/**
 * How a module's answer to its dialect's connection-state query reads (`AT+QMTCONN? 2: connecting`):
 * the query and the state's meaning from the dialect's `conn-state` table; the number alone when
 * the table does not know it.
 */
function connStateText(state: number | null, dialect: string | undefined): { en: string; zh: string } {
  const d = dialectNamed(dialect !== undefined && isDialectName(dialect) ? dialect : undefined);
  const query = `${commandLine(d, 'connect')}?`;
  const meaning = state === null ? undefined : d.codes['conn-state']?.[state];
  const n = String(state ?? '-');
  return meaning ? { en: `${query} ${n}: ${meaning.en}`, zh: `${query} ${n}：${meaning.zh}` } : { en: `${query} ${n}`, zh: `${query} ${n}` };
}

/**
 * What the run found on the module, what it changed (and put back), what did not run. `dialect`
 * names the module's dialect (the report's `dialect.name`; the default dialect when absent).
 */
export function formatRun(run: RunFacts, out: Out, dialect?: string): string[] {
  const p = out.p;
  const t = (en: string, zh: string): string => out.t(text(en, zh));
  const L: string[] = [];
  if (run.found) {
    const f = run.found;
    // 3 = connected in every dialect's state query (ModuleSession.query)
    const q = connStateText(f.connState, dialect);
    const state = f.connState === 3 ? t('connected', '已连接') : t(`link open (${q.en})`, `链路已打开（${q.zh}）`);
    const kept = run.mode === 'reconnected' ? t('ended first (--reconnect)', '先结束了它（--reconnect）') : t('left as found and only observed', '保持原样，仅观察');
    L.push(`${p.bold(t('Module', '模组'))}: ${t(`found ${state} to ${f.open.host}:${f.open.port} when the run started — ${kept}`, `运行开始时发现${state}到 ${f.open.host}:${f.open.port}——${kept}`)}`);
  }
  for (const n of run.notRun) L.push(`  ${p.yellow(t('not run', '未运行'))} ${n.step}: ${out.t(n.why)} → ${out.t(n.how)}`);
  for (const c of run.changes) L.push(`  ${t('changed on the module', '对模组的改动')}: ${out.t(c.what)} ${c.restored ? p.green(t('(restored)', '（已恢复）')) : p.yellow(t('(not restored)', '（未恢复）'))}`);
  if (run.found && run.changes.length === 0) L.push(`  ${t('changed on the module: nothing', '对模组的改动：无')}`);
  return L;
}
