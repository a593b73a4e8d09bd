// Bytes on the wire for the coordinator's two pages (/my and a firm's visit form), per file,
// first with an empty cache and then again with the cache the first visit left; a table on
// stdout. Run it against a running server (`make run`, or the optimised build, `make release`):
//   node end2end/page-bytes.js [http://127.0.0.1:3000] [login] [password]
// The login must be a coordinator who has set their own password (or the demo started with
// ZHUQI_DEMO_KEEP_PASSWORDS=1).
const { chromium } = require('@playwright/test');
const { execSync } = require('node:child_process');

const base = process.argv[2] || 'http://127.0.0.1:3000';
const login = process.argv[3] || 'coordinator';
const password = process.argv[4] || 'zhuqi-demo-2022';
const executablePath = process.env.CHROMIUM_PATH || execSync('command -v chromium || command -v chromium-browser').toString().trim();

/** Loads a page until hydrated; returns [url, bytes received] for every response. */
async function measure(page, cdp, path) {
  const sizes = new Map();
  const urls = new Map();
  const onResponse = (e) => urls.set(e.requestId, e.response.url);
  const onFinished = (e) => sizes.set(e.requestId, e.encodedDataLength);
  cdp.on('Network.responseReceived', onResponse);
  cdp.on('Network.loadingFinished', onFinished);
  await page.goto(base + path);
  await page.waitForSelector('body[data-hydrated=true]', { timeout: 120_000 });
  await page.waitForLoadState('networkidle');
  cdp.off('Network.responseReceived', onResponse);
  cdp.off('Network.loadingFinished', onFinished);
  return [...sizes]
    .map(([id, bytes]) => [urls.get(id) || '', bytes])
    .filter(([url]) => url.startsWith('http'));
}

(async () => {
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await page.goto(`${base}/login`);
  await page.fill('#login', login);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('#who');
  const firms = await (await page.request.get(`${base}/api/v1/firms`)).json();
  const visitForm = `/firms/${firms.rows[0].id}/visit`;
  // The login left files in the cache: start the measured visits from an empty one.
  await cdp.send('Network.clearBrowserCache');
  const rows = [];
  for (const [label, path] of [['/my, empty cache', '/my'], ['visit form, after /my', visitForm], ['/my, again', '/my']]) {
    for (const [url, bytes] of await measure(page, cdp, path)) {
      rows.push([label, new URL(url).pathname, bytes]);
    }
  }
  const width = Math.max(...rows.map((r) => r[1].length));
  console.log(`| load | file${' '.repeat(width - 4)} | bytes |`);
  console.log(`|---|${'-'.repeat(width + 1)}|---:|`);
  let label = null;
  let total = 0;
  const flush = () => label && console.log(`| ${label} | total${' '.repeat(width - 5)} | ${total} |`);
  for (const [l, file, bytes] of rows) {
    if (l !== label) { flush(); label = l; total = 0; }
    total += bytes;
    console.log(`| ${l} | ${file.padEnd(width)} | ${bytes} |`);
  }
  flush();
  await browser.close();
})();
