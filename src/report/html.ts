import { text, tr, type Lang } from '../util/i18n.js';
import { findGroups } from './collapse.js';
import type { EventKind, Lane, ReportModel } from './model.js';
import { CLIENT_JS } from './client.js';

/** HTML-escape text for element content and attribute values. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** JSON that is safe inside a <script> element. */
function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const KINDS: readonly EventKind[] = ['command', 'data', 'response', 'urc', 'mqtt', 'tcp', 'direct', 'note'];

export const CSS = `
:root{--bg:#fff;--fg:#1b1f24;--dim:#5b6570;--line:#d0d7de;--panel:#f6f8fa;--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--cmd:#0550ae;--resp:#57606a;--urc:#8250df;--mqtt:#0a7d6c;--direct:#bc4c00;--div:#ffebe9;--divs:#cf222e;--hl:#fff8c5}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--dim:#8d96a0;--line:#30363d;--panel:#161b22;--ok:#3fb950;--bad:#f85149;--warn:#d29922;--cmd:#79c0ff;--resp:#9da7b3;--urc:#d2a8ff;--mqtt:#56d4bc;--direct:#ffa657;--div:#3d1418;--divs:#ff7b72;--hl:#3b2e00}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","PingFang SC","Microsoft YaHei","WenQuanYi Zen Hei",sans-serif}
main{max-width:1100px;margin:0 auto;padding:16px 20px 40px}
h1{font-size:20px;margin:0 0 8px}h2{font-size:16px;margin:24px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
code,.mono,.raw{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono","WenQuanYi Zen Hei Mono",monospace;font-size:12.5px}
dl.id{display:grid;grid-template-columns:max-content 1fr max-content 1fr;gap:2px 14px;margin:0;font-size:13px}dl.id dt{color:var(--dim)}dl.id dd{margin:0}
#verdict{border:1px solid var(--line);border-left:6px solid var(--dim);background:var(--panel);padding:10px 14px;border-radius:6px}
#verdict.v-ok{border-left-color:var(--ok)}#verdict.v-bad{border-left-color:var(--bad)}#verdict.v-ok .headline{color:var(--ok)}#verdict.v-bad .headline{color:var(--bad)}
#verdict .headline{font-weight:600;font-size:16px}
#verdict ol{margin:8px 0 0;padding-left:22px}#verdict li{margin:6px 0}
.cause-id{font-family:ui-monospace,monospace;font-size:12px;color:var(--dim)}
ul.evidence{margin:4px 0 0;padding-left:18px;color:var(--fg)}ul.evidence li{margin:1px 0;font-size:13px}ul.evidence li::marker{content:"▸ "}
.evidence-label{font-size:12px;color:var(--dim)}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
th{background:var(--panel);font-weight:600}
tr.div td{background:var(--div)}
.ok{color:var(--ok)}.bad{color:var(--bad)}.warn{color:var(--warn)}.skip{color:var(--dim)}
.lat{color:var(--dim);font-size:12px}
.controls{display:flex;flex-wrap:wrap;gap:6px 14px;align-items:center;margin:6px 0;font-size:13px;position:sticky;top:0;background:var(--bg);z-index:3;padding:6px 0;border-bottom:1px solid var(--line)}
.controls input[type=search]{padding:3px 6px;min-width:220px;background:var(--bg);color:var(--fg);border:1px solid var(--line);border-radius:4px}
.controls button{padding:2px 10px;border:1px solid var(--line);background:var(--panel);color:var(--fg);border-radius:4px;cursor:pointer}
#count{color:var(--dim)}
#lanes{position:sticky;top:0;z-index:2;background:var(--bg);height:24px;border-bottom:1px solid var(--line);font-weight:600;font-size:12.5px}
#lanes span{position:absolute;transform:translateX(-50%);white-space:nowrap}
.scroll{overflow:auto;border:1px solid var(--line);border-radius:6px;position:relative}
.scroll.big{max-height:72vh}
#dia-wrap{position:relative;min-width:1000px}
svg#dia{display:block}
svg#dia .lane{stroke:var(--line);stroke-width:2}
svg#dia line.a{stroke-width:1.4}
svg#dia text{font:11.5px ui-monospace,SFMono-Regular,Menlo,Consolas,"WenQuanYi Zen Hei Mono",monospace;fill:var(--fg)}
svg#dia text.t{fill:var(--dim);font-size:10.5px}
svg#dia .k-command line.a,svg#dia .k-data line.a{stroke:var(--cmd)}svg#dia .k-command text.l,svg#dia .k-data text.l{fill:var(--cmd)}
svg#dia .k-response line.a{stroke:var(--resp)}
svg#dia .k-urc line.a{stroke:var(--urc)}svg#dia .k-urc text.l{fill:var(--urc)}
svg#dia .k-mqtt line.a,svg#dia .k-tcp line.a{stroke:var(--mqtt);stroke-dasharray:5 3}svg#dia .k-mqtt text.l,svg#dia .k-tcp text.l{fill:var(--mqtt)}
svg#dia .k-direct line.a{stroke:var(--direct)}svg#dia .k-direct text.l{fill:var(--direct)}
svg#dia .k-note rect{fill:var(--panel);stroke:var(--line)}svg#dia .k-note text{fill:var(--dim);font-style:italic}
svg#dia .err line.a{stroke:var(--bad)!important}svg#dia .err text.l{fill:var(--bad)!important;font-weight:600}
svg#dia .div rect.band{fill:var(--div);stroke:var(--divs);stroke-width:1.5}
svg#dia .div line.a{stroke-width:3}
svg#dia .sel rect.band{fill:var(--hl)}
svg#dia .grp rect{fill:var(--panel);stroke:var(--line);stroke-dasharray:3 2;cursor:pointer}svg#dia .grp text{fill:var(--dim)}
svg#dia .gap text{fill:var(--dim);font-style:italic}svg#dia .gap line{stroke:var(--line);stroke-dasharray:2 3}
svg#dia path.h{fill:var(--resp)}svg#dia .k-command path.h,svg#dia .k-data path.h{fill:var(--cmd)}svg#dia .k-urc path.h{fill:var(--urc)}svg#dia .k-mqtt path.h,svg#dia .k-tcp path.h{fill:var(--mqtt)}svg#dia .k-direct path.h{fill:var(--direct)}svg#dia .err path.h{fill:var(--bad)}
svg#dia g.ev{cursor:default}svg#dia rect.band{fill:transparent}
svg#dia g.ev:hover rect.band{fill:var(--hl)}
#tl{font-size:12.5px}
#tl .row{display:grid;grid-template-columns:70px 60px 80px minmax(200px,1.2fr) 1fr;gap:6px;height:22px;line-height:22px;border-bottom:1px solid var(--line);padding:0 6px;white-space:nowrap;cursor:pointer}
#tl .row>span{overflow:hidden;text-overflow:ellipsis}
#tl .row.head{font-weight:600;background:var(--panel);position:sticky;top:0;z-index:1}
#tl .row.err{color:var(--bad)}#tl .row.div{background:var(--div)}#tl .row.sel{background:var(--hl)}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px;color:var(--dim);margin:4px 0}
.legend i{display:inline-block;width:18px;height:0;border-top:2px solid;vertical-align:middle;margin-right:4px}
footer{margin-top:28px;color:var(--dim);font-size:12px}
pre.notes{white-space:pre-wrap;background:var(--panel);border:1px solid var(--line);padding:8px;border-radius:6px;font-size:12px;max-height:300px;overflow:auto}
.noscript{color:var(--warn)}
@media print{
 :root{--bg:#fff;--fg:#000;--panel:#f3f3f3;--line:#bbb;--dim:#444}
 body{font-size:11px}main{max-width:none;padding:0}
 .controls,#tip,.noprint{display:none!important}
 #lanes{position:static}
 .scroll,.scroll.big{max-height:none!important;overflow:visible!important;border:none}
 #dia-wrap{min-width:0}
 h2{break-after:avoid}tr,g.ev{break-inside:avoid}
 #timeline{break-before:page}
 @page{size:A4;margin:12mm}
}
`;

