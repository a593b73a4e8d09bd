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
  // After the deadline the verdicts give the result, and the chart projects nothing.
  await expect(page.locator('#projection')).toHaveCount(0);
  await expect(page.locator('#verdict-visit')).toContainText('最终结果');
  await expect(page.locator('#verdict-visit .verdict-numbers')).toContainText(`${api.visited_on_site} / ${api.firms_in_scope}`);

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

test('a leader reads the verdict and follows a problem tile to exactly the problems it counts', async ({ page }) => {
  await loginAs(page, 'leader');
  await page.goto('/dashboard?as_of=2022-10-09');
  const api = await (await page.request.get('/api/v1/progress?as_of=2022-10-09')).json();
  // The verdict on each target comes first, in words, with the gap and the pace it needs.
  for (const [id, done] of [['#verdict-visit', api.visited_on_site], ['#verdict-solve', api.with_solved_problem]]) {
    const card = page.locator(id);
    await expect(card).toBeVisible();
    const outlook = await card.getAttribute('data-outlook');
    expect(['Met', 'WillBeMet', 'AtRisk', 'WillBeMissed']).toContain(outlook);
    await expect(card.locator('.verdict-numbers')).toContainText(`${done} / ${api.firms_in_scope}`);
    if (done < api.firms_in_scope) {
      await expect(card).toContainText(`还差 ${api.firms_in_scope - done} 户`);
      await expect(card).toContainText('须每周');
    }
  }
  await expect(page.locator('#projection')).toContainText('预计');
  // Month ticks and the as-of marker on the chart.
  expect(await page.locator('#burnup svg text.tick').count()).toBeGreaterThan(8);
  await expect(page.locator('#burnup svg line.today')).toHaveCount(1);

  const overdue = api.dashboard.problems.overdue;
  expect(overdue).toBeGreaterThan(0);
  await page.locator('#tile-overdue .tile-num').click();
  await expect(page).toHaveURL(/\/problems\?figure=overdue/);
  await expect(page.locator('h1')).toHaveText('问题清单');
  await expect(page.locator('#problem-count')).toHaveAttribute('data-total', String(overdue));
  await expect(page.locator('#problem-count')).toContainText('截至 2022-10-09');
  await expect(page.locator('#problem-rows tbody tr').first()).toBeVisible();

  // Narrowed to one unit: the unit's overdue count on the dashboard.
  const unit = api.dashboard.by_unit.find((u) => u.figures.overdue > 0);
  await page.selectOption('#unit', String(unit.id));
  await page.getByRole('button', { name: '筛选' }).click();
  await expect(page).toHaveURL(new RegExp(`unit=${unit.id}`));
  await expect(page.locator('#problem-count')).toHaveAttribute('data-total', String(unit.figures.overdue));
});
