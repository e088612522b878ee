// Vigil replay UI: zoomable lanes per node (VRRP state with UNKNOWN and crashes, priority, VIPs, real servers,
// marks, event counts), incidents, a why-tree across nodes, state at the cursor, and a paged event table.
// The server aggregates the timeline to the zoom and pages the events: the page never holds a whole journal.
'use strict';
const api = p => fetch('api/' + p).then(r => r.ok ? r.json() : r.json().then(e => Promise.reject(e.error)));
const pad = (n, w = 2) => String(n).padStart(w, '0');
const fmt = ms => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  Object.entries(attrs).forEach(([k, v]) => k === 'class' ? e.className = v : e.setAttribute(k, v));
  kids.forEach(k => e.append(k));
  return e;
};
const SVG = 'http://www.w3.org/2000/svg';
const svgEl = (tag, attrs, text) => {
  const e = document.createElementNS(SVG, tag);
  Object.entries(attrs).forEach(([k, v]) => e.setAttribute(k, v));
  if (text != null) e.textContent = text;
  return e;
};
// tooltips: a data-tip attribute read by one floating box (a <title> per shape doubles the DOM of a month's lanes)
const title = (e, text) => { e.setAttribute('data-tip', text); return e; };
const dur = ms => ms < 1000 ? `${ms} ms` : ms < 120000 ? `${(ms / 1000).toFixed(3)} s` : ms < 7200000 ? `${(ms / 60000).toFixed(1)} min`
  : ms < 172800000 ? `${(ms / 3600000).toFixed(1)} h` : `${(ms / 86400000).toFixed(1)} d`;

// the journal's wire names, as rows carry them in `type` (the one entry shape: docs/api.md)
const TYPES = ['vrrp-transition', 'priority-changed', 'master-seen', 'advert-anomaly', 'vip-changed', 'garp-sent', 'check-result',
  'real-server-changed', 'ipvs-changed', 'quorum-changed', 'notify-run', 'operator-action', 'config-applied', 'node-started',
  'node-stopped', 'node-alive', 'check-summary', 'route-changed',
  'host-changed'];
const LEFT = 190, RIGHT = 10, AXIS = 28;

// view: visible [from, to] ms; sel: selected range or null; cursor: ms
const S = { view: null, sel: null, cursor: null, tl: null, bounds: null, folded: new Set(), incidents: [], page: [], focus: null };
window.vigilReplay = S;   // for the browser test and the benchmark: what is drawn, and when

async function load() {
  const [n, incidents] = await Promise.all([api('nodes'), api('incidents')]);
  document.getElementById('nodes').textContent = n.nodes.map(x => `${x.node} (${x.entries.toLocaleString('en')} events)`).join(' · ');
  if (n.verified) document.getElementById('verified').textContent = '✔ ' + n.verified;
  S.incidents = incidents;
  const fNode = document.getElementById('f-node');
  n.nodes.forEach(x => fNode.append(el('option', { value: x.node }, x.node)));
  const list = document.getElementById('f-type-list');
  TYPES.forEach(t => list.append(el('label', {}, el('input', { type: 'checkbox', value: t, 'data-testid': 'type-' + t }), ' ' + t)));
  const h = new URLSearchParams(location.hash.slice(1));
  const first = await api('timeline?all=1&px=' + width());   // whole range, to know the bounds
  S.bounds = { first: first.first, last: first.last };
  S.tl = first;
  fillInstances(first);
  S.view = h.has('from') ? { from: +h.get('from'), to: +h.get('to') } : { from: first.first, to: first.last };
  if (h.has('sel')) { const [a, b] = h.get('sel').split('-').map(Number); S.sel = { from: a, to: b }; }
  S.cursor = h.has('at') ? +h.get('at') : first.last;
  drawIncidents();
  wire();
  tooltips();
  if (h.has('from')) await refresh(); else draw();
  moveCursor(S.cursor, { keepView: true });
  if (h.has('why')) showWhy(h.get('why'));
}

function width() { return document.getElementById('chart-wrap').clientWidth || 1200; }

function fillInstances(tl) {
  const f = document.getElementById('f-instance');
  [...new Set(tl.lanes.filter(l => l.group === 'vrrp').map(l => l.lane))].sort()
    .forEach(i => f.append(el('option', { value: i }, i)));
}

// ------------------------------------------------------------------ timeline fetch + draw

let seqNo = 0;
async function refresh() {
  const my = ++seqNo, t0 = performance.now();
  const { from, to } = S.view;
  const tl = await api(`timeline?from=${Math.floor(from)}&to=${Math.ceil(to)}&px=${width() - LEFT - RIGHT}`);
  if (my !== seqNo) return;          // a newer zoom won
  S.tl = tl;
  draw();
  S.lastRedrawMs = performance.now() - t0;
  S.redraws = (S.redraws || 0) + 1;
}

