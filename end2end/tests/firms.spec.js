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

test('the office bulk-assigns ten firms, then hands one over and sees the history', async ({ page }) => {
  await loginAs(page, 'office');
  await page.goto('/firms?region=6');
  await hydrated(page);
  const boxes = page.locator('input[name=firm]');
  expect(await boxes.count()).toBeGreaterThanOrEqual(10);
  for (let i = 0; i < 10; i++) await boxes.nth(i).check();
  const chosen = await page.locator('#bulk-coordinator option').nth(3).getAttribute('value');
  await page.selectOption('#bulk-coordinator', chosen);
  await page.fill('#bulk-reason', '按片区统一调整');
  await page.getByRole('button', { name: '分配', exact: true }).click();
  await expect(page).toHaveURL(/region=6&assigned=\d+\.\d+\.\d+$/);
  const counts = (new URL(page.url())).searchParams.get('assigned').split('.').map(Number);
  expect(counts[0] + counts[1] + counts[2]).toBe(10);
  await expect(page.locator('#assign-result')).toContainText('已分配');

  // Hand the first firm over to someone else, with a reason; the history keeps both.
  await page.locator('.firm-row .firm-name').first().click();
  await hydrated(page);
  const other = await page.locator('#coordinator_id option').nth(5).getAttribute('value');
  await page.selectOption('#coordinator_id', other);
  await page.fill('#reason', '原协调员工作调整');
  await page.getByRole('button', { name: '分配', exact: true }).click();
  await expect(page).toHaveURL(/updated=assign\.\d+$/);
  await expect(page.locator('.assign-history li').first()).toContainText('→ —');
  await expect(page.locator('.assign-history')).toContainText('原协调员工作调整');
  expect(await page.locator('.assign-history li').count()).toBeGreaterThanOrEqual(2);
});

test('the workload view counts each coordinator and links to the firms still without one', async ({ page }) => {
  await loginAs(page, 'leader');
  await page.getByRole('link', { name: '工作量' }).click();
  await expect(page.locator('h1')).toHaveText('协调员工作量');
  const text = await page.locator('#unassigned').innerText();
  const n = Number(text.match(/(\d+)/)[1]);
  expect(await page.locator('table.grid tbody tr').count()).toBe(80);
  await page.locator('#unassigned a').click();
  await expect(page).toHaveURL(/unassigned=1/);
  if (n > 0) {
    await expect(page.locator('#result-count')).toContainText(`共 ${n} 家`);
    await expect(page.locator('.firm-row .badge.yellow').first()).toContainText('未分配');
  } else {
    await expect(page.locator('.notice.empty')).toBeVisible();
  }
});

test('the office registers a firm, corrects a refused credit code, edits and archives it', async ({ page }) => {
  await loginAs(page, 'office');
  await page.goto('/firms');
  await page.getByRole('link', { name: '登记企业' }).click();
  await expect(page).toHaveURL(/\/firms\/new$/);
  await hydrated(page);
  await page.fill('#credit_code', '91110000600037341K');
  await page.fill('#name', '青海端到端测试科技有限公司');
  await page.selectOption('#tier', '3');
  await page.getByRole('button', { name: '提交' }).click();
  await expect(page.locator('.field-error').first()).toContainText('统一社会信用代码校验位错误');
  await expect(page.locator('#name')).toHaveValue('青海端到端测试科技有限公司');
  await page.fill('#credit_code', '９１１１００００６０００３７３４１Ｌ');
  await page.getByRole('button', { name: '提交' }).click();
  await expect(page.locator('h1')).toHaveText('青海端到端测试科技有限公司');
  await expect(page.locator('.profile')).toContainText('91110000600037341L');

  await page.getByRole('link', { name: '编辑企业档案' }).click();
  await hydrated(page);
  await page.fill('#name', '青海端到端测试科技股份有限公司');
  await page.getByRole('button', { name: '提交' }).click();
  await expect(page.locator('h1')).toHaveText('青海端到端测试科技股份有限公司');

  await page.getByRole('button', { name: '归档' }).click();
  await expect(page.locator('.notice.warn')).toContainText('已归档');
});