function sideCell(s: ReportModel['steps'][number]['module'], L: Lang): string {
  if (s.skipped || s.status === 'not-run') return `<span class="skip">– ${esc(s.status && s.status !== 'not-run' ? `${s.status}: ` : '')}${esc(s.detail || tr(text('not run', '未运行'), L))}</span>`;
  const mark = s.status && s.status !== 'ok' && s.status !== 'failed' ? `<span class="warn">${esc(s.status)}</span>` : s.ok ? '<span class="ok">✓</span>' : '<span class="bad">✗</span>';
  const code = s.code === null || s.code === 0 ? '' : ` <code>[${esc(String(s.code))}]</code>`;
  const lat = s.latencyMs === null ? '' : ` <span class="lat">${s.latencyMs} ms</span>`;
  return `${mark}${code} ${esc(s.detail)}${lat}`;
}


/**
 * The parts of a report drawn without the script: the verdict with its causes and evidence,
 * the stages, the step table. `pre` set: a section of a larger page (the fleet's), with
 * classes instead of ids and smaller headings.
 */
export function staticSections(m: ReportModel, pre = ''): string[] {
  const L = m.lang;
  const T = (en: string, zh: string): string => esc(tr(text(en, zh), L));
  const hn = pre ? 'h3' : 'h2';
  const parts: string[] = [];
  const v = m.verdict;
  if (v) {
    const cls = v.ok === true ? 'v-ok' : v.ok === false ? 'v-bad' : '';
    const causes = v.causes
      .map(
        (c) =>
          `<li class="cause" data-cause="${esc(c.id)}"><div>${esc(c.text)} <span class="cause-id">[${esc(c.id)}${c.confidence !== null ? `, ${Math.round(c.confidence * 100)}%` : ''}]</span></div>` +
          (c.evidence.length > 0 ? `<div class="evidence-label">${T('evidence', '依据')}:</div><ul class="evidence">${c.evidence.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>` : `<div class="evidence-label">${T('no evidence recorded for this cause', '该原因没有记录依据')}</div>`) +
          '</li>',
      )
      .join('');
    parts.push(`<${hn}>${T('Verdict', '结论')}</${hn}><section ${pre ? `class="verdict ${cls}"` : `id="verdict" class="${cls}"`}><div class="headline">${esc(v.headline)}</div>${v.summary ? `<div class="summary">${esc(v.summary)}</div>` : ''}${causes ? `<ol class="causes">${causes}</ol>` : ''}</section>`);
  }
  if (m.stages.length > 0) {
    const st = (s: string): string => (s === 'pass' ? 'ok' : s === 'fail' ? 'bad' : s === 'warn' ? 'warn' : 'skip');
    parts.push(
      `<${hn}>${T('Stages', '阶段')}</${hn}><table ${pre ? `class="stages"` : 'id="stages"'}><thead><tr><th>#</th><th>${T('status', '状态')}</th><th>${T('stage', '阶段')}</th><th>${T('finding', '发现')}</th></tr></thead><tbody>` +
        m.stages.map((s) => `<tr><td>${s.index}</td><td class="${st(s.status)}">${esc(s.status.toUpperCase())}</td><td>${esc(s.title)}</td><td>${esc(s.summary)}${s.seen.length ? `<ul class="evidence">${s.seen.map((x) => `<li class="mono">${esc(x)}</li>`).join('')}</ul>` : ''}${s.hint && s.status !== 'pass' ? `<div class="warn">${T('next', '下一步')}: ${esc(s.hint)}</div>` : ''}</td></tr>`).join('') +
        '</tbody></table>',
    );
  }
  if (m.steps.length > 0) {
    parts.push(
      `<${hn}>${T('Steps: module vs direct', '步骤：模组 vs 直连')}</${hn}><table ${pre ? `class="steps"` : 'id="steps"'}><thead><tr><th>${T('step', '步骤')}</th><th>${T('module', '模组')}</th><th>${T('direct', '直连')}</th><th></th></tr></thead><tbody>` +
        m.steps
          .map((s, i) => `<tr class="${i === m.firstStepDivergence ? 'div' : ''}" data-step="${esc(s.step)}"><td><code>${esc(s.step)}</code></td><td>${sideCell(s.module, L)}</td><td>${sideCell(s.direct, L)}</td><td class="${s.same ? 'ok' : 'bad'}">${s.same ? T('same', '一致') : T('DIFFERS', '不同')}${i === m.firstStepDivergence ? ` <b>← ${esc(m.divergenceLabel)}</b>` : ''}</td></tr>${s.note ? `<tr><td></td><td colspan="3" class="lat">${esc(s.note)}</td></tr>` : ''}`)
          .join('') +
        '</tbody></table>',
    );
  }
  return parts;
}