let pending;
function setView(from, to, immediate) {
  const span = Math.max(2, to - from), b = S.bounds, slack = (b.last - b.first) * 0.05 + 1000;
  from = Math.max(b.first - slack, Math.min(from, b.last + slack - span));
  S.view = { from, to: from + span };
  permalink();
  draw();                              // at once with what we have, then with the server's aggregation
  clearTimeout(pending);
  pending = setTimeout(refresh, immediate ? 0 : 40);
}

function xOf(t) { const { from, to } = S.view; return LEFT + (t - from) / (to - from) * (width() - LEFT - RIGHT); }
function tOf(x) { const { from, to } = S.view; return from + (x - LEFT) / (width() - LEFT - RIGHT) * (to - from); }

const STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 15e3, 3e4, 6e4, 12e4, 3e5, 6e5, 9e5, 18e5, 36e5,
  72e5, 108e5, 216e5, 432e5, 864e5, 1728e5, 6048e5];
function ticks() {
  const { from, to } = S.view, px = width() - LEFT - RIGHT;
  const step = STEPS.find(s => s / (to - from) * px >= 90) || STEPS.at(-1);
  const out = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) out.push(t);
  return { step, out };
}
function tickLabel(t, step) {
  const d = new Date(t);
  const hm = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  if (step >= 864e5) return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  if (step >= 6e4) return (d.getUTCHours() === 0 && d.getUTCMinutes() === 0 ? `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` : '') + hm;
  if (step >= 1e3) return `${hm}:${pad(d.getUTCSeconds())}`;
  return `${hm}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

// the rows to draw: per node a header, then its lanes (vrrp instance + its priority, VIPs, real servers, marks, counts)
function rows() {
  const tl = S.tl, out = [];
  tl.nodes.forEach(node => {
    const folded = S.folded.has(node);
    out.push({ kind: 'node', node, h: 18 });
    if (folded) { out.push({ kind: 'vrrp-all', node, h: 14 }); return; }
    const lanes = tl.lanes.filter(l => l.node === node);
    lanes.filter(l => l.group === 'vrrp').forEach(l => {
      out.push({ kind: 'vrrp', node, lane: l, h: 18 });
      const p = lanes.find(x => x.group === 'prio' && x.lane === l.lane);
      if (p) out.push({ kind: 'prio', node, lane: p, h: 16 });
    });
    lanes.filter(l => l.group === 'vip').forEach(l => out.push({ kind: 'vip', node, lane: l, h: 12 }));
    lanes.filter(l => l.group === 'rs').forEach(l => out.push({ kind: 'rs', node, lane: l, h: 12 }));
    out.push({ kind: 'marks', node, h: 16 });
    out.push({ kind: 'counts', node, h: 24 });
  });
  let y = AXIS;
  out.forEach(r => { r.y = y; y += r.h + 2; });
  return { rows: out, height: y + 4 };
}

function draw() {
  const t0 = performance.now();
  drawNow();
  S.lastDrawMs = performance.now() - t0;
}

function drawNow() {
  const svg = document.getElementById('timeline'), tl = S.tl;
  if (!tl) return;
  const W = width(), { rows: R, height } = rows();
  svg.setAttribute('height', height);
  svg.replaceChildren();
  const { from, to } = S.view;
  svg.dataset.from = Math.round(from); svg.dataset.to = Math.round(to);
  document.getElementById('range').textContent = `${fmt(from)} → ${fmt(to)} (${dur(Math.round(to - from))})`
    + (S.sel ? ` · selected ${fmt(S.sel.from)} → ${fmt(S.sel.to)}` : '');
  const clip = svgEl('clipPath', { id: 'plot' }); clip.append(svgEl('rect', { x: LEFT, y: 0, width: W - LEFT - RIGHT, height }));
  svg.append(clip);
  const plot = svgEl('g', { 'clip-path': 'url(#plot)' });
  // axis
  const { step, out } = ticks();
  out.forEach(t => {
    const x = xOf(t);
    svg.append(svgEl('line', { x1: x, x2: x, y1: AXIS - 6, y2: height, class: 'grid' }));
    svg.append(svgEl('text', { x: x + 2, y: AXIS - 9, class: 'tick', 'data-testid': 'tick' }, tickLabel(t, step)));
  });
  svg.append(svgEl('text', { x: 4, y: 12, class: 'tick' }, new Date(from).toISOString().slice(0, 10) + ' UTC'));
  R.forEach(r => drawRow(svg, plot, r));
  // split-brain bands over the instance's VRRP lanes
  tl.splitBrains.forEach((sb, i) => {
    const rs = R.filter(r => (r.kind === 'vrrp' && r.lane.lane === sb.instance) || r.kind === 'vrrp-all');
    if (!rs.length) return;
    const x0 = xOf(sb.from), x1 = xOf(sb.to ?? S.bounds.last), y0 = rs[0].y - 1, y1 = rs.at(-1).y + rs.at(-1).h + 1;
    plot.append(title(svgEl('rect', { x: x0, y: y0, width: Math.max(3, x1 - x0), height: y1 - y0, class: 'split',
      'data-testid': 'split-band' }), `split brain ${sb.instance} [${sb.class}] ${sb.nodes.join(' + ')} ${fmt(sb.from)} (${sb.to ? dur(sb.to - sb.from) : 'open'})`));
  });
  (tl.crashes || []).forEach(c => {
    const rs = R.filter(r => r.node === c.node && r.kind !== 'node');
    if (!rs.length) return;
    const x = xOf(c.lastEntry);
    plot.append(title(svgEl('line', { x1: x, x2: x, y1: rs[0].y, y2: rs.at(-1).y + rs.at(-1).h, class: 'crash', 'data-testid': 'crash-marker', 'data-node': c.node }),
      `${c.node} crashed after #${c.lastSeq} (${fmt(c.lastEntry)})` + (c.restart == null ? ', never restarted' : `, restarted ${fmt(c.restart)}`)));
    plot.append(svgEl('text', { x: x + 3, y: rs[0].y + 11, class: 'crash-label' }, '✕ crash'));
  });
  if (S.sel) {
    const x0 = xOf(S.sel.from), x1 = xOf(S.sel.to);
    plot.append(svgEl('rect', { x: x0, y: AXIS - 4, width: Math.max(1, x1 - x0), height: height - AXIS, class: 'selection', 'data-testid': 'selection' }));
  }
  svg.append(plot);
  const cx = xOf(S.cursor ?? 0);
  svg.append(svgEl('line', { id: 'cursor-line', x1: cx, x2: cx, y1: AXIS - 6, y2: height, class: 'cursor' }));
}

