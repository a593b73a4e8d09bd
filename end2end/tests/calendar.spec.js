const { test, expect } = require('@playwright/test');
const { loginAs } = require('./helpers');

test('the office reads 2022 in the calendar, adds a regional day off, imports a year and removes a day', async ({ page }) => {
  await loginAs(page, 'office');
  await page.getByRole('link', { name: '活动' }).click();
  await page.locator('#calendar-link').click();
  await expect(page.locator('h1')).toHaveText('工作日历');

  // 2022 as shipped: 国庆 off, its make-up Saturday a working day.
  await page.goto('/calendar?year=2022');
  await expect(page.locator('#calendar-days tr[data-day="2022-10-08"]')).toContainText('调休上班');
  await expect(page.locator('#calendar-days tr[data-day="2022-10-03"]')).toContainText('国务院通知');

  // A regional day off, typed in (a year without open problems, so nothing moves).
  await page.goto('/calendar?year=2027');
  await page.fill('#cal-day', '2027-03-08');
  await page.selectOption('#cal-kind', 'off');
  await page.fill('#cal-name', '藏历新年 <b>&"x"');
  await page.selectOption('#cal-region', '7');
  await page.locator('#calendar-add button[type=submit]').click();
  await expect(page.locator('#calendar-saved')).toContainText('日历已更新');
  const row = page.locator('#calendar-days tr[data-day="2027-03-08"]');
  await expect(row).toContainText('玉树藏族自治州');
  // Hostile text is shown as text.
  await expect(row).toContainText('藏历新年 <b>&"x"');

  // A make-up working day for one region is refused next to the form, nothing saved.
  await page.fill('#cal-day', '2027-03-13');
  await page.selectOption('#cal-kind', 'work');
  await page.fill('#cal-name', '调休');
  await page.selectOption('#cal-region', '7');
  await page.locator('#calendar-add button[type=submit]').click();
  await expect(page.locator('#calendar-add')).toContainText('市州只能设置休息日');
  await expect(page.locator('#calendar-days tr[data-day="2027-03-13"]')).toHaveCount(0);

  // Import: a bad row names its row and takes nothing; a good file takes every row.
  await page.setInputFiles('#calendar-import input[type=file]', {
    name: '2027.csv', mimeType: 'text/csv',
    buffer: Buffer.from('日期,类型,名称\n2027-10-01,休,国庆节\n2027-10-02,maybe,国庆节\n'),
  });
  await page.locator('#calendar-import button[type=submit]').click();
  await expect(page.locator('#import-error')).toContainText('第 3 行');
  await page.goto('/calendar?year=2027');
  await expect(page.locator('#calendar-days tr[data-day="2027-10-01"]')).toHaveCount(0);
  await page.setInputFiles('#calendar-import input[type=file]', {
    name: '2027.csv', mimeType: 'text/csv',
    buffer: Buffer.from('日期,类型,名称\n2027-10-01,休,国庆节\n2027-10-09,班,国庆节\n'),
  });
  await page.locator('#calendar-import button[type=submit]').click();
  await expect(page.locator('#calendar-saved')).toContainText('已导入 2 个日期');
  await expect(page.locator('#calendar-days tr[data-day="2027-10-09"]')).toContainText('调休上班');

  // Removing days puts the calendar back.
  for (const day of ['2027-03-08', '2027-10-01', '2027-10-09']) {
    await page.locator(`#calendar-days tr[data-day="${day}"] button`).click();
    await expect(page.locator(`#calendar-days tr[data-day="${day}"]`)).toHaveCount(0);
  }
});

test('a coordinator reads the calendar but gets no forms', async ({ page }) => {
  await loginAs(page, 'coordinator');
  await page.goto('/calendar?year=2022');
  await expect(page.locator('#calendar-days tr[data-day="2022-10-09"]')).toContainText('调休上班');
  await expect(page.locator('#calendar-add')).toHaveCount(0);
  await expect(page.locator('#calendar-import')).toHaveCount(0);
  const res = await page.request.post('/calendar/import', { multipart: { file: { name: 'x.csv', mimeType: 'text/csv', buffer: Buffer.from('2027-01-01,休,元旦\n') } }, headers: { Origin: new URL(page.url()).origin } });
  expect(res.status()).toBe(403);
});