/** A page's head: the language, a Content-Security-Policy that lets nothing load from anywhere, the style. */
export function pageHead(L: Lang, title: string, version: string, css: string, script: boolean): string {
  const csp = `default-src 'none'; style-src 'unsafe-inline';${script ? " script-src 'unsafe-inline';" : ''} img-src data:; font-src data:`;
  return (
    `<!DOCTYPE html>\n<html lang="${L === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="${csp}">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light dark">` +
    `<meta name="generator" content="cat1 ${esc(version)}"><title>${esc(title)} — cat1</title><style>${css}</style></head>`
  );
}

/** The whole page as one string: no external resource of any kind. */
export function modelToHtml(m: ReportModel): string {
  const L = m.lang;
  const T = (en: string, zh: string): string => esc(tr(text(en, zh), L));
  const h = m.header;
  const idRows: Array<[string, string]> = [];
  const mod = [h.module.manufacturer, h.module.model].filter((x) => x).join(' ');
  if (mod) idRows.push([T('Module', '模组'), esc(mod)]);
  if (h.module.firmware) idRows.push([T('Firmware', '固件'), esc(h.module.firmware)]);
  if (h.module.imei) idRows.push(['IMEI', `<code>${esc(h.module.imei)}</code>`]);
  if (h.module.iccid) idRows.push(['ICCID', `<code>${esc(h.module.iccid)}</code>`]);
  idRows.push([T('Firmware profile', '固件配置'), esc(h.profile ?? tr(text('not given', '未指定'), L))]);
  idRows.push([T('Dialect', '方言'), esc(h.dialect)]);
  if (h.broker) idRows.push([T('Broker', '服务器'), `<code>${esc(h.broker)}</code>`]);
  if (h.port) idRows.push([T('Port', '端口'), `<code>${esc(h.port)}</code>`]);
  if (h.source) idRows.push([T('Source', '来源'), esc(h.source)]);
  idRows.push([T('cat1 version', 'cat1 版本'), esc(h.version)]);
  idRows.push([T('When', '时间'), `<time>${esc(h.when)}</time>`]);
  const parts: string[] = [];
  parts.push(`<header><h1>${esc(h.title)}</h1><dl class="id">${idRows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl></header>`);
  parts.push(...staticSections(m));
  // the diagram and the timeline, drawn by the script from the data below
  const laneName: Record<Lane, string> = {
    host: tr(text('host / MCU', '主机 / MCU'), L),
    module: tr(text('module (AT)', '模组（AT）'), L),
    broker: tr(text('broker', '服务器'), L),
    direct: h.kind === 'mirror' ? tr(text('shadow client', '影子客户端'), L) : tr(text('direct client', '直连客户端'), L),
  };
  const groups = findGroups(m.events);
  const kindIdx = new Map(KINDS.map((k, i) => [k, i]));
  const laneIdx = new Map(m.lanes.map((l, i) => [l, i]));
  const exTable: string[] = [];
  const exIdx = new Map<string, number>();
  const ex = (s: string): number => {
    let i = exIdx.get(s);
    if (i === undefined) {
      i = exTable.length;
      exTable.push(s);
      exIdx.set(s, i);
    }
    return i;
  };
  const last = m.lanes.length - 1;
  const lane = (l: Lane): number => laneIdx.get(l) ?? last;
  const ev = m.events.map((e) => [e.t === null ? null : Math.round(e.t * 1000) / 1000, e.kind === 'note' ? 0 : lane(e.from), e.kind === 'note' ? last : lane(e.to), kindIdx.get(e.kind) ?? 0, e.label, e.raw === e.label ? 0 : e.raw, ex(e.explain), (e.error ? 1 : 0) | (e.divergence ? 2 : 0) | (e.approx ? 4 : 0)]);
  const data = {
    lang: L,
    lanes: m.lanes.map((l) => laneName[l]),
    laneIds: m.lanes,
    kinds: KINDS,
    ev,
    ex: exTable,
    groups: groups.map((g) => [g.start, g.end, g.period, g.repeats, g.label]),
    first: m.firstDivergence,
    divLabel: m.divergenceLabel,
    t: {
      filter: tr(text('show', '显示'), L),
      command: tr(text('commands', '命令'), L),
      response: tr(text('responses', '响应'), L),
      urc: tr(text('URCs', 'URC'), L),
      message: tr(text('messages', '消息'), L),
      note: tr(text('notes', '注释'), L),
      errors: tr(text('errors only', '仅错误'), L),
      search: tr(text('search raw lines and meanings…', '搜索原始行和含义…'), L),
      jump: tr(text('go to', '跳到'), L),
      shown: tr(text('shown', '显示'), L),
      of: tr(text('of', '/'), L),
      repeated: tr(text('repeated', '重复'), L),
      times: tr(text('more times — click to expand', '次 — 点击展开'), L),
      gap: tr(text('s without traffic', '秒无通信'), L),
      approx: tr(text('placed at the matching module step: the direct client\'s own clock is not recorded', '放在对应的模组步骤处：直连客户端自己的时间未记录'), L),
      time: tr(text('time (s)', '时间（秒）'), L),
      dir: tr(text('lanes', '通道'), L),
      kind: tr(text('kind', '类型'), L),
      raw: tr(text('raw line', '原始行'), L),
      meaning: tr(text('meaning', '含义'), L),
      none: tr(text('nothing matches', '没有匹配项'), L),
      big: tr(text('large session: only the rows in view are drawn (scroll)', '大型会话：只绘制可见的行（请滚动）'), L),
    },
  };
  parts.push(
    `<h2 id="diagram-title">${T('Sequence diagram', '时序图')}</h2>` +
      `<p class="legend"><span><i style="border-color:var(--cmd)"></i>${T('AT command (host → module)', 'AT 命令（主机 → 模组）')}</span><span><i style="border-color:var(--resp)"></i>${T('answer', '应答')}</span><span><i style="border-color:var(--urc)"></i>URC</span><span><i style="border-color:var(--mqtt);border-top-style:dashed"></i>${T('MQTT packet implied by the AT traffic', '由 AT 通信推断的 MQTT 报文')}</span>${m.lanes.includes('direct') ? `<span><i style="border-color:var(--direct)"></i>${T('direct client packet', '直连客户端报文')}</span>` : ''}<span><i style="border-color:var(--bad)"></i>${T('failure', '失败')}</span><span style="background:var(--div);padding:0 4px;border:1px solid var(--divs)">${esc(m.divergenceLabel)}</span></p>` +
      `<section id="diagram"><div class="controls" id="controls"></div><div class="scroll" id="dia-scroll"><div id="lanes"></div><div id="dia-wrap"><svg id="dia" xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="diagram-title"></svg></div></div>` +
      `<noscript><p class="noscript">${T('The diagram and the timeline need JavaScript (it is inline in this file; nothing is loaded from the network).', '时序图和时间线需要 JavaScript（脚本内嵌在本文件中，不从网络加载任何内容）。')}</p></noscript></section>` +
      `<h2 id="timeline">${T('Timeline', '时间线')} <span class="lat">(${m.events.length})</span></h2><div class="scroll" id="tl-scroll"><div id="tl"></div></div>`,
  );
  for (const n of m.notes) parts.push(`<h2>${esc(n.title)}</h2><pre class="notes">${esc(n.lines.join('\n'))}</pre>`);
  parts.push(`<footer>${T('Made by cat1', '由 cat1 生成')} ${esc(h.version)} · ${esc(h.when)} · ${T('secrets (passwords, user names, IMSI/ICCID) are masked unless the run used --log-secrets', '除非运行时使用 --log-secrets，否则密码、用户名、IMSI/ICCID 均已遮蔽')}</footer>`);
  return (
    pageHead(L, h.title, h.version, CSS, true) +
    `<body><main>${parts.join('\n')}</main>` +
    `<script type="application/json" id="cat1-data">${scriptJson(data)}</script>` +
    `<script>${CLIENT_JS}</script></body></html>\n`
  );
}