function drawRow(svg, plot, r) {
  const tl = S.tl, y = r.y;
  if (r.kind === 'node') {
    const t = svgEl('text', { x: 4, y: y + 13, class: 'node-label', 'data-testid': 'node-label', 'data-node': r.node },
      (S.folded.has(r.node) ? '▸ ' : '▾ ') + r.node);
    t.onclick = ev => { ev.stopPropagation(); S.folded.has(r.node) ? S.folded.delete(r.node) : S.folded.add(r.node); draw(); };
    svg.append(t, svgEl('line', { x1: 0, x2: width(), y1: y + 17, y2: y + 17, class: 'node-rule' }));
    return;
  }
  const label = { vrrp: () => r.lane.lane, prio: () => 'priority', vip: () => 'VIP ' + r.lane.lane, rs: () => r.lane.lane,
    marks: () => 'marks', counts: () => 'events/bin', 'vrrp-all': () => 'VRRP (folded)' }[r.kind]();
  svg.append(title(svgEl('text', { x: 14, y: y + r.h - 4, class: 'lane-label' }, label.length > 30 ? '…' + label.slice(-29) : label), label));
  if (r.kind === 'vrrp' || r.kind === 'vrrp-all') {
    const lanes = r.kind === 'vrrp' ? [r.lane] : tl.lanes.filter(l => l.node === r.node && l.group === 'vrrp');
    lanes.forEach(l => l.spans.forEach(s => {
      const x0 = xOf(s.from), x1 = xOf(s.to);
      plot.append(title(svgEl('rect', { x: x0, y, width: Math.max(1, x1 - x0), height: r.h, class: 'st ' + s.v, 'data-state': s.v, 'data-node': r.node }),
        s.v === 'MIXED' ? `${s.n} state changes` : `${r.node} ${l.lane} ${s.v} from ${fmt(s.start)}: ${s.why}`));
    }));
  } else if (r.kind === 'prio') {
    const vals = r.lane.spans.filter(s => s.v !== 'MIXED').map(s => +s.v);
    const lo = Math.min(...vals, 255), hi = Math.max(...vals, 0), yy = v => y + r.h - 2 - (hi === lo ? r.h / 2 : (v - lo) / (hi - lo) * (r.h - 4));
    let d = '';
    r.lane.spans.forEach(s => {
      const v = s.v === 'MIXED' ? hi : +s.v, x0 = xOf(s.from), x1 = xOf(s.to);
      d += `${d ? 'L' : 'M'}${x0},${yy(v)}L${x1},${yy(v)}`;
      if (x1 - x0 > 24) plot.append(svgEl('text', { x: x0 + 2, y: yy(v) - 1 < y + 8 ? y + 8 : yy(v) - 1, class: 'prio-label' }, s.v === 'MIXED' ? '…' : s.v));
    });
    plot.append(svgEl('path', { d, class: 'prio', 'data-testid': 'prio-line' }));
  } else if (r.kind === 'vip' || r.kind === 'rs') {
    r.lane.spans.forEach(s => {
      const x0 = xOf(s.from), x1 = xOf(s.to), cls = r.kind === 'vip' ? 'vip' : s.v.startsWith('up') ? 'rs-up' : s.v === 'MIXED' ? 'MIXED' : 'rs-down';
      plot.append(title(svgEl('rect', { x: x0, y: y + 1, width: Math.max(1, x1 - x0), height: r.h - 2, class: cls, 'data-testid': r.kind + '-span' }),
        `${r.node} ${r.lane.lane}: ${s.v} from ${fmt(s.start)}`));
    });
  } else if (r.kind === 'marks') {
    tl.marks.filter(m => m.node === r.node).forEach(m => {
      const x = xOf(m.t);
      const g = title(svgEl('text', { x: x - 4, y: y + 12, class: 'mark ' + m.kind, 'data-testid': 'mark', 'data-kind': m.kind }, MARK[m.kind] || '•'),
        `${m.kind}${m.n > 1 ? ` ×${m.n}` : ''} ${fmt(m.t)} ${m.ref}: ${m.text}`);
      g.onclick = ev => { ev.stopPropagation(); moveCursor(m.t); showWhy(m.ref); };
      plot.append(g);
    });
  } else if (r.kind === 'counts') {
    const c = tl.counts, all = c.all[r.node] || [], chk = c.checks[r.node] || [];
    const max = Math.max(1, ...all), base = y + r.h;
    let dAll = '', dChk = '';
    all.forEach((n, i) => {
      if (!n) return;
      const t = c.from + i * c.binMs, x0 = xOf(t), w = Math.max(1, xOf(t + c.binMs) - x0 - 0.5), h = Math.max(1, n / max * r.h), hc = chk[i] / max * r.h;
      dAll += `M${x0},${base}v${-h}h${w}v${h}z`;
      if (hc > 0) dChk += `M${x0},${base}v${-hc}h${w}v${hc}z`;
    });
    plot.append(title(svgEl('path', { d: dAll, class: 'count' }), `events per ${dur(c.binMs)} (light: check results); max ${max}`));
    if (dChk) plot.append(svgEl('path', { d: dChk, class: 'count-checks' }));
  }
}
const MARK = { start: '▶', stop: '■', config: '⚙', operator: '☺', ipvs: '◆', notify: '♪', quorum: 'Q' };

