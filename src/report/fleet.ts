/**
 * The fleet's page: one row per module (its verdict, and a link to its own section), then a
 * section per module with the same verdict, stages and steps its single-run page shows. Every
 * module's model is built (and masked) by build.ts as for a single run; the page adds no text
 * of its own that could carry a secret besides the port names, client IDs and summaries the
 * caller gives, which are masked here the same way (known secrets, IMEIs).
 */
import { text, tr, type Lang } from '../util/i18n.js';
import { CSS, esc, pageHead, staticSections } from './html.js';
import { maskImei } from './build.js';
import type { ReportModel } from './model.js';

export interface FleetPageModule {
  index: number;
  port: string;
  /** IMEI when known, else the port's name */
  name: string;
  imei: string | null;
  clientId: string | null;
  outcome: 'pass' | 'warn' | 'fail' | 'unreachable' | 'running' | 'waiting';
  summary: string;
  elapsedMs: number;
  /** the module's report model (null: nothing ran, e.g. the port did not open) */
  model: ReportModel | null;
  /** where its full page (with the sequence diagram) is in the bundle, when there is one */
  pageInBundle?: string;
}

export interface FleetPage {
  lang: Lang;
  action: string;
  version: string;
  when: string;
  broker?: string;
  station?: string;
  interrupted?: boolean;
  modules: FleetPageModule[];
  /** values that must not show (password, user name): masked as a single run masks them */
  secrets: readonly string[];
  logSecrets: boolean;
}

/** The anchor of a module's section. */
export const moduleAnchor = (index: number): string => `module-${index}`;

const FLEET_CSS = `
.verdict{border:1px solid var(--line);border-left:6px solid var(--dim);background:var(--panel);padding:10px 14px;border-radius:6px}
.verdict.v-ok{border-left-color:var(--ok)}.verdict.v-bad{border-left-color:var(--bad)}.verdict.v-ok .headline{color:var(--ok)}.verdict.v-bad .headline{color:var(--bad)}
.verdict .headline{font-weight:600;font-size:15px}.verdict ol{margin:8px 0 0;padding-left:22px}
section.module{margin-top:28px;border-top:2px solid var(--line);padding-top:6px}
h3{font-size:14px;margin:14px 0 6px}
`;

function mask(s: string, p: FleetPage): string {
  if (p.logSecrets) return s;
  let out = s;
  for (const x of p.secrets) if (x.length >= 3) out = out.split(x).join('*'.repeat(x.length));
  for (const m of p.modules) if (m.imei) out = out.split(m.imei).join(maskImei(m.imei));
  return out;
}

