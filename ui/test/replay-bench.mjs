// First paint and zoom redraw of the replay UI in Debian's chromium: node replay-bench.mjs URL
// first paint: navigation start → the timeline's lanes drawn and the incidents listed.
// zoom redraw: one wheel step → the page has the server's aggregation for the new range drawn (vigilReplay.redraws).
import { chromium } from 'playwright-core';

const [url] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
});
const med = a => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
try {
  const paints = [];
  for (let i = 0; i < 3; i++) {
    const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
    const t = Date.now();
    await page.goto(url);
    await page.waitForFunction(() => document.querySelectorAll('rect[data-state]').length > 0 && document.querySelectorAll('[data-testid=split]').length > 0, null, { timeout: 60000 });
    paints.push(Date.now() - t);
    await page.close();
  }
  console.log(`browser first paint (navigation → lanes and incidents drawn), 3 loads: ${paints.join(', ')} ms (median ${med(paints)} ms)`);
  const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
  await page.goto(url);
  await page.waitForFunction(() => window.vigilReplay && window.vigilReplay.tl && document.querySelectorAll('rect[data-state]').length > 0);
  const box = await (await page.$('#timeline')).boundingBox();
  const zooms = [], fetchDraw = [], local = [];
  for (let i = 0; i < 12; i++) {
    const before = await page.evaluate(() => window.vigilReplay.redraws || 0);
    await page.mouse.move(box.x + 300 + (i * 77) % 900, box.y + 60);
    const t = Date.now();
    await page.mouse.wheel(0, i < 8 ? -500 : 500);
    await page.waitForFunction(b => (window.vigilReplay.redraws || 0) > b, before, { timeout: 30000 });
    zooms.push(Date.now() - t);
    const m = await page.evaluate(() => [window.vigilReplay.lastRedrawMs, window.vigilReplay.lastDrawMs]);
    fetchDraw.push(Math.round(m[0])); local.push(Math.round(m[1]));
  }
  const span = await page.$eval('#timeline', s => (+s.dataset.to - +s.dataset.from) / 1000);
  console.log(`  of which fetch + parse + draw of the new aggregation: ${fetchDraw.join(', ')} ms (median ${med(fetchDraw)} ms); one SVG draw alone: median ${med(local)} ms`);
  console.log(`browser zoom redraw (wheel → server aggregation drawn, incl. 40 ms wheel debounce), 12 steps: ${zooms.join(', ')} ms (median ${med(zooms)} ms, max ${Math.max(...zooms)} ms; last view ${span.toFixed(0)} s)`);
} finally {
  await browser.close();
}
