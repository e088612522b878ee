// Vigil replay UI: draws the merged VRRP timeline of several directors and shows, for any instant, each
// node's state as its own journal projection computed it (server side, the same code the live node runs).
'use strict';
const api = p => fetch('api/' + p).then(r => r.ok ? r.json() : r.json().then(e => Promise.reject(e.error)));
const fmt = ms => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  Object.entries(attrs).forEach(([k, v]) => k === 'class' ? e.className = v : e.setAttribute(k, v));
  kids.forEach(k => e.append(k));
  return e;
};
const SVG = 'http://www.w3.org/2000/svg';
const svgEl = (tag, attrs) => { const e = document.createElementNS(SVG, tag); Object.entries(attrs).forEach(([k, v]) => e.setAttribute(k, v)); return e; };

let tl, cursor;

async function load() {
  const nodes = await api('nodes');
  document.getElementById('nodes').textContent = nodes.map(n => `${n.node} (${n.entries} events)`).join(' · ');
  tl = await api('timeline');
  drawTimeline();
  drawSplits();
  const params = new URLSearchParams(location.hash.slice(1));
  moveCursor(params.has('at') ? Number(params.get('at')) : tl.last);
}

function lanes() {
  const keys = [...new Set(tl.segments.map(s => s.instance + '\u0000' + s.node))].sort();
  return keys.map(k => { const [instance, node] = k.split('\u0000'); return { instance, node }; });
}

function drawTimeline() {
  const svg = document.getElementById('timeline');
  const L = lanes(), laneH = 22, left = 130, width = svg.clientWidth || 1000;
  svg.setAttribute('height', Math.max(40, L.length * laneH + 24));
  svg.replaceChildren();
  const t0 = tl.first, t1 = Math.max(tl.last, tl.first + 1);
  const x = t => left + (t - t0) / (t1 - t0) * (width - left - 10);
  L.forEach((l, i) => {
    const y = 4 + i * laneH;
    svg.append(Object.assign(svgEl('text', { x: 4, y: y + 14 }), { textContent: `${l.instance} @ ${l.node}` }));
    tl.segments.filter(s => s.instance === l.instance && s.node === l.node).forEach(s => {
      const r = svgEl('rect', { x: x(s.from), y, width: Math.max(1, x(s.to ?? t1) - x(s.from)), height: laneH - 4,
        class: s.state, 'data-state': s.state, 'data-node': s.node });
      r.append(Object.assign(svgEl('title', {}), { textContent: `${s.node} ${s.instance} ${s.state} from ${fmt(s.from)}: ${s.why}` }));
      svg.append(r);
    });
  });
  tl.splitBrains.forEach(sb => {
    const rows = L.map((l, i) => l.instance === sb.instance ? i : -1).filter(i => i >= 0);
    const y = 4 + Math.min(...rows) * laneH, h = (Math.max(...rows) - Math.min(...rows) + 1) * laneH - 4;
    svg.append(svgEl('rect', { x: x(sb.from), y, width: Math.max(2, x(sb.to ?? t1) - x(sb.from)), height: h, class: 'split', 'data-testid': 'split-band' }));
  });
  (tl.crashes || []).forEach(c => {
    const rows = L.map((l, i) => l.node === c.node ? i : -1).filter(i => i >= 0);
    if (!rows.length) return;
    const y0 = 4 + Math.min(...rows) * laneH, y1 = 4 + (Math.max(...rows) + 1) * laneH - 4, cx = x(c.lastEntry);
    const m = svgEl('line', { x1: cx, x2: cx, y1: y0, y2: y1, class: 'crash', 'data-testid': 'crash-marker', 'data-node': c.node });
    m.append(Object.assign(svgEl('title', {}), { textContent: `${c.node} crashed after #${c.lastSeq} (${fmt(c.lastEntry)})`
      + (c.restart == null ? ', never restarted' : `, restarted ${fmt(c.restart)}`) }));
    svg.append(m, Object.assign(svgEl('text', { x: cx + 3, y: y0 + 10, class: 'crash-label' }), { textContent: '✕ crash' }));
  });
  const axisY = L.length * laneH + 18;
  svg.append(Object.assign(svgEl('text', { x: left, y: axisY }), { textContent: fmt(t0) }));
  svg.append(Object.assign(svgEl('text', { x: width - 200, y: axisY }), { textContent: fmt(t1) }));
  const line = svgEl('line', { id: 'cursor-line', x1: 0, x2: 0, y1: 0, y2: axisY - 10, stroke: '#000', 'stroke-width': 1 });
  svg.append(line);
  svg.onclick = ev => {
    const r = svg.getBoundingClientRect();
    const t = t0 + (ev.clientX - r.left - left) / (width - left - 10) * (t1 - t0);
    moveCursor(Math.round(Math.min(t1, Math.max(t0, t))));
  };
  svg.dataset.x = JSON.stringify({ left, width, t0, t1 });
}

