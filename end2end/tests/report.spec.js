const { test, expect } = require('@playwright/test');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { loginAs } = require('./helpers');

test('a unit writes its half-year report text, and the report prints on A4 with a running head and page numbers', async ({ page }) => {
  await loginAs(page, 'unit');
  await page.goto('/reports?period=2022H1');
  // The first half year counts from the campaign's first day.
  await expect(page.locator('.report-range')).toContainText('2022-02-27');

  // Open while nothing is written yet.
  await expect(page.locator('.notes-editor')).toHaveAttribute('open', '');
  await page.fill('#note-practices', '建立问题台账，每周调度一次。\n对超期事项逐件督办。');
  await page.fill('#note-issues', '个别事项办理超期 <script>x</script>');
  await page.fill('#note-next_steps', '下半年实现走访全覆盖。');
  await page.locator('#report-notes button[type=submit]').click();
  await expect(page.locator('#notes-saved')).toBeVisible();
  await expect(page.locator('#report-texts')).toContainText('对超期事项逐件督办。');
  await expect(page.locator('#report-texts')).toContainText('<script>x</script>');
  const heading = (await page.locator('.report-heading').innerText()).trim();

  await page.emulateMedia({ media: 'print' });
  const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true });
  const file = path.join(os.tmpdir(), `zhuqi-report-${Date.now()}.pdf`);
  fs.writeFileSync(file, pdf);
  const info = execFileSync('pdfinfo', [file]).toString();
  expect(info).toMatch(/Page size:\s+59[45](\.\d+)? x 84[12](\.\d+)? pts \(A4\)/);
  const pages = Number(/Pages:\s+(\d+)/.exec(info)[1]);
  expect(pages).toBeGreaterThan(1);
  const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
  fs.unlinkSync(file);
  const flat = text.replace(/\s+/g, '');
  for (let n = 1; n <= pages; n++) expect(flat).toContain(`—${n}—`);
  // The running head on every page names the unit and the period.
  const heads = flat.split(heading.replace(/\s+/g, '')).length - 1;
  expect(heads).toBeGreaterThanOrEqual(pages);
  expect(text).toContain('主要做法');
  expect(flat).toContain('对超期事项逐件督办。');
  // The screen's navigation and forms stay off the paper.
  expect(text).not.toContain('退出');
  expect(text).not.toContain('保存');
});