// ------------------------------------------------------------------ interaction

function wire() {
  const svg = document.getElementById('timeline');
  svg.addEventListener('wheel', ev => {
    ev.preventDefault();
    const r = svg.getBoundingClientRect(), x = ev.clientX - r.left;
    if (x < LEFT) return;
    const t = tOf(x), f = Math.pow(1.0015, ev.deltaY);
    setView(t - (t - S.view.from) * f, t + (S.view.to - t) * f);
  }, { passive: false });
  let drag = null;
  svg.addEventListener('mousedown', ev => {
    const r = svg.getBoundingClientRect(), x = ev.clientX - r.left;
    if (x < LEFT) return;
    drag = { x0: x, view: { ...S.view }, sel: ev.shiftKey, moved: false };
  });
  window.addEventListener('mousemove', ev => {
    if (!drag) return;
    const r = svg.getBoundingClientRect(), x = ev.clientX - r.left;
    if (Math.abs(x - drag.x0) > 3) drag.moved = true;
    if (!drag.moved) return;
    if (drag.sel) {
      const a = tOf(drag.x0), b = tOf(x);
      S.sel = { from: Math.round(Math.min(a, b)), to: Math.round(Math.max(a, b)) };
      draw();
    } else {
      const dt = (x - drag.x0) / (width() - LEFT - RIGHT) * (drag.view.to - drag.view.from);
      setView(drag.view.from - dt, drag.view.to - dt);
    }
  });
  window.addEventListener('mouseup', ev => {
    if (!drag) return;
    const d = drag; drag = null;
    if (d.sel && d.moved) { permalink(); loadEvents(); return; }
    if (!d.moved) moveCursor(Math.round(tOf(d.x0)), { keepView: true });
  });
  window.addEventListener('resize', () => { clearTimeout(pending); pending = setTimeout(refresh, 100); draw(); });
  window.addEventListener('keydown', ev => {
    if (ev.target.tagName === 'INPUT' || ev.target.tagName === 'SELECT') return;
    if (ev.key === 'ArrowRight' || ev.key === 'ArrowLeft') {
      ev.preventDefault();
      const fwd = ev.key === 'ArrowRight';
      if (ev.shiftKey) stepIncident(fwd); else stepTransition(fwd);
    } else if (ev.key === '+' || ev.key === '=') zoom(0.5);
    else if (ev.key === '-') zoom(2);
    else if (ev.key === '0') fitAll();
    else if (ev.key === 'f') fitIncident();
  });
  const on = (id, f) => document.getElementById(id).onclick = f;
  on('fit-all', fitAll); on('fit-incident', fitIncident); on('zoom-in', () => zoom(0.5)); on('zoom-out', () => zoom(2));
  on('prev-tr', () => stepTransition(false)); on('next-tr', () => stepTransition(true));
  on('prev-inc', () => stepIncident(false)); on('next-inc', () => stepIncident(true));
  on('bundle', () => {
    const r = S.sel || S.view;
    location.href = `api/bundle?from=${Math.floor(r.from)}&to=${Math.ceil(r.to)}`;
  });
  on('page-first', () => loadEvents());
  on('page-prev', () => { S.page.pop(); loadEvents(S.page.pop() || null); });
  on('page-next', () => { if (S.next) loadEvents(S.next); });
  on('f-clear', () => {
    document.getElementById('f-node').value = ''; document.getElementById('f-instance').value = ''; document.getElementById('f-q').value = '';
    document.querySelectorAll('#f-type-list input').forEach(i => i.checked = false);
    loadEvents();
  });
  ['f-node', 'f-instance', 'f-collapse'].forEach(id => document.getElementById(id).onchange = () => loadEvents());
  document.getElementById('f-type-list').onchange = () => loadEvents();
  let qt;
  document.getElementById('f-q').oninput = () => { clearTimeout(qt); qt = setTimeout(() => loadEvents(), 250); };
}

