const { test, expect } = require('@playwright/test');
const { hydrated, loginAs } = require('./helpers');

test('search and filter the firm list, then open a firm file', async ({ page }) => {
    const request = page.request;
    await loginAs(page, 'office');
  const res = await request.get('/api/v1/firms?region=7');
  const yushu = await res.json();
  expect(yushu.total).toBeGreaterThan(0);

  await page.goto('/firms');
  await hydrated(page);
  await page.selectOption('#region', '7');
  await page.getByRole('button', { name: '查询' }).click();
  await expect(page).toHaveURL(/region=7/);
  await expect(page.locator('#result-count')).toContainText(`共 ${yushu.total} 家`);

  const first = yushu.rows[0];
  await page.fill('#q', first.credit_code.slice(2, 14).toLowerCase());
  await page.getByRole('button', { name: '查询' }).click();
  await expect(page.locator('.firm-row')).toHaveCount(1);
  await page.getByRole('link', { name: first.name }).click();
  await expect(page.locator('h1')).toHaveText(first.name);
  await expect(page.locator('.profile')).toContainText(first.credit_code);
});
