const { test, expect } = require('@playwright/test');
const { hydrated, loginAs } = require('./helpers');

// GB 32100 check character, so the journey can make fresh, valid credit codes.
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
function creditCode(serial) {
  const body = `91632800MA${String(serial).padStart(7, '0')}`;
  const sum = [...body].reduce((s, c, i) => s + ALPHABET.indexOf(c) * WEIGHTS[i], 0);
  return body + ALPHABET[(31 - (sum % 31)) % 31];
}

function csv(rows) {
  const header = '企业名称,统一社会信用代码,所属市州,所属县区,企业层级,联系电话';
  return Buffer.from([header, ...rows].join('\n') + '\n', 'utf8');
}

test('the office imports a firm list: sees the bad rows, fixes the file, commits, finds the firms', async ({ page }) => {
  const serial = 9_000_000 + Math.floor(Math.random() * 900_000);
  const codes = [0, 1, 2].map((i) => creditCode(serial + i));
  await loginAs(page, 'office');
  await page.goto('/firms');
  await page.locator('#import-link').click();
  await expect(page.locator('h1')).toHaveText('导入企业名单');
  await hydrated(page);

  const bad = csv([
    `柴达木端到端锂业有限公司,${codes[0]},海西州,格尔木市,省级专精特新中小企业,13909790001`,
    `柴达木端到端硼业有限公司,${codes[1]},拉萨市,格尔木市,省级专精特新中小企业,13909790002`,
    `柴达木端到端钾肥有限公司,${codes[0]},海西州,德令哈市,后备培育企业,13909790003`,
  ]);
  await page.setInputFiles('#import-file', { name: '名单.csv', mimeType: 'text/csv', buffer: bad });
  await page.getByRole('button', { name: '上传并预览' }).click();
  await expect(page).toHaveURL(/token=[0-9a-f]{32}/);
  await expect(page.locator('#import-issues')).toContainText('发现 2 处错误');
  const issues = page.locator('table.issues tbody tr');
  await expect(issues).toHaveCount(2);
  await expect(issues.nth(0)).toContainText('未知的市州“拉萨市”');
  await expect(issues.nth(0).locator('td').first()).toHaveText('3');
  await expect(issues.nth(1)).toContainText('与第 2 行重复');
  await expect(page.locator('#import-confirm')).toHaveCount(0);

  // Fixed: one region corrected, the repeated code replaced.
  const good = csv([
    `柴达木端到端锂业有限公司,${codes[0]},海西州,格尔木市,省级专精特新中小企业,13909790001`,
    `柴达木端到端硼业有限公司,${codes[1]},海西州,格尔木市,省级专精特新中小企业,13909790002`,
    `柴达木端到端钾肥有限公司,${codes[2]},海西州,德令哈市,后备培育企业,13909790003`,
  ]);
  await page.setInputFiles('#import-file', { name: '名单-改.csv', mimeType: 'text/csv', buffer: good });
  await page.getByRole('button', { name: '上传并预览' }).click();
  await expect(page.locator('#import-summary')).toHaveText('共 3 行：新增 3，更新 0，未变化 0。');
  await hydrated(page);
  await page.locator('#import-confirm').click();
  await expect(page).toHaveURL(/\/firms\?sort=recent&imported=3\.0\.0/);
  await expect(page.locator('#import-result')).toContainText('新增 3');

  await page.fill('#q', '柴达木端到端');
  await page.getByRole('button', { name: '查询' }).click();
  await expect(page.locator('.firm-row')).toHaveCount(3);
  await expect(page.locator('#result-count')).toContainText('共 3 家');

  // The filtered list downloads as Excel, with the same firms.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('#export-csv').click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^企业名录-\d{8}\.csv$/);
  const text = require('node:fs').readFileSync(await download.path(), 'utf8');
  for (const code of codes) expect(text).toContain(code);
  expect(text.trim().split('\n')).toHaveLength(4);
});

test('a file that is not a spreadsheet is refused with a reason, and the office can try again', async ({ page }) => {
  await loginAs(page, 'office');
  await page.goto('/import?kind=coordinators');
  await expect(page.locator('h1')).toHaveText('导入服务协调员名册');
  await page.setInputFiles('#import-file', { name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0]) });
  await page.getByRole('button', { name: '上传并预览' }).click();
  await expect(page.locator('#import-error')).toContainText('只能导入 .xlsx、.xls 或 .csv 文件');
  await expect(page.locator('#import-file')).toBeVisible();
});
