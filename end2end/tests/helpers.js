// Shared steps: finding test subjects through the JSON API and reading figures off pages.
const { expect } = require('@playwright/test');

/** The first firm in scope that has a coordinator and no on-site visit yet. */
async function unvisitedFirm(request, skip = 0) {
  let found = 0;
  for (let page = 1; page <= 20; page++) {
    const res = await request.get(`/api/v1/firms?page=${page}`);
    expect(res.ok()).toBeTruthy();
    const body = await res.json();
    for (const f of body.rows) {
      if (f.targets.in_scope && !f.targets.visited_on_site && f.coordinator) {
        if (found++ === skip) return f;
      }
    }
    if (page * body.page_size >= body.total) break;
  }
  throw new Error('no unvisited firm with a coordinator in the demo data');
}

async function progress(request, asOf) {
  const res = await request.get(`/api/v1/progress${asOf ? `?as_of=${asOf}` : ''}`);
  expect(res.ok()).toBeTruthy();
  return res.json();
}

/** The big number of a target on the progress page. */
async function shownCount(page, id) {
  return Number((await page.locator(`#${id} .num`).innerText()).trim());
}

const DEMO_PASSWORD = 'zhuqi-demo-2022';

/** Logs in through the login page (works with and without JavaScript). */
async function loginAs(page, who) {
  await page.goto('/login');
  await page.fill('#login', who);
  await page.fill('#password', DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.locator('#who')).toBeVisible();
}

async function hydrated(page) {
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

module.exports = { unvisitedFirm, progress, shownCount, hydrated, loginAs, DEMO_PASSWORD };
