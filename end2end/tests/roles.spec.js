const { test, expect } = require('@playwright/test');
const { loginAs, hydrated, DEMO_PASSWORD } = require('./helpers');

test('nobody gets past the login page, and a wrong password says so in Chinese', async ({ page }) => {
  await page.goto('/firms?region=3');
  await expect(page).toHaveURL(/\/login\?next=/);
  await page.fill('#login', 'office');
  await page.fill('#password', 'not the password');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.locator('.notice.error')).toContainText('手机号/用户名或密码错误');
  await page.fill('#password', DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  // Back where the user wanted to go.
  await expect(page).toHaveURL(/\/firms\?region=3$/);
  await expect(page.locator('#who')).toContainText('领导小组办公室');
});

test('each role sees what it should', async ({ page }) => {
  // The audit administrator starts on the audit trail, where its own login is the newest entry,
  // and reads no business data.
  await loginAs(page, 'auditor');
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByRole('link', { name: '操作日志' })).toBeVisible();
  await expect(page.locator('.audit-table tbody tr').first()).toContainText('login');
  expect((await page.request.get('/api/v1/firms')).status()).toBe(403);
  await page.getByRole('button', { name: '退出' }).click();
  await expect(page).toHaveURL(/\/login/);

  // The office runs the campaign but administers neither accounts nor the audit trail.
  await loginAs(page, 'office');
  await expect(page.getByRole('link', { name: '操作日志' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: '用户' })).toHaveCount(0);
  await page.getByRole('button', { name: '退出' }).click();
  await expect(page).toHaveURL(/\/login/);

  // A leader reads everything but has no log-a-visit button and no admin pages.
  await loginAs(page, 'leader');
  await expect(page.getByRole('link', { name: '操作日志' })).toHaveCount(0);
  const all = await (await page.request.get('/api/v1/firms')).json();
  // The demo province has 300 firms; other journeys may have imported more.
  expect(all.total).toBeGreaterThanOrEqual(300);
  await page.goto(`/firms/${all.rows[0].id}`);
  await expect(page.locator('h1')).toHaveText(all.rows[0].name);
  // A leader does not call firms: the contact's number is masked until shown (audited).
  await expect(page.locator('[data-phone=contact]')).toContainText('****');
  await hydrated(page);
  await page.getByRole('button', { name: '显示号码' }).first().click();
  await expect(page.locator('a.revealed').first()).toHaveAttribute('href', /^tel:\d{7,}/);
  await expect(page.getByRole('link', { name: '登记走访' })).toHaveCount(0);
  await page.goto('/audit');
  await expect(page.locator('.notice.error')).toContainText('您没有执行此操作的权限');
  await page.getByRole('button', { name: '退出' }).click();

  // A coordinator sees only their own firms, and cannot open another coordinator's firm form.
  await loginAs(page, 'coordinator');
  const mine = await (await page.request.get('/api/v1/firms')).json();
  expect(mine.total).toBeGreaterThan(0);
  expect(mine.total).toBeLessThan(300);
  await page.goto('/firms');
  await expect(page.locator('#result-count')).toContainText(`共 ${mine.total} 家`);
  const mineIds = new Set(mine.rows.map((f) => f.id));
  const notMine = all.rows.find((f) => !mineIds.has(f.id));
  await page.goto(`/firms/${notMine.id}/visit`);
  await expect(page.locator('.notice.error')).toContainText('您没有执行此操作的权限');
  await expect(page.locator('#summary')).toHaveCount(0);

  // ...but logs a visit for one of their own.
  await page.goto(`/firms/${mine.rows[0].id}/visit`);
  await hydrated(page);
  await page.check('#kind-phone');
  await page.fill('#visit_date', '2022-11-30');
  await page.fill('#summary', '电话回访，了解问题办理满意度。');
  await page.getByRole('button', { name: '提交' }).click();
  await expect(page.locator('.notice.success')).toContainText('走访已登记');
  await expect(page.locator('.history')).toContainText('visit');
});