function tooltips() {
  const tip = el('div', { id: 'tip' });
  document.body.append(tip);
  document.getElementById('timeline').addEventListener('mousemove', ev => {
    const t = ev.target.getAttribute && ev.target.getAttribute('data-tip');
    tip.style.display = t ? 'block' : 'none';
    if (t) { tip.textContent = t; tip.style.left = (ev.pageX + 12) + 'px'; tip.style.top = (ev.pageY + 12) + 'px'; }
  });
  document.getElementById('timeline').addEventListener('mouseleave', () => tip.style.display = 'none');
}

function zoom(f) { const c = S.cursor != null && S.cursor >= S.view.from && S.cursor <= S.view.to ? S.cursor : (S.view.from + S.view.to) / 2;
  setView(c - (c - S.view.from) * f, c + (S.view.to - c) * f, true); }
function fitAll() { S.sel = null; setView(S.bounds.first, S.bounds.last, true); loadEvents(); }

// incidents as [from, to, label] in time order: split brains, crashes
function incidentWindows() {
  const w = [];
  S.tl0 = S.tl0 || S.tl;
  (S.splits || []).forEach(sb => w.push({ from: sb.from, to: sb.to ?? S.bounds.last, sb }));
  (S.crashList || []).forEach(c => w.push({ from: c.lastEntry, to: c.restart ?? S.bounds.last, crash: c }));
  return w.sort((a, b) => a.from - b.from);
}
function focusWindow(w) {
  const len = Math.max(w.to - w.from, 200), padding = len * 0.4;
  S.sel = { from: w.from - Math.min(1000, padding), to: w.to + Math.min(1000, padding) };
  setView(w.from - padding, w.to + padding, true);
  moveCursor(w.from, { keepView: true });
  loadEvents();
}
function fitIncident() {
  const w = incidentWindows();
  const hit = w.find(x => x.from <= S.cursor && x.to >= S.cursor) || w.find(x => x.from >= S.cursor) || w.at(-1);
  if (hit) focusWindow(hit);
}
function stepIncident(fwd) {
  const w = incidentWindows(), c = S.cursor;
  const hit = fwd ? w.find(x => x.from > c + 0.5) : w.filter(x => x.from < c - 0.5).at(-1);
  if (hit) focusWindow(hit);
}
function stepTransition(fwd) {
  // every span start of a VRRP lane is a transition (or the edge of an unknown stretch)
  const ts = [...new Set((S.allTransitions || []).concat(S.tl.lanes.filter(l => l.group === 'vrrp').flatMap(l => l.spans.map(s => s.start)))
    .filter(t => t >= S.bounds.first))].sort((a, b) => a - b);
  const c = S.cursor, t = fwd ? ts.find(x => x > c) : ts.filter(x => x < c).at(-1);
  if (t == null) return;
  if (t < S.view.from || t > S.view.to) { const half = (S.view.to - S.view.from) / 2; setView(t - half, t + half, true); }
  moveCursor(t, { keepView: true });
}

