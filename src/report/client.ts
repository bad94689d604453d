/**
 * The page's script, inline in every report (no network at view time). It draws the sequence
 * diagram as SVG and the timeline from the JSON in #cat1-data: filter, search, repeated runs
 * folded with a count (click to expand), the first divergence highlighted, and — beyond a
 * few thousand rows — only the rows in view (virtualised), so a 100k-line session stays fast.
 * Plain ES2020, no template literals (it lives in a TypeScript template string).
 */
export const CLIENT_JS = String.raw`(function () {
'use strict';
var D = JSON.parse(document.getElementById('cat1-data').textContent);
var BIG = 3000, ROW = 24, TROW = 22, W = 1000, TX = 64;
var nl = D.lanes.length;
var laneX = [];
for (var i = 0; i < nl; i++) laneX.push(TX + 60 + i * ((W - TX - 120) / Math.max(1, nl - 1)));
var K = D.kinds;
var CAT = { command: 'command', data: 'command', response: 'response', urc: 'urc', mqtt: 'message', tcp: 'message', direct: 'message', note: 'note' };
var show = { command: true, response: true, urc: true, message: true, note: true };
var errorsOnly = false, query = '', expanded = {}, selected = -1;
var groupAt = {};
D.groups.forEach(function (g, gi) { groupAt[g[0]] = gi; });
var inGroup = new Int32Array(D.ev.length).fill(-1);
D.groups.forEach(function (g, gi) { for (var k = g[0]; k < g[1]; k++) inGroup[k] = gi; });

function esc(s) { return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'); }
function raw(e) { return e[5] === 0 ? e[4] : e[5]; }
function fmtT(t) { return t === null ? '' : t.toFixed(3); }

var ctl = document.getElementById('controls');
var boxes = [['command', D.t.command], ['response', D.t.response], ['urc', D.t.urc], ['message', D.t.message], ['note', D.t.note]];
var h = '<span>' + esc(D.t.filter) + ':</span>';
boxes.forEach(function (b) { h += '<label><input type="checkbox" data-cat="' + b[0] + '" checked> ' + esc(b[1]) + '</label>'; });
h += '<label><input type="checkbox" id="f-err"> ' + esc(D.t.errors) + '</label>';
h += '<input type="search" id="q" placeholder="' + esc(D.t.search) + '" aria-label="search">';
if (D.first >= 0) h += '<button id="go-div" type="button">' + esc(D.t.jump + ' ' + D.divLabel) + '</button>';
h += '<span id="count"></span>';
ctl.innerHTML = h;

var scroll = document.getElementById('dia-scroll');
var svg = document.getElementById('dia');
var wrap = document.getElementById('dia-wrap');
var lanesEl = document.getElementById('lanes');
var tlScroll = document.getElementById('tl-scroll');
var tl = document.getElementById('tl');
lanesEl.innerHTML = D.lanes.map(function (n, i) { return '<span style="left:' + laneX[i] + 'px" data-lane="' + D.laneIds[i] + '">' + esc(n) + '</span>'; }).join('') + '<span style="left:' + (TX / 2) + 'px;font-weight:400">' + esc(D.t.time) + '</span>';
lanesEl.style.width = W + 'px';

var rows = [], ys = [], total = 0, tlRows = [], big = false;

function matches(i) {
  var e = D.ev[i];
  if (!show[CAT[K[e[3]]]]) return false;
  if (errorsOnly && !(e[7] & 1)) return false;
  if (query) {
    var s = (e[4] + '\n' + raw(e) + '\n' + D.ex[e[6]]).toLowerCase();
    if (s.indexOf(query) < 0) return false;
  }
  return true;
}

function layout() {
  rows = []; ys = []; tlRows = [];
  var filtering = query !== '' || errorsOnly || !show.command || !show.response || !show.urc || !show.message || !show.note;
  var y = 8, lastT = null;
  for (var i = 0; i < D.ev.length; i++) {
    if (!matches(i)) continue;
    tlRows.push(i);
    var g = inGroup[i];
    if (!filtering && g >= 0 && !expanded[g]) {
      if (D.groups[g][0] === i) { rows.push(-1 - g); ys.push(y); y += ROW + 6; }
      continue;
    }
    var t = D.ev[i][0];
    if (t !== null && lastT !== null && t - lastT > 1) {
      var gh = 14 + Math.min(46, Math.round(8 * Math.log2(t - lastT)));
      rows.push({ gap: t - lastT }); ys.push(y); y += gh;
    }
    if (t !== null) lastT = t;
    rows.push(i); ys.push(y); y += ROW;
  }
  total = y + 10;
  big = rows.length > BIG;
  scroll.classList.toggle('big', big);
  tlScroll.classList.toggle('big', tlRows.length > BIG);
  svg.setAttribute('width', W);
  svg.setAttribute('height', total);
  svg.setAttribute('viewBox', '0 0 ' + W + ' ' + total);
  wrap.style.height = total + 'px';
  document.getElementById('count').textContent = tlRows.length + ' ' + D.t.of + ' ' + D.ev.length + ' ' + D.t.shown + (big ? ' · ' + D.t.big : '');
}

function arrow(i, y) {
  var e = D.ev[i], k = K[e[3]];
  var cls = 'ev k-' + k + (e[7] & 1 ? ' err' : '') + (e[7] & 2 ? ' div' : '') + (i === selected ? ' sel' : '');
  var tip = raw(e) + (D.ex[e[6]] ? '\n' + D.ex[e[6]] : '') + (e[7] & 4 ? '\n(' + D.t.approx + ')' : '') + (e[7] & 2 ? '\n[' + D.divLabel + ']' : '');
  var s = '<g class="' + cls + '" data-i="' + i + '" data-kind="' + k + '" data-from="' + D.laneIds[e[1]] + '" data-to="' + D.laneIds[e[2]] + '" data-count="1"><title>' + esc(tip) + '</title>';
  s += '<rect class="band" x="0" y="' + (y - 2) + '" width="' + W + '" height="' + (ROW - 1) + '"></rect>';
  s += '<text class="t" x="6" y="' + (y + 15) + '">' + fmtT(e[0]) + '</text>';
  if (k === 'note') {
    var x0 = laneX[0] - 40, x1 = laneX[nl - 1] + 40;
    s += '<rect x="' + x0 + '" y="' + (y + 1) + '" width="' + (x1 - x0) + '" height="' + (ROW - 5) + '" rx="3"></rect><text x="' + (x0 + 6) + '" y="' + (y + 15) + '"># ' + esc(e[4]) + '</text></g>';
    return s;
  }
  var xa = laneX[e[1]], xb = laneX[e[2]], yy = y + 17;
  var dir = xb > xa ? 1 : -1;
  s += '<line class="a" x1="' + xa + '" y1="' + yy + '" x2="' + (xb - dir * 7) + '" y2="' + yy + '"></line>';
  s += '<path class="h" d="M' + xb + ' ' + yy + 'l' + (-dir * 8) + ' -4v8z"></path>';
  var lx = Math.min(xa, xb) + 6, maxc = Math.max(8, Math.floor((Math.abs(xb - xa) - 12) / 7));
  var label = e[4].length > maxc ? e[4].slice(0, maxc - 1) + '…' : e[4];
  s += '<text class="l" x="' + lx + '" y="' + (y + 11) + '">' + esc(label) + '</text></g>';
  return s;
}

function groupRow(g, y) {
  var G = D.groups[g];
  var x0 = laneX[0] - 40, x1 = laneX[Math.min(2, nl - 1)] + 40;
  var hidden = G[1] - G[0];
  return '<g class="grp" data-group="' + g + '" data-count="' + hidden + '" data-repeats="' + G[3] + '"><title>' + esc(G[4]) + '</title><rect x="' + x0 + '" y="' + (y + 2) + '" width="' + (x1 - x0) + '" height="' + (ROW - 2) + '" rx="4"></rect>' +
    '<text x="' + (x0 + 8) + '" y="' + (y + 17) + '">⟳ ' + esc(D.t.repeated) + ' ×' + G[3] + ' ' + esc(D.t.times) + ' (' + esc(G[4].length > 60 ? G[4].slice(0, 59) + '…' : G[4]) + ')</text></g>';
}

function lower(a, v) { var lo = 0, hi = a.length; while (lo < hi) { var m = (lo + hi) >> 1; if (a[m] < v) lo = m + 1; else hi = m; } return lo; }

var pending = false;
function draw() {
  pending = false;
  var from = 0, to = rows.length;
  if (big) {
    var top = scroll.scrollTop - 400, bottom = scroll.scrollTop + scroll.clientHeight + 400;
    from = Math.max(0, lower(ys, top) - 1); to = Math.min(rows.length, lower(ys, bottom) + 1);
  }
  var y0 = from < ys.length ? ys[from] : 0, y1 = to > 0 && to <= ys.length ? ys[to - 1] + ROW : total;
  var s = '';
  for (var l = 0; l < nl; l++) s += '<line class="lane" x1="' + laneX[l] + '" y1="' + (big ? y0 : 0) + '" x2="' + laneX[l] + '" y2="' + (big ? y1 : total) + '"></line>';
  for (var r = from; r < to; r++) {
    var row = rows[r], y = ys[r];
    if (typeof row === 'number' && row >= 0) s += arrow(row, y);
    else if (typeof row === 'number') s += groupRow(-1 - row, y);
    else s += '<g class="gap"><line x1="' + TX + '" y1="' + (y + 6) + '" x2="' + (W - 20) + '" y2="' + (y + 6) + '"></line><text x="' + (TX + 4) + '" y="' + (y + 4) + '">⋯ ' + row.gap.toFixed(1) + ' ' + esc(D.t.gap) + '</text></g>';
  }
  if (rows.length === 0) s += '<text x="' + TX + '" y="30">' + esc(D.t.none) + '</text>';
  svg.innerHTML = s;
  drawTable();
}
function schedule() { if (!pending) { pending = true; requestAnimationFrame(draw); } }

function drawTable() {
  var n = tlRows.length, vbig = n > BIG;
  var from = 0, to = n;
  if (vbig) {
    from = Math.max(0, Math.floor(tlScroll.scrollTop / TROW) - 20);
    to = Math.min(n, Math.ceil((tlScroll.scrollTop + tlScroll.clientHeight) / TROW) + 20);
  }
  var s = '<div class="row head"><span>' + esc(D.t.time) + '</span><span>' + esc(D.t.dir) + '</span><span>' + esc(D.t.kind) + '</span><span>' + esc(D.t.raw) + '</span><span>' + esc(D.t.meaning) + '</span></div>';
  s += '<div style="height:' + from * TROW + 'px"></div>';
  for (var r = from; r < to; r++) {
    var i = tlRows[r], e = D.ev[i];
    var cls = 'row' + (e[7] & 1 ? ' err' : '') + (e[7] & 2 ? ' div' : '') + (i === selected ? ' sel' : '');
    var ex = D.ex[e[6]];
    s += '<div class="' + cls + '" data-i="' + i + '"><span>' + fmtT(e[0]) + '</span><span>' + esc(D.laneIds[e[1]].charAt(0) + '→' + D.laneIds[e[2]].charAt(0)) + '</span><span>' + esc(K[e[3]]) + '</span><span class="raw" title="' + esc(raw(e)) + '">' + esc(raw(e)) + '</span><span title="' + esc(ex) + '">' + esc(ex) + '</span></div>';
  }
  s += '<div style="height:' + (n - to) * TROW + 'px"></div>';
  tl.innerHTML = s;
}

function reflow() { layout(); draw(); }

function goTo(i) {
  selected = i;
  var g = inGroup[i];
  if (g >= 0 && !expanded[g]) { expanded[g] = true; layout(); }
  var r = rows.indexOf(i);
  draw();
  if (r >= 0) {
    if (big) scroll.scrollTop = Math.max(0, ys[r] - 120);
    else { var el = svg.querySelector('g.ev[data-i="' + i + '"]'); if (el && el.scrollIntoView) el.scrollIntoView({ block: 'center' }); }
    draw();
  }
  var tr = tlRows.indexOf(i);
  if (tr >= 0 && tlRows.length > BIG) { tlScroll.scrollTop = Math.max(0, tr * TROW - 100); drawTable(); }
}

ctl.addEventListener('change', function (ev) {
  var t = ev.target;
  if (t.dataset && t.dataset.cat) show[t.dataset.cat] = t.checked;
  else if (t.id === 'f-err') errorsOnly = t.checked;
  reflow();
});
var qTimer = null;
document.getElementById('q').addEventListener('input', function (ev) {
  clearTimeout(qTimer);
  var v = ev.target.value;
  qTimer = setTimeout(function () { query = v.trim().toLowerCase(); reflow(); }, 120);
});
var gd = document.getElementById('go-div');
if (gd) gd.addEventListener('click', function () { goTo(D.first); });
svg.addEventListener('click', function (ev) {
  var g = ev.target.closest ? ev.target.closest('g') : null;
  if (!g) return;
  if (g.dataset.group !== undefined) { expanded[Number(g.dataset.group)] = true; reflow(); return; }
  if (g.dataset.i !== undefined) goTo(Number(g.dataset.i));
});
tl.addEventListener('click', function (ev) {
  var r = ev.target.closest ? ev.target.closest('.row[data-i]') : null;
  if (r) goTo(Number(r.dataset.i));
});
scroll.addEventListener('scroll', function () { if (big) schedule(); }, { passive: true });
tlScroll.addEventListener('scroll', function () { if (tlRows.length > BIG) requestAnimationFrame(drawTable); }, { passive: true });
reflow();
document.documentElement.setAttribute('data-ready', '1');
})();`;
