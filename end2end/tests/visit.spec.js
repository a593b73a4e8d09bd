const { test, expect } = require('@playwright/test');
const { unvisitedFirm, progress, shownCount, hydrated, loginAs } = require('./helpers');

test.describe('logging a visit', () => {
  test('with JavaScript: hydrated form, live counter, visit on the firm file, progress moves', async ({ page }) => {
    const request = page.request;
    await loginAs(page, 'office');
    const firm = await unvisitedFirm(request, 0);
    const before = await progress(request, '2022-12-31');

    await page.goto(`/firms/${firm.id}/visit`);
    await hydrated(page);
    // The counter only moves after hydration: proof that the WASM took over the page.
    const summary = '实地查看锂电池材料生产线，企业反映流动资金紧张。';
    await page.fill('#summary', summary);
    await expect(page.locator('#summary-count')).toHaveText(`${[...summary].length} / 2000`);

    await page.fill('#visit_date', '2022-12-20');
    await page.check('#kind-on_site');
    await page.fill('#participants', '总经理张海');
    await page.getByRole('button', { name: '提交' }).click();

    await expect(page).toHaveURL(new RegExp(`/firms/${firm.id}\\?logged=\\d+&problems=\\d+$`));
    await expect(page.locator('.notice.success')).toContainText('走访已登记');
    await expect(page.locator('#timeline .entry').first()).toContainText(summary);
    await expect(page.locator('.page-head .badge.green').first()).toContainText('已走访');

    await page.goto('/?as_of=2022-12-31');
    expect(await shownCount(page, 'target-visited')).toBe(before.visited_on_site + 1);
  });

  test('with JavaScript: bad input is refused with a message and nothing saved', async ({ page }) => {
    const request = page.request;
    await loginAs(page, 'office');
    const firm = await unvisitedFirm(request, 0);
    await page.goto(`/firms/${firm.id}/visit`);
    await hydrated(page);
    await page.fill('#visit_date', '2021-05-01');
    await page.fill('#summary', '   ');
    await page.getByRole('button', { name: '提交' }).click();
    await expect(page.locator('.notice.error')).toContainText('请修改标红的内容后重新提交');
    await expect(page.locator('#visit_date-error')).toHaveText('走访日期不能早于活动开始日期 2022-02-27');
    await expect(page.locator('#summary-error')).toHaveText('必填');
    // The refusal is also next to the submit button, focused and on screen.
    await expect(page.locator('#submit-error')).toBeFocused();
    await expect(page.locator('#submit-error')).toBeInViewport();
    await expect(page.locator('#submit-error')).toContainText('请修改标红的内容后重新提交');
    await expect(page).toHaveURL(new RegExp(`/firms/${firm.id}/visit$`));
    const file = await (await request.get(`/api/v1/firms/${firm.id}`)).json();
    expect(file.timeline.filter((e) => e.Visit && e.Visit.date === '2021-05-01')).toHaveLength(0);
  });
});

test.describe('logging a visit without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('a plain form post is validated, keeps what was typed, then saves and moves progress', async ({ page }) => {
    const request = page.request;
    await loginAs(page, 'office');
    const firm = await unvisitedFirm(request, 0);
    const before = await progress(request, '2022-12-31');

    await page.goto(`/firms/${firm.id}/visit`);
    await expect(page.locator('body')).not.toHaveAttribute('data-hydrated', 'true');
    await page.fill('#visit_date', '2022-12-21');
    await page.check('#kind-on_site');
    await page.fill('#participants', '财务总监李兰');
    await page.getByRole('button', { name: '提交' }).click();

    // Refused: the summary is required. The form comes back with the error and the input kept.
    await expect(page.locator('#summary-error')).toHaveText('必填');
    await expect(page.locator('#participants')).toHaveValue('财务总监李兰');
    await expect(page.locator('#visit_date')).toHaveValue('2022-12-21');

    const summary = '无脚本提交：了解企业用工需求。';
    await page.fill('#summary', summary);
    await page.getByRole('button', { name: '提交' }).click();
    await expect(page).toHaveURL(new RegExp(`/firms/${firm.id}\\?logged=\\d+&problems=\\d+$`));
    await expect(page.locator('#timeline .entry').first()).toContainText(summary);

    // Going back and sending the same form again (same idempotency key) makes no second visit.
    await page.goBack();
    await page.fill('#summary', summary);
    await page.getByRole('button', { name: '提交' }).click();
    await expect(page).toHaveURL(new RegExp(`/firms/${firm.id}\\?logged=\\d+&problems=\\d+$`));
    const file = await (await request.get(`/api/v1/firms/${firm.id}`)).json();
    expect(file.timeline.filter((e) => e.Visit && e.Visit.summary === summary)).toHaveLength(1);

    await page.goto('/?as_of=2022-12-31');
    expect(await shownCount(page, 'target-visited')).toBe(before.visited_on_site + 1);
  });
});

test('a phone-sized screen: the coordinator lands on 我的企业, one-row header, no horizontal scrolling, no token broken', async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const page = await ctx.newPage();
  await loginAs(page, 'coordinator');
  await expect(page).toHaveURL(/\/my$/);
  await expect(page.locator('#my-counts [data-count=firms]')).not.toHaveText('0');
  // The header is one row: most of the screen is left for the work.
  const header = await page.locator('header.topbar').boundingBox();
  console.log(`header height at 360 px: ${header.height} px`);
  expect(header.height).toBeLessThanOrEqual(64);
  // The app's files are named by their hash and kept a year; pages are never stored.
  const wasm = await page.locator('link[rel=preload][href$=".wasm"]').getAttribute('href');
  expect(wasm).toMatch(/^\/pkg\/zhuqi\.[\w-]{22}\.wasm$/);
  expect((await page.request.get(wasm)).headers()['cache-control']).toBe('public, max-age=31536000, immutable');
  for (const path of ['/my', '/', '/firms', '/dashboard', '/account']) {
    const resp = await page.goto(path);
    expect(resp.headers()['cache-control'], path).toBe('no-store');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, path).toBeLessThanOrEqual(0);
    // Numbers and dates stay whole: each sits on one line.
    const broken = await page.evaluate(() =>
      [...document.querySelectorAll('.num, td.num, .tile-num, time')]
        .filter((e) => e.offsetParent !== null && e.getClientRects().length > 1)
        .map((e) => e.textContent));
    expect(broken, path).toEqual([]);
  }
  await ctx.close();
});
