// Journeys run against the real server binary (target/release unless E2E_PROFILE says debug) on
// a fresh SQLite database with the demo data, in Debian's Chromium (no browser download: this machine has no access to one).
const { defineConfig, devices } = require('@playwright/test');
const { execSync } = require('node:child_process');
const path = require('node:path');
const os = require('node:os');

const port = process.env.E2E_PORT || '3100';
const root = path.resolve(__dirname, '..');
const dbFile = path.join(os.tmpdir(), `zhuqi-e2e-${port}.db`);
// The optimised build by default: it is what phones get, and the byte budget is checked on it.
// E2E_PROFILE=debug runs the journeys against `cargo leptos build` while working on them.
const profile = process.env.E2E_PROFILE || 'release';
const chromium = process.env.CHROMIUM_PATH || execSync('command -v chromium || command -v chromium-browser').toString().trim();

module.exports = defineConfig({
  testDir: './tests',
  // One server and one database: journeys change data, so they run one after another.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    locale: 'zh-CN',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    },
  },
  projects: [
    { name: 'desktop', use: { ...devices['Desktop Chrome'], channel: undefined } },
  ],
  webServer: {
    command: `rm -f ${dbFile} ${dbFile}-wal ${dbFile}-shm && exec ${root}/target/${profile}/zhuqi serve --demo`,
    cwd: root,
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: {
      DATABASE_URL: `sqlite://${dbFile}?mode=rwc`,
      ZHUQI_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: 'target/site',
      LEPTOS_OUTPUT_NAME: 'zhuqi',
      RUST_LOG: 'warn',
      ZHUQI_DEMO_KEEP_PASSWORDS: '1',
    },
  },
});
