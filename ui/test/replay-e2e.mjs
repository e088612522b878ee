// Drives the replay UI in Debian's chromium: node replay-e2e.mjs URL SCREENSHOT.png
// Prints one "ok: ..." line per verified behaviour and exits non-zero on the first failure.
import { chromium } from 'playwright-core';

const [url, shot] = process.argv.slice(2);
const fail = msg => { console.error('FAIL: ' + msg); process.exitCode = 1; throw new Error(msg); };
const ok = msg => console.log('ok: ' + msg);
// waits until the state badges read `want` (comma-joined, in node order); fails showing what they read
const states = page => page.$$eval('[data-testid=instance-state]', b => b.map(x => x.textContent).join());
async function waitStates(page, want) {
  try {
    await page.waitForFunction(w => [...document.querySelectorAll('[data-testid=instance-state]')].map(b => b.textContent).join() === w, want, { timeout: 10000 });
  } catch (e) {
    fail(`state badges read "${await states(page)}" at ${await page.textContent('[data-testid=cursor]')}, wanted "${want}"`);
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
         '--no-first-run', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector('[data-testid=split], [data-testid=error]');
  const loadError = await page.$('[data-testid=error]');
  if (loadError) fail(await loadError.textContent());
  const nodes = await page.textContent('[data-testid=nodes]');
  if (!nodes.includes('lb-a') || !nodes.includes('lb-b')) fail('nodes header: ' + nodes);
  ok('nodes ' + nodes);

  const splits = await page.$$eval('[data-testid=split]', li => li.map(x => x.textContent));
  if (splits.length !== 1 || !splits[0].includes('lb-a + lb-b') || !splits[0].includes('4.000 s')) fail('split list: ' + splits);
  ok('split ' + splits[0]);
  await page.waitForSelector('[data-testid=split-band], [data-testid=error]', { timeout: 10000 }).catch(() => {});
  if (await page.$('[data-testid=error]')) fail(await page.textContent('[data-testid=error]'));
  if ((await page.$$('[data-testid=split-band]')).length !== 1) {
    const tl = await page.evaluate(() => fetch('api/timeline?all=1').then(r => r.json()));
    fail('split bands: ' + (await page.$$('[data-testid=split-band]')).length + '; lanes ' + JSON.stringify(tl.lanes.map(l => [l.node, l.group, l.lane, l.spans?.length]))
      + ' splits ' + JSON.stringify(tl.splitBrains));
  }
  ok('split band drawn');

  // jump into the split-brain window: both nodes' own projections say MASTER
  await page.click('[data-testid=split]');
  await waitStates(page, 'MASTER,MASTER');
  const vips = await page.$$eval('[data-testid=vips]', d => d.map(x => x.textContent));
  if (!vips.every(v => v.includes('192.0.2.100'))) fail('both should hold the VIP inside the window: ' + vips);
  ok('in window both MASTER, VIPs ' + vips.join(' | '));

  // follow the cause of a's MASTER→BACKUP transition back to the event that caused it
  await page.waitForSelector('a.cause', { timeout: 10000 }).catch(() => fail('no clickable causes'));
  const causeLinks = await page.$$('a.cause');
  if (!causeLinks.length) fail('no clickable causes');
  await causeLinks[0].click();
  await page.waitForSelector('[data-testid=why-node][data-ref]', { timeout: 10000 }).catch(() => fail('clicking a cause shows no why tree'));
  ok('cause link shows the why tree ' + (await page.$$eval('[data-testid=why-node]', n => n.map(x => x.dataset.ref))).join(' <- '));

  // click on the timeline after the heal: a is BACKUP again, b MASTER
  // (the locator scrolls the chart into view first: the why tree may have pushed it off screen)
  const box = await (await page.$('#timeline')).boundingBox();
  await page.locator('#timeline').click({ position: { x: box.width - 20, y: 10 } });
  await waitStates(page, 'BACKUP,MASTER');
  ok('after heal: lb-a BACKUP, lb-b MASTER');
  if (errors.length) fail('page errors: ' + errors);
  await page.screenshot({ path: shot, fullPage: true });
  ok('screenshot ' + shot);
} finally {
  await browser.close();
}
