const { test, expect } = require('@playwright/test');
const { progress, shownCount, hydrated, loginAs } = require('./helpers');

test('the progress page shows the figures the database holds, as of any day', async ({ page }) => {
    const request = page.request;
    await loginAs(page, 'office');
  for (const asOf of ['2022-06-30', '2022-12-31']) {
    const expected = await progress(request, asOf);
    await page.goto(`/?as_of=${asOf}`);
    await expect(page.locator('h1')).toHaveText('百人助百企（2022年）');
    await expect(page.locator('#firms-in-scope')).toHaveText(String(expected.firms_in_scope));
    expect(await shownCount(page, 'target-visited')).toBe(expected.visited_on_site);
    expect(await shownCount(page, 'target-solved')).toBe(expected.with_solved_problem);
    expect(await shownCount(page, 'target-both')).toBe(expected.both_targets_met);
    await expect(page.locator('#target-visited')).toContainText(`${expected.visited_percent.toFixed(1)}%`);
  }
  // The campaign ended on 2022-12-31; today is later.
  await page.goto('/');
  await expect(page.locator('#campaign-status')).toContainText('活动已于 2022-12-31 结束');
});

test('the as-of form replays the campaign after hydration', async ({ page }) => {
    const request = page.request;
    await loginAs(page, 'office');
  const june = await progress(request, '2022-06-30');
  await page.goto('/');
  await hydrated(page);
  await page.fill('#as_of', '2022-06-30');
  await page.getByRole('button', { name: '查看' }).click();
  await expect(page).toHaveURL(/as_of=2022-06-30/);
  await expect(page.locator('#target-visited .num')).toHaveText(String(june.visited_on_site));
});

test('switching to English and back keeps the page', async ({ page }) => {
  await loginAs(page, 'leader');
  await page.goto('/firms?region=8');
  await page.getByRole('link', { name: 'English' }).click();
  await expect(page).toHaveURL(/\/firms\?region=8$/);
  await expect(page.locator('h1')).toHaveText('Firms');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.getByRole('link', { name: '中文' }).click();
  await expect(page.locator('h1')).toHaveText('企业名录');
});