// ------------------------------------------------------------------ incidents

function drawIncidents() {
  const tl = S.tl, ul = document.getElementById('splits');
  S.splits = tl.splitBrains; S.crashList = tl.crashes; S.allTransitions = tl.lanes.filter(l => l.group === 'vrrp').flatMap(l => l.spans.map(s => s.start));
  ul.replaceChildren();
  const jump = (t, text) => { const a = el('a', { class: 'jump' }, text); a.onclick = ev => { ev.stopPropagation(); moveCursor(t); }; return a; };
  tl.splitBrains.forEach(sb => {
    const li = el('li', { 'data-testid': 'split', class: 'incident' },
      el('b', {}, `split brain ${sb.instance}`), ` [${sb.class}] ${sb.nodes.join(' + ')} MASTER `,
      jump(sb.from, fmt(sb.from)), ' → ', sb.to == null ? 'still open at end of journals' : jump(sb.to, fmt(sb.to)),
      ` (${sb.to == null ? 'open' : dur(sb.to - sb.from)})`);
    const why = el('a', { class: 'why', 'data-testid': 'split-why' }, 'why?');
    why.onclick = ev => { ev.stopPropagation(); showWindowWhy(sb); };
    li.append(' ', why);
    li.onclick = () => { focusWindow({ from: sb.from, to: sb.to ?? S.bounds.last }); showWindowWhy(sb); };
    ul.append(li);
  });
  if (!tl.splitBrains.length) ul.append(el('li', {}, 'no split brain: never two MASTERs of one instance at once in the evidence'));
  (tl.crashes || []).forEach(c => {
    const li = el('li', { 'data-testid': 'crash', class: 'incident' }, el('b', {}, `crash ${c.node}`), ' last evidence ',
      jump(c.lastEntry, fmt(c.lastEntry)), ` (#${c.lastSeq}), `, c.restart == null ? 'never restarted' : el('span', {}, 'restarted ', jump(c.restart, fmt(c.restart))));
    li.onclick = () => focusWindow({ from: c.lastEntry, to: c.restart ?? S.bounds.last });
    ul.append(li);
  });
  S.incidents.filter(i => i.type === 'failover').forEach(f => {
    const t = Date.parse(f.at);
    const li = el('li', { 'data-testid': 'failover', class: 'failover' }, `failover ${f.instance}: ${f.node} ${f.from}→MASTER at `, jump(t, fmt(t)), ' ');
    const why = el('a', { class: 'why', 'data-testid': 'failover-why' }, 'why?');
    why.onclick = ev => { ev.stopPropagation(); moveCursor(t); showWhy(`${f.node}#${f.seq}`); };
    li.append(why);
    li.onclick = () => { moveCursor(t); showWhy(`${f.node}#${f.seq}`); };
    ul.append(li);
  });
  S.incidents.filter(i => i.type === 'skew').forEach(s => ul.append(el('li', { class: 'skew' },
    `clock ${s.node}: ` + (s.boundMs == null ? `offset to ${s.reference} not estimable (one direction heard; not corrected)` : `${s.offsetMs.toFixed(1)} ms ± ${s.boundMs.toFixed(1)} ms vs ${s.reference} (corrected)`))));
  S.incidents.filter(i => i.type === 'missing-peer').forEach(m => ul.append(el('li', { class: 'warning', 'data-testid': 'missing-peer' },
    `missing peer ${m.address} (${m.instance}): heard by ${m.heardBy} ${m.hearings}× ${m.first} .. ${m.last}, no journal loaded`)));
  (tl.warnings || []).forEach(w => ul.append(el('li', { class: 'warning' }, 'warning: ' + w)));
}

// ------------------------------------------------------------------ why tree

