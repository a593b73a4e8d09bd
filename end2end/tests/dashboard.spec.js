const { test, expect } = require('@playwright/test');
const { loginAs } = require('./helpers');

test('a leader reads the dashboard, follows the red list to a firm, and downloads the report', async ({ page }) => {
  await loginAs(page, 'leader');
  await page.getByRole('link', { name: '驾驶舱' }).click();
  await expect(page.locator('h1')).toHaveText('领导驾驶舱');
  // Replay the campaign's end: the same figures the JSON API gives for that day.
  await page.fill('#as_of', '2022-12-31');
  await page.getByRole('button', { name: '查看' }).click();
  await expect(page).toHaveURL(/as_of=2022-12-31/);
  const api = await (await page.request.get('/api/v1/progress?as_of=2022-12-31')).json();
  await expect(page.locator('#tile-scope .tile-num')).toHaveText(String(api.firms_in_scope));
  await expect(page.locator('#tile-visited .tile-detail')).toHaveText(`${api.visited_on_site} / ${api.firms_in_scope}`);
  await expect(page.locator('#burnup svg polyline.series.visited')).toHaveCount(1);
  await expect(page.locator('#projection')).toContainText('预计');

  // The red list names a firm not visited; its file says so.
  const redTotal = Number(await page.locator('#red-not-visited .count-badge').innerText());
  expect(redTotal).toBe(api.firms_in_scope - api.visited_on_site);
  const first = page.locator('#red-not-visited li a').first();
  const firmName = await first.innerText();
  await first.click();
  await expect(page.locator('h1')).toHaveText(firmName);
  await expect(page.locator('.badge.red').first()).toBeVisible();

  // "See all" opens the firm list filtered to exactly those firms.
  await page.goBack();
  await page.locator('#red-not-visited > a').click();
  await expect(page).toHaveURL(/status=not_visited/);
  await expect(page.locator('#result-count')).toContainText(`共 ${redTotal} 家`);
  // The list counts for the dashboard's round and day, and says so: the campaign has ended.
  await expect(page).toHaveURL(/as_of=2022-12-31/);
  await expect(page.locator('.notice.basis')).toContainText('截至 2022-12-31');

  // The half-year report for the province, on screen and as Excel.
  await page.getByRole('link', { name: '半年报' }).click();
  await page.selectOption('#period', '2022H2');
  await page.getByRole('button', { name: '生成' }).click();
  await expect(page.locator('.report-heading')).toContainText('2022H2');
  const report = await (await page.request.get('/api/v1/reports/half-year?period=2022H2')).json();
  await expect(page.locator('#r-raised td')).toHaveText(String(report.problems.raised));
  expect(report.problems.raised).toBe(api.dashboard.problems.raised);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('#report-xlsx').click(),
  ]);
  expect(download.suggestedFilename()).toBe('全省-2022H2-半年报.xlsx');
});

test('the dashboard fits a 360-px phone', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await loginAs(page, 'office');
  await page.goto('/dashboard?as_of=2022-09-30');
  await expect(page.locator('#tile-visited')).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