export function fleetToHtml(p: FleetPage): string {
  const L = p.lang;
  const T = (en: string, zh: string): string => esc(tr(text(en, zh), L));
  const M = (s: string): string => esc(mask(s, p));
  const word: Record<FleetPageModule['outcome'], [string, string, string]> = {
    pass: ['PASS', '通过', 'ok'],
    warn: ['WARN', '警告', 'warn'],
    fail: ['FAIL', '失败', 'bad'],
    unreachable: ['UNREACHABLE', '无法连接', 'bad'],
    running: ['NOT FINISHED', '未完成', 'warn'],
    waiting: ['NOT STARTED', '未开始', 'skip'],
  };
  const count = (o: FleetPageModule['outcome']): number => p.modules.filter((m) => m.outcome === o).length;
  const title = tr(text(`Fleet ${p.action}: ${p.modules.length} modules`, `批量${p.action}：${p.modules.length} 个模组`), L);
  const parts: string[] = [];
  const id: Array<[string, string]> = [[T('Check', '检查'), esc(p.action)]];
  if (p.broker) id.push([T('Broker', '服务器'), `<code>${M(p.broker)}</code>`]);
  if (p.station) id.push([T('Station', '工位'), esc(p.station)]);
  id.push([T('cat1 version', 'cat1 版本'), esc(p.version)], [T('When', '时间'), `<time>${esc(p.when)}</time>`]);
  parts.push(`<header><h1>${esc(title)}</h1><dl class="id">${id.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl></header>`);
  const ok = count('fail') + count('unreachable') + count('running') + count('waiting') === 0;
  parts.push(
    `<h2>${T('Result', '结果')}</h2><section id="fleet-verdict" class="verdict ${ok ? 'v-ok' : 'v-bad'}"><div class="headline">${ok ? T('every module passed', '所有模组通过') : T('not every module passed', '并非所有模组通过')}</div>` +
      `<div class="summary">${T(`${count('pass')} passed, ${count('warn')} with warnings, ${count('fail')} failed, ${count('unreachable')} unreachable${count('running') + count('waiting') > 0 ? `, ${count('running') + count('waiting')} not finished` : ''}`, `通过 ${count('pass')}，警告 ${count('warn')}，失败 ${count('fail')}，无法连接 ${count('unreachable')}${count('running') + count('waiting') > 0 ? `，未完成 ${count('running') + count('waiting')}` : ''}`)}</div></section>`,
  );
  if (p.interrupted) parts.push(`<p class="warn">${T('The run was interrupted (Ctrl-C): the page holds what happened until then.', '运行被中断（Ctrl-C）：本页只包含中断前的内容。')}</p>`);
  parts.push(
    `<h2>${T('Modules', '模组')}</h2><table id="modules"><thead><tr><th>#</th><th>${T('port', '端口')}</th><th>${T('module', '模组')}</th><th>${T('client ID', '客户端 ID')}</th><th>${T('result', '结果')}</th><th>${T('time', '用时')}</th><th>${T('finding', '发现')}</th></tr></thead><tbody>` +
      p.modules
        .map((m) => {
          const [en, zh, cls] = word[m.outcome];
          return `<tr data-module="${m.index}" data-outcome="${m.outcome}"><td>${m.index}</td><td><code>${M(m.port)}</code></td><td><a href="#${moduleAnchor(m.index)}">${M(m.name)}</a></td><td><code>${m.clientId === null ? '' : M(m.clientId)}</code></td><td class="${cls}">${T(en, zh)}</td><td class="lat">${(m.elapsedMs / 1000).toFixed(1)} s</td><td>${M(m.summary)}</td></tr>`;
        })
        .join('') +
      '</tbody></table>',
  );
  for (const m of p.modules) {
    const [en, zh, cls] = word[m.outcome];
    const inner = m.model ? staticSections(m.model, moduleAnchor(m.index)) : [`<p class="lat">${T('nothing ran on this module', '该模组上没有运行任何检查')}</p>`];
    parts.push(
      `<section class="module" id="${moduleAnchor(m.index)}"><h2>${m.index}. ${M(m.name)} <span class="lat">${M(m.port)}</span> <span class="${cls}">${T(en, zh)}</span></h2>` +
        `<p>${M(m.summary)}</p>${m.pageInBundle ? `<p class="lat">${T('its full page with the sequence diagram, and its transcript, are in the bundle:', '完整页面（含时序图）和会话记录在附件包中：')} <code>${esc(m.pageInBundle)}</code></p>` : ''}` +
        inner.join('\n') +
        `<p class="noprint"><a href="#modules">↑ ${T('all modules', '全部模组')}</a></p></section>`,
    );
  }
  parts.push(`<footer>${T('Made by cat1', '由 cat1 生成')} ${esc(p.version)} · ${esc(p.when)} · ${T('secrets (passwords, user names, IMSI/ICCID) are masked unless the run used --log-secrets', '除非运行时使用 --log-secrets，否则密码、用户名、IMSI/ICCID 均已遮蔽')}</footer>`);
  return (
    pageHead(L, title, p.version, CSS + FLEET_CSS, false) +
    `<body><main>${parts.join('\n')}</main></body></html>\n`
  );
}