function whyNode(item) {
  const t = item.at ? Date.parse(item.at) : null;
  const ref = item.seq != null ? `${item.node}#${item.seq}` : '';
  const li = el('li', { class: 'why-node' + (item.seq == null ? ' outside' : ''), 'data-testid': 'why-node', 'data-ref': ref, 'data-type': item.type || '' },
    item.node ? el('span', { class: 'who' }, item.node) : '', ' ',
    ref ? el('span', { class: 'ref' }, '#' + item.seq + ' ') : '', t ? el('span', { class: 'when' }, fmt(t) + ' ') : '',
    item.type && item.type !== 'cause' && item.type !== 'evidence' ? el('b', {}, item.type + ' ') : '', item.text);
  if (t) li.onclick = ev => { ev.stopPropagation(); moveCursor(t); };
  return li;
}
// a chain (immediate cause first) as nested lists: each cause one level deeper; a hop to another node is marked
function chainTree(root, chain) {
  const top = el('ul', { class: 'why-tree' }), li = whyNode(root);
  top.append(li);
  let parent = li, node = root.node;
  chain.forEach(c => {
    const ul = el('ul', {}), n = whyNode(c);
    if (c.node && c.node !== node && c.seq != null) { n.classList.add('hop'); node = c.node; }
    ul.append(n); parent.append(ul); parent = n;
  });
  return top;
}
let whySeq = 0;
async function showWhy(ref) {
  const div = document.getElementById('why'), my = ++whySeq;
  S.focus = ref; permalink();
  const w = await api('why?event=' + encodeURIComponent(ref));
  if (my !== whySeq) return;   // a newer question won
  const [node, seq] = [ref.slice(0, ref.lastIndexOf('#')), +ref.slice(ref.lastIndexOf('#') + 1)];
  div.replaceChildren(el('div', { class: 'why-head' }, `why ${ref}`), chainTree({ node, seq, at: w.at, type: w.type, text: w.text }, w.why));
}
async function showWindowWhy(sb) {
  const div = document.getElementById('why'), my = ++whySeq;
  const root = el('ul', { class: 'why-tree' });
  const top = el('li', { class: 'why-node', 'data-testid': 'why-node' }, el('b', {}, `split brain ${sb.instance} [${sb.class}]`),
    ` ${sb.nodes.join(' + ')} ${fmt(sb.from)} → ${sb.to == null ? 'open' : fmt(sb.to)}`);
  top.onclick = ev => { ev.stopPropagation(); moveCursor(sb.from); };
  root.append(top);
  const kids = el('ul', {});
  top.append(kids);
  for (const [label, ref] of [['opened by', sb.openedBy], ['closed by', sb.closedBy]]) {
    if (!ref || !ref.includes('#')) { kids.append(el('li', { class: 'why-node outside' }, `${label}: ${ref || 'not in the evidence'}`)); continue; }
    try {
      const w = await api('why?event=' + encodeURIComponent(ref));
      const i = ref.lastIndexOf('#');
      const sub = chainTree({ node: ref.slice(0, i), seq: +ref.slice(i + 1), at: w.at, type: w.type, text: w.text }, w.why);
      const li = el('li', { class: 'why-branch' }, el('i', {}, label + ' '));
      li.append(sub);
      kids.append(li);
    } catch (e) { kids.append(el('li', {}, `${label} ${ref}: ${e}`)); }
  }
  (sb.evidence || []).forEach(e => kids.append(el('li', { class: 'evidence' }, e)));
  if (my !== whySeq) return;
  div.replaceChildren(el('div', { class: 'why-head' }, 'why this window'), root);
}

// ------------------------------------------------------------------ cursor, state, events

async function moveCursor(t, opts = {}) {
  S.cursor = t;
  if (!opts.keepView && (t < S.view.from || t > S.view.to)) { const half = (S.view.to - S.view.from) / 2; setView(t - half, t + half, true); }
  permalink();
  const line = document.getElementById('cursor-line');
  if (line) { const x = xOf(t); line.setAttribute('x1', x); line.setAttribute('x2', x); }
  document.getElementById('cursor-label').textContent = 'cursor: ' + fmt(t);
  if (!S.sel) loadEvents();
  const state = await api('state?at=' + Math.round(t));
  if (S.cursor !== t) return; // a newer click won
  drawState(state);
}

function permalink() {
  const p = new URLSearchParams();
  if (S.view) { p.set('from', Math.floor(S.view.from)); p.set('to', Math.ceil(S.view.to)); }
  if (S.sel) p.set('sel', `${S.sel.from}-${S.sel.to}`);
  if (S.cursor != null) p.set('at', Math.round(S.cursor));
  if (S.focus) p.set('why', S.focus);
  history.replaceState(null, '', '#' + p);
  document.getElementById('permalink').href = location.href;
}

function drawState(state) {
  const div = document.getElementById('state');
  div.replaceChildren();
  Object.entries(state).forEach(([node, v]) => {
    const box = el('div', { class: 'node', 'data-testid': 'node-state', 'data-node': node }, el('b', {}, node));
    const inst = Object.values(v.instances);
    inst.forEach(i => box.append(el('div', {},
      `${i.name}: `, el('span', { class: 'badge ' + i.state, 'data-testid': 'instance-state' }, i.state),
      i.lastKnownState ? ` (last known ${i.lastKnownState})` : '',
      ` prio ${i.priority}` + (i.master ? `, master seen ${i.master} (prio ${i.masterPriority})` : ''))));
    if (!inst.length) box.append(el('div', {}, 'no VRRP instance yet'));
    const vips = Object.values(v.vips).map(x => `${x.address} dev ${x.device}`);
    box.append(el('div', { 'data-testid': 'vips' }, 'VIPs: ' + (vips.join(', ') || 'none')));
    const rs = Object.values(v.realServers).map(r => `${r.realServer} ${r.up ? 'up' : 'DOWN'} w${r.weight}`);
    if (rs.length) box.append(el('div', {}, 'real servers: ' + rs.join(', ')));
    Object.values(v.ipvs).forEach(s => box.append(el('div', {},
      `IPVS ${s.service} → ` + (Object.values(s.destinations).map(d => `${d.destination} w${d.weight}`).join(', ') || 'no destination'))));
    div.append(box);
  });
}

