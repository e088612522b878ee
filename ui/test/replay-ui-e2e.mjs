// The replay UI as an incident tool, in Debian's chromium: node replay-ui-e2e.mjs URL BUNDLE_URL SHOT_DIR
// URL serves a 10-minute pair with known incidents (ReplayJournals: preemption at +60 s, split brain 203.6–209 s,
// lb-a killed at 540.5 s), 25 check results/s per node; BUNDLE_URL serves an incident bundle of it.
// Prints one "ok: ..." line per verified behaviour and exits non-zero on the first failure.
import { chromium } from 'playwright-core';

const [url, bundleUrl, shots] = process.argv.slice(2);
const fail = msg => { console.error('FAIL: ' + msg); process.exitCode = 1; throw new Error(msg); };
const ok = msg => console.log('ok: ' + msg);
const range = page => page.$eval('#timeline', s => [+s.dataset.from, +s.dataset.to]);
const settle = page => page.waitForTimeout(400);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
         '--no-first-run', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector('[data-testid=split]');
  await page.waitForSelector('[data-testid=tick]');
  await settle(page);
  await page.screenshot({ path: `${shots}/replay-overview.png`, fullPage: true });
  const ticks0 = await page.$$eval('[data-testid=tick]', t => t.map(x => x.textContent));
  ok(`overview: ${ticks0.length} ticks (${ticks0.slice(0, 3).join(', ')}, ...)`);

  // ---- zoom and pan change the visible range; ticks adapt
  const [f0, t0] = await range(page);
  const box = await (await page.$('#timeline')).boundingBox();
  await page.mouse.move(box.x + box.width * 0.6, box.y + 60);
  for (let i = 0; i < 5; i++) await page.mouse.wheel(0, -400);
  await settle(page);
  const [f1, t1] = await range(page);
  if (!(t1 - f1 < (t0 - f0) / 4)) fail(`wheel zoom: range ${t0 - f0} → ${t1 - f1} ms`);
  const ticks1 = await page.$$eval('[data-testid=tick]', t => t.map(x => x.textContent));
  if (ticks1.join() === ticks0.join()) fail('ticks did not change with the zoom');
  ok(`wheel zoom: ${(t0 - f0) / 1000} s → ${((t1 - f1) / 1000).toFixed(1)} s visible, ticks ${ticks1.slice(0, 3).join(', ')}`);
  await page.mouse.move(box.x + box.width * 0.6, box.y + 60);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.4, box.y + 60, { steps: 5 });
  await page.mouse.up();
  await settle(page);
  const [f2, t2] = await range(page);
  if (!(f2 > f1 && Math.abs((t2 - f2) - (t1 - f1)) < 2)) fail(`drag pan: [${f1}, ${t1}] → [${f2}, ${t2}]`);
  ok(`drag pan: view moved ${((f2 - f1) / 1000).toFixed(1)} s later, same width`);
  // range selection with shift+drag
  await page.keyboard.down('Shift');
  await page.mouse.move(box.x + box.width * 0.5, box.y + 60);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.7, box.y + 60, { steps: 5 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  await settle(page);
  if (!(await page.$('[data-testid=selection]'))) fail('shift+drag drew no selection');
  if (!(await page.textContent('[data-testid=events-range], #events-range')).startsWith('selection')) fail('event table does not follow the selection');
  ok('shift+drag selects a range; the event table follows it');
  await page.screenshot({ path: `${shots}/replay-zoomed.png`, fullPage: true });
  // resize redraws at the new width
  await page.setViewportSize({ width: 1100, height: 1000 });
  await settle(page);
  const w = await page.$eval('#timeline', s => s.getBoundingClientRect().width);
  const lastTick = await page.$$eval('[data-testid=tick]', t => Math.max(...t.map(x => +x.getAttribute('x'))));
  if (lastTick > w) fail(`after resize a tick is drawn at x=${lastTick} beyond the ${w}px chart`);
  ok(`resize: redrawn at ${Math.round(w)} px`);
  await page.setViewportSize({ width: 1500, height: 1000 });
  await page.click('#fit-all');
  await settle(page);

  // ---- a crash shows as crash and unknown, not MASTER
  await page.click('[data-testid=crash] b');
  await settle(page);
  if (!(await page.$('[data-testid=crash-marker][data-node=lb-a]'))) fail('no crash marker on lb-a');
  const unknownSpans = await page.$$('rect[data-state=UNKNOWN][data-node=lb-a]');
  if (!unknownSpans.length) fail('no UNKNOWN span on lb-a after its crash');
  // move the cursor after the crash: lb-a is UNKNOWN, lb-b MASTER
  const crashBox = await (await page.$('[data-testid=crash-marker]')).boundingBox();
  await page.mouse.click(crashBox.x + 60, box.y + 60);
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=instance-state]')].map(b => b.textContent).join() === 'UNKNOWN,MASTER', null, { timeout: 10000 })
    .catch(async () => fail('after the crash the badges read ' + await page.$$eval('[data-testid=instance-state]', b => b.map(x => x.textContent).join())));
  ok('crash: marker on lb-a, lane UNKNOWN after it, state at cursor lb-a UNKNOWN (not MASTER), lb-b MASTER');
  await page.screenshot({ path: `${shots}/replay-crash.png`, fullPage: true });

  // ---- why panel of the preemption: failover "why?" (1 click) shows a's script result across nodes
  await page.click('#fit-all');
  const preempt = await page.$$('[data-testid=failover]');
  let found = null;
  for (const li of preempt) if ((await li.textContent()).includes('lb-b BACKUP→MASTER')) { found = li; break; }
  if (!found) fail('no failover of lb-b listed');
  await (await found.$('[data-testid=failover-why]')).click();                       // click 1
  await page.waitForSelector('[data-testid=why-node][data-type=check-result]', { timeout: 10000 })
    .catch(async () => fail('why tree has no check result: ' + await page.textContent('[data-testid=why]')));
  const why = await page.$$eval('[data-testid=why-node]', n => n.map(x => x.dataset.ref + ' ' + x.dataset.type));
  const script = await page.$eval('[data-testid=why-node][data-type=check-result]', n => n.dataset.ref + ' ' + n.textContent);
  if (!script.startsWith('lb-a#')) fail('the script result is not lb-a\'s: ' + script);
  ok(`why of lb-b's preemption in 1 click reaches ${script.slice(0, 120)}`);
  await settle(page);
  await page.screenshot({ path: `${shots}/replay-why.png`, fullPage: true });
  await page.click('[data-testid=why-node][data-type=check-result]');                // click 2: jumps the cursor
  await settle(page);
  const cur = await page.textContent('[data-testid=cursor]');
  if (!cur.includes(':01:0')) fail('clicking the script result did not move the cursor to it: ' + cur);
  ok('clicking a node of the why tree moves the cursor: ' + cur);

  // ---- busy journal: the split-brain window's table shows the transition that opened it
  const partition = (await page.$$('[data-testid=split]'));
  let part = null;
  for (const li of partition) if ((await li.textContent()).includes('[partition]')) part = li;
  if (!part) fail('no partition split brain listed');
  await (await part.$('b')).click();
  const opened = await page.evaluate(() => window.vigilReplay.splits.find(s => s.class === 'partition').openedBy);
  await page.waitForSelector(`tr[data-ref="${opened}"]`, { timeout: 10000 })
    .catch(async () => fail(`the transition that opened the window (${opened}) is not in the table: ${await page.textContent('[data-testid=page-info]')}`));
  const info = await page.textContent('[data-testid=page-info]');
  const collapsed = await page.$$eval('[data-testid=collapsed]', c => c.map(x => x.textContent));
  if (!collapsed.length) fail('no collapsed check rows in a busy window');
  ok(`split window table shows ${opened} (opened the window); ${collapsed.length} collapsed check rows (e.g.${collapsed[0]}); ${info}`);
  await page.waitForFunction(() => document.querySelector('[data-testid=why]').textContent.includes('closed by'), null, { timeout: 10000 }).catch(() => {});
  const whyWin = await page.textContent('[data-testid=why]');
  if (!whyWin.includes('opened by') || !whyWin.includes('closed by')) fail('window why tree lacks opened/closed by: ' + whyWin);
  ok('window why tree: opened by and closed by with their chains');
  await page.screenshot({ path: `${shots}/replay-split-busy.png`, fullPage: true });
  const hash = await page.evaluate(() => location.hash);
  if (!hash.includes('from=') || !hash.includes('at=') || !hash.includes('sel=')) fail('permalink lacks window/cursor: ' + hash);

  // ---- filters hide what they should
  await page.click('#f-types summary');
  await page.check('[data-testid=type-vrrp-transition]');
  await page.waitForFunction(() => [...document.querySelectorAll('tr[data-testid=event]')].every(r => r.dataset.type === 'vrrp-transition'));
  const onlyTr = await page.$$eval('tr[data-testid=event]', r => r.map(x => x.dataset.type));
  if (!onlyTr.length) fail('type filter left nothing');
  ok(`type filter: ${onlyTr.length} rows, all vrrp-transition`);
  await page.uncheck('[data-testid=type-vrrp-transition]');
  await page.selectOption('[data-testid=f-node]', 'lb-b');
  await page.waitForFunction(() => { const r = [...document.querySelectorAll('tr[data-testid=event]')]; return r.length && r.every(x => x.dataset.node === 'lb-b'); });
  ok('node filter: only lb-b rows');
  await page.selectOption('[data-testid=f-node]', '');
  await page.fill('[data-testid=f-q]', '198.51.100.12');
  await page.waitForFunction(() => { const r = [...document.querySelectorAll('tr[data-testid=event]')]; return r.length && r.every(x => x.textContent.includes('198.51.100.12')); }, null, { timeout: 10000 });
  const textRows = await page.$$eval('tr[data-testid=event]', r => r.length);
  ok(`text filter "198.51.100.12": ${textRows} rows, each mentions it`);
  await page.screenshot({ path: `${shots}/replay-filters.png`, fullPage: true });
  await page.fill('[data-testid=f-q]', '');
  await settle(page);

  // ---- permalink: a new page opened on it shows the same window and cursor
  const link = page.url();
  const p2 = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
  await p2.goto(link);
  await p2.waitForSelector('[data-testid=tick]');
  await settle(p2);
  const [pf, pt] = await range(p2), [qf, qt] = await range(page);
  if (pf !== qf || pt !== qt) fail(`permalink view [${pf},${pt}] vs [${qf},${qt}]`);
  if ((await p2.textContent('[data-testid=cursor]')) !== (await page.textContent('[data-testid=cursor]'))) fail('permalink cursor differs');
  ok('permalink reopens the same window and cursor');
  await p2.close();

  // ---- keyboard: next transition / next incident
  await page.click('#fit-all');
  await settle(page);
  const before = await page.textContent('[data-testid=cursor]');
  await page.keyboard.press('Shift+ArrowLeft');
  await settle(page);
  await page.keyboard.press('ArrowLeft');
  await settle(page);
  const after = await page.textContent('[data-testid=cursor]');
  if (after === before) fail('keyboard steps did not move the cursor');
  ok(`keyboard: ${before} → ${after}`);
  if (errors.length) fail('page errors: ' + errors);

  // ---- the bundle opened: verified on load
  if (bundleUrl) {
    const pb = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
    await pb.goto(bundleUrl);
    await pb.waitForSelector('[data-testid=split]');
    await settle(pb);
    const v = await pb.textContent('[data-testid=verified]');
    if (!v.includes('verified')) fail('bundle page does not say it was verified: ' + v);
    ok('bundle page: ' + v);
    await pb.screenshot({ path: `${shots}/replay-bundle.png`, fullPage: true });
  }
} finally {
  await browser.close();
}
