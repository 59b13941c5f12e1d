// report_page.js REPORT.html HOSTS.jsonl OUTDIR [--hostile]
// Opens updguard's report.html in Debian's headless Chromium (playwright-core,
// never a downloaded browser) and checks what a reader relies on: the chart
// draws, the host table lists every host, filtering by verdict keeps exactly
// the hosts of that verdict (counted from hosts.jsonl), a host's timeline
// shows with file:line sources; no console error, no network request. With
// --hostile the case holds markup in host names and evidence: it must show
// as text and never run. Saves a screenshot under OUTDIR; prints load time.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const [reportPath, hostsPath, outDir] = process.argv.slice(2, 5);
const hostile = process.argv.includes('--hostile');

function fail(msg) {
  console.error('FAIL: ' + msg);
  process.exitCode = 1;
  throw new Error(msg);
}

function expectations() {
  const lines = fs.readFileSync(hostsPath, 'utf8').split('\n').filter(Boolean);
  const byVerdict = {};
  lines.forEach((l) => {
    const h = JSON.parse(l);
    byVerdict[h.verdict] = (byVerdict[h.verdict] || 0) + 1;
  });
  return { total: lines.length, byVerdict };
}

async function checkPage(page, exp, errors) {
  const t0 = Date.now();
  await page.goto('file://' + path.resolve(reportPath), { waitUntil: 'load' });
  const loadMs = Date.now() - t0;
  const bars = await page.locator('#delivery-chart rect.bar').count();
  if (bars < 1) fail('the chart has no bars');
  if ((await page.locator('#delivery-chart rect.window').count()) !== 1) fail('the window is not shaded');
  const count = await page.locator('#f-count').textContent();
  if (count !== exp.total + ' host(s)') fail(`host table says "${count}", hosts.jsonl has ${exp.total}`);
  const rows = await page.locator('#host-table tbody tr').count();
  if (rows !== Math.min(100, exp.total)) fail(`first page has ${rows} rows`);

  for (const verdict of ['compromised', 'clean-delivery']) {
    await page.selectOption('#f-verdict', verdict);
    const want = exp.byVerdict[verdict] || 0;
    const c = await page.locator('#f-count').textContent();
    if (c !== want + ' host(s)') fail(`filter ${verdict}: "${c}", hosts.jsonl has ${want}`);
    const cells = await page.locator('#host-table tbody td.verdict').allTextContents();
    if (cells.length !== Math.min(100, want) || cells.some((v) => v !== verdict))
      fail(`filter ${verdict}: rows show ${JSON.stringify(cells.slice(0, 5))}...`);
  }
  await page.selectOption('#f-verdict', 'compromised');
  const first = page.locator('#host-table tbody tr').first().locator('a');
  const name = await first.textContent();
  await first.click();
  const sec = page.locator('section.host.current');
  if (!(await sec.isVisible())) fail('no timeline shown after clicking ' + name);
  const title = await sec.locator('h3').textContent();
  if (!title.startsWith(name)) fail(`timeline of "${title}" shown for ${name}`);
  const items = await sec.locator('ol.tl li').count();
  const srcs = await sec.locator('ol.tl li code.src').count();
  if (items < 2 || srcs < 1) fail(`timeline of ${name}: ${items} items, ${srcs} sources`);
  if (!(await sec.locator('.tree .proc').count()) && !(await sec.locator('li.e').count()))
    fail('timeline of a compromised host shows no evidence');
  // a clean host, rendered from the data block
  await page.selectOption('#f-verdict', 'clean-delivery');
  if ((exp.byVerdict['clean-delivery'] || 0) > 0) {
    await page.locator('#host-table tbody tr a').first().click();
    const cur = page.locator('section.host.current');
    if (!(await cur.isVisible()) || (await cur.locator('li.d').count()) < 1) fail('clean host timeline missing');
  }
  await page.selectOption('#f-verdict', 'compromised');
  return { loadMs, name };
}

async function checkHostile(page) {
  const pwned = await page.evaluate(() => window.__pwned);
  if (pwned !== undefined) fail('markup from the case ran: window.__pwned = ' + pwned);
  const txt = await page.locator('body').textContent();
  if (!txt.includes('<script>window.__pwned=1</script>')) fail('hostile host name not shown as text');
}

(async () => {
  const exp = expectations();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ug-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
  });
  const errors = [];
  try {
    const page = ctx.pages()[0] || (await ctx.newPage());
    page.on('console', (m) => { if (m.type() === 'error') errors.push('console: ' + m.text()); });
    page.on('pageerror', (e) => errors.push('page error: ' + e.message));
    page.on('request', (r) => { if (!r.url().startsWith('file:')) errors.push('network request: ' + r.url()); });
    const { loadMs, name } = await checkPage(page, exp, errors);
    if (hostile) await checkHostile(page);
    const shot = path.join(outDir, hostile ? 'report-hostile.png' : 'report.png');
    await page.screenshot({ path: shot, fullPage: false });
    const top = path.join(outDir, hostile ? 'report-hostile-top.png' : 'report-top.png');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: top });
    if (errors.length) fail(errors.join('\n'));
    console.log(`ok: ${exp.total} hosts, load ${loadMs} ms, timeline of ${name} shown, screenshot ${shot}`);
  } finally {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
})().catch((e) => {
  if (!process.exitCode) console.error('FAIL: ' + (e && e.stack ? e.stack : e));
  process.exitCode = 1;
});