function drawSplits() {
  const ul = document.getElementById('splits');
  ul.replaceChildren();
  if (!tl.splitBrains.length) ul.append(el('li', {}, 'none: never two MASTERs of one instance at once in the evidence'));
  (tl.crashes || []).forEach(c => ul.append(el('li', { 'data-testid': 'crash' }, `crash: ${c.node} between ${fmt(c.lastEntry)} (#${c.lastSeq}) and `
    + (c.restart == null ? 'the end of the journals' : fmt(c.restart)))));
  (tl.warnings || []).forEach(w => ul.append(el('li', { class: 'warning' }, 'warning: ' + w)));
  tl.splitBrains.forEach(sb => {
    const dur = sb.to == null ? 'still open at end of journals' : `${((sb.to - sb.from) / 1000).toFixed(3)} s`;
    const li = el('li', { 'data-testid': 'split' },
      `${sb.instance} [${sb.class}]: ${sb.nodes.join(' + ')} MASTER from ${fmt(sb.from)} (${dur}); opened by ${sb.openedBy}` + (sb.closedBy ? `, closed by ${sb.closedBy}` : ''));
    li.onclick = () => moveCursor(sb.from);
    ul.append(li);
  });
}

async function moveCursor(t) {
  cursor = t;
  history.replaceState(null, '', '#at=' + t);
  const { left, width, t0, t1 } = JSON.parse(document.getElementById('timeline').dataset.x);
  const xx = left + (t - t0) / Math.max(1, t1 - t0) * (width - left - 10);
  const line = document.getElementById('cursor-line');
  line.setAttribute('x1', xx); line.setAttribute('x2', xx);
  document.getElementById('cursor-label').textContent = 'cursor: ' + fmt(t);
  const [state, events] = await Promise.all([api('state?at=' + t), api(`events?from=${t - 10000}&to=${t + 10000}&limit=500`)]);
  if (cursor !== t) return; // a newer click won
  drawState(state);
  drawEvents(events, t);
}

function drawState(state) {
  const div = document.getElementById('state');
  div.replaceChildren();
  Object.entries(state).forEach(([node, v]) => {
    const box = el('div', { class: 'node', 'data-testid': 'node-state', 'data-node': node }, el('b', {}, node));
    const inst = Object.values(v.instances);
    inst.forEach(i => box.append(el('div', {},
      `${i.name}: `, el('span', { class: 'badge ' + i.state, 'data-testid': 'instance-state' }, i.state),
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

function drawEvents(events, t) {
  const body = document.querySelector('#events tbody');
  body.replaceChildren();
  events.forEach(e => {
    const cause = e.causeSeq != null
      ? Object.assign(el('a', { class: 'cause', 'data-seq': e.causeSeq, 'data-node': e.node }), { textContent: e.cause })
      : e.cause;
    const tr = el('tr', { id: `ev-${e.node}-${e.seq}`, 'data-testid': 'event', 'data-type': e.type },
      el('td', {}, e.time.replace('T', ' ').replace('Z', '')), el('td', {}, e.node), el('td', {}, String(e.seq)),
      el('td', {}, `${e.type} ${summary(e)}`), el('td', {}, cause));
    if (Math.abs(e.ms - t) < 1) tr.classList.add('hit');
    body.append(tr);
  });
  body.querySelectorAll('a.cause').forEach(a => a.onclick = () => {
    const row = document.getElementById(`ev-${a.dataset.node}-${a.dataset.seq}`);
    body.querySelectorAll('tr.hit').forEach(r => r.classList.remove('hit'));
    if (row) { row.classList.add('hit'); row.scrollIntoView({ block: 'center' }); }
  });
}

function summary(e) {
  const d = e.data || {};
  switch (e.type) {
    case 'VRRP_TRANSITION': return `${d.instance} ${d.from}→${d.to}` + (d.reason ? ` (${d.reason})` : '');
    case 'VIP_CHANGED': return `${d.instance} ${d.added ? '+' : '-'}${d.address} dev ${d.device}` + (d.ok ? '' : ` FAILED ${d.error}`);
    case 'MASTER_SEEN': return `${d.instance} master ${d.peer} prio ${d.priority}`;
    default: return Object.entries(d).filter(([, v]) => typeof v !== 'object').map(([k, v]) => `${k}=${v}`).join(' ');
  }
}

load().catch(err => { document.body.prepend(el('pre', { 'data-testid': 'error' }, 'replay failed: ' + err)); });
