// Bytes on the wire for the coordinator's two pages (/my and a firm's visit form), per file,
// first with an empty cache and then again with the cache the first visit left; a table on
// stdout. Run it against a running server (`make run`, or the optimised build, `make release`):
//   node end2end/page-bytes.js [http://127.0.0.1:3000] [login] [password]
// The login must be a coordinator who has set their own password (or the demo started with
// ZHUQI_DEMO_KEEP_PASSWORDS=1).
const { chromium } = require('@playwright/test');
const { execSync } = require('node:child_process');
const { pageBytes, table } = require('./bytes');

const base = process.argv[2] || 'http://127.0.0.1:3000';
const login = process.argv[3] || 'coordinator';
const password = process.argv[4] || 'zhuqi-demo-2022';
const executablePath = process.env.CHROMIUM_PATH || execSync('command -v chromium || command -v chromium-browser').toString().trim();

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
  const loads = [];
  for (const [label, path] of [['/my, empty cache', '/my'], ['visit form, after /my', visitForm], ['/my, again', '/my']]) {
    loads.push({ label, files: await pageBytes(page, cdp, base + path) });
  }
  console.log(table(loads));
  await browser.close();
})();
