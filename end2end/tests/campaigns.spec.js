const { test, expect } = require('@playwright/test');
const { hydrated, loginAs } = require('./helpers');

test('the office starts a later round, refused first without a tier, and its dashboard opens', async ({ page }) => {
  await loginAs(page, 'office');
  await page.getByRole('link', { name: '活动', exact: true }).click();
  await expect(page.locator('h1')).toHaveText('活动轮次');
  await hydrated(page);
  // A round far in the future, so the 2022 round stays the current one for the other journeys.
  await page.fill('#name_zh', '小巨人专项服务（2099年）');
  await page.fill('#starts_on', '2099-03-01');
  await page.fill('#deadline', '2099-12-31');
  for (const box of await page.locator('#new-campaign input[type=checkbox]').all()) await box.uncheck();
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.locator('.field-error').filter({ hasText: '请至少选择一个纳入范围的梯度层级' })).toBeVisible();
  await page.locator('input[name=tier4]').check();
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page).toHaveURL(/created=\d+/);
  await expect(page.locator('#campaign-created')).toBeVisible();
  const row = page.locator('#campaign-list tr', { hasText: '小巨人专项服务（2099年）' });
  await expect(row).toContainText('2099-03-01');
  await row.getByRole('link').click();
  await expect(page).toHaveURL(/\/dashboard\?campaign=\d+/);
  await expect(page.locator('.page-head')).toContainText('小巨人专项服务（2099年）');
  await expect(page.locator('#campaign')).toBeVisible();
});