// the table covers the selection if there is one, else the visible range from one second before the cursor
let evSeq = 0;
async function loadEvents(after = null) {
  const my = ++evSeq;
  const range = () => S.sel || { from: Math.max(S.view.from, (S.cursor ?? S.view.from) - 1000), to: S.view.to };
  // a reply for another selection or cursor is dropped, whichever request was sent last
  const r = range(), asked = JSON.stringify([S.sel, S.cursor]), stale = () => my !== evSeq || JSON.stringify([S.sel, S.cursor]) !== asked;
  const p = new URLSearchParams({ from: Math.floor(r.from), to: Math.ceil(r.to), limit: 200 });
  const node = document.getElementById('f-node').value, inst = document.getElementById('f-instance').value, q = document.getElementById('f-q').value;
  if (node) p.set('node', node);
  if (inst) p.set('instance', inst);
  if (q) p.set('q', q);
  const types = [...document.querySelectorAll('#f-type-list input:checked')].map(i => i.value);
  types.forEach(t => p.append('type', t));
  document.getElementById('f-types-label').textContent = types.length ? types.join(', ') : 'all types';
  if (!document.getElementById('f-collapse').checked) p.set('collapse', '0');
  if (after) p.set('after', after);
  let res = await api('events?' + p);
  if (stale()) return;
  // a sparse filter over a long range: pages come back empty within their time budget; search on, saying so
  for (let hops = 0; !res.rows.length && res.more && hops < 50; hops++) {
    document.getElementById('page-info').textContent = `searching… scanned to ${fmt(res.scannedTo)}`;
    p.set('after', res.next);
    res = await api('events?' + p);
    if (stale()) return;
  }
  if (!after) S.page = [];
  S.page.push(after);
  S.next = res.next;
  const firstRow = (S.page.length - 1) * 200 + 1;
  document.getElementById('events-range').textContent = `${S.sel ? 'selection' : 'from 1 s before the cursor to the end of the view'}: ${fmt(r.from)} → ${fmt(r.to)}`;
  document.getElementById('page-info').textContent = (res.rows.length ? `rows ${firstRow}–${firstRow + res.rows.length - 1}` : 'no matching event')
    + ` · ${res.totalInRange.toLocaleString('en')} events in range (all types, all filters off)`
    + (res.more ? ` · more: next page continues after ${fmt(res.scannedTo)}` : ' · end of range');
  document.getElementById('page-next').disabled = !res.more;
  drawEvents(res.rows);
}

function drawEvents(rows) {
  const body = document.querySelector('#events tbody');
  body.replaceChildren();
  rows.forEach(e => {
    const cause = e.causeSeq != null
      ? Object.assign(el('a', { class: 'cause', 'data-ref': `${e.node}#${e.causeSeq}` }), { textContent: e.cause })
      : e.cause;
    const count = e.count > 1 ? el('span', { class: 'count-badge', 'data-testid': 'collapsed' }, ` ×${e.count} until ${fmt(e.lastMs).slice(11)}`) : '';
    const why = el('a', { class: 'why', 'data-testid': 'row-why' }, 'why?');
    why.onclick = ev => { ev.stopPropagation(); showWhy(`${e.node}#${e.seq}`); };
    const tr = el('tr', { id: `ev-${e.node}-${e.seq}`, 'data-testid': 'event', 'data-type': e.type, 'data-node': e.node, 'data-ref': `${e.node}#${e.seq}` },
      el('td', {}, fmt(e.ms)), el('td', {}, e.node), el('td', {}, String(e.seq)),
      el('td', {}, el('span', { class: 'type' }, e.type), ' ', e.summary, count), el('td', {}, cause), el('td', {}, why));
    if (S.cursor != null && Math.abs(e.ms - S.cursor) < 1) tr.classList.add('hit');
    tr.onclick = () => moveCursor(e.ms, { keepView: false });
    body.append(tr);
  });
  body.querySelectorAll('a.cause').forEach(a => a.onclick = ev => { ev.stopPropagation(); showWhy(a.closest('tr').dataset.ref); });
}

load().catch(err => { document.body.prepend(el('pre', { 'data-testid': 'error' }, 'replay failed: ' + (err.stack || err))); });
