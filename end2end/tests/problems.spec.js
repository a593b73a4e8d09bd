const { test, expect } = require('@playwright/test');
const { loginAs, hydrated } = require('./helpers');

test.use({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });

test('a problem found on a visit goes to its unit, is answered, and the firm confirms it by link', async ({ page, browser }) => {
  const stamp = Date.now().toString(36);
  const first = `企业申请技改专项资金 ${stamp}`;
  const second = `研发费用加计扣除辅导 ${stamp}`;

  // The coordinator logs an on-site visit with two problems, on a phone.
  await loginAs(page, 'coordinator');
  const mine = await (await page.request.get('/api/v1/firms')).json();
  const firm = mine.rows[0];
  await page.goto(`/firms/${firm.id}/visit`);
  await hydrated(page);
  await page.fill('#visit_date', '2022-12-15');
  await page.check('#kind-on_site');
  await page.fill('#summary', '实地走访，了解技改项目进展。');
  await page.selectOption('#p1_measure', '1');
  // Before submitting, the coordinator sees where the problem will go.
  await expect(page.locator('.problem-slot').first().locator('.route-preview')).toContainText('省财政厅');
  await page.fill('#p1_description', first);
  // A second problem: its slot opens with "添加问题".
  await expect(page.locator('#p2_measure')).toBeHidden();
  await page.locator('.problem-slot').nth(1).locator('summary').click();
  await page.selectOption('#p2_measure', '2');
  await page.fill('#p2_description', second);
  await page.getByRole('button', { name: '提交' }).click();
  await expect(page.locator('.notice.success')).toContainText('走访已登记');
  const entry = page.locator('.entry.problem', { hasText: first });
  await expect(entry).toContainText('待认领');
  await expect(entry).toContainText('省财政厅');
  await expect(page.locator('.entry.problem', { hasText: second })).toHaveCount(1);
  await page.getByRole('button', { name: '退出' }).click();

  // The member unit (省财政厅) claims it, reports back and closes it from its queue.
  await loginAs(page, 'unit');
  await page.goto('/queue');
  const item = page.locator('.queue-item', { hasText: first });
  await item.getByRole('button', { name: '认领' }).click();
  await expect(page.locator('.queue-item', { hasText: first })).toContainText('办理中');
  await page.locator('.queue-item', { hasText: first }).locator('textarea').first().fill('已指导企业申报，资金已拨付。');
  await page.locator('.queue-item', { hasText: first }).getByRole('button', { name: '反馈办理结果' }).click();
  await expect(page.locator('.queue-item', { hasText: first })).toContainText('已反馈');
  await page.locator('.queue-item', { hasText: first }).getByRole('button', { name: '办结' }).click();
  await expect(page.locator('.queue-item', { hasText: first })).toContainText('已办结');
  await page.getByRole('button', { name: '退出' }).click();

  // The coordinator makes the firm's one-time link...
  await loginAs(page, 'coordinator');
  await page.goto(`/firms/${firm.id}`);
  await hydrated(page);
  const closed = page.locator('.entry.problem', { hasText: first });
  await expect(closed).toContainText('已办结');
  await closed.getByRole('button', { name: '企业确认链接' }).click();
  // ...shown as a QR code and as the whole URL, which the copy button puts on the clipboard.
  const card = closed.locator('#link-made');
  await expect(card.locator('.qr svg')).toBeVisible();
  const href = await card.locator('#confirm-url').inputValue();
  expect(href).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/confirm\/[0-9a-f]{48}$/);
  expect(await card.locator('a.confirm-link').getAttribute('href')).toBe(href);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await card.locator('#copy-link').click();
  await expect(card.locator('#copy-link')).toHaveText('已复制');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(href);

  // ...and the firm, with no account, confirms: nothing is chosen for it, so it must choose.
  const firmContext = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const firmPage = await firmContext.newPage();
  await firmPage.goto(href);
  await expect(firmPage.locator('.profile')).toContainText('已指导企业申报，资金已拨付。');
  await expect(firmPage.locator('input[name=solved]:checked')).toHaveCount(0);
  await expect(firmPage.locator('input[name=satisfaction]:checked')).toHaveCount(0);
  await firmPage.getByRole('button', { name: '提交' }).click();
  await expect(firmPage.locator('.notice.success')).toHaveCount(0);
  expect(await firmPage.locator('input[name=solved][value=yes]').evaluate((e) => e.validity.valueMissing)).toBe(true);
  await firmPage.check('input[name=solved][value=yes]');
  await firmPage.check('input[name=satisfaction][value=satisfied]');
  await firmPage.getByRole('button', { name: '提交' }).click();
  await expect(firmPage.locator('.notice.success')).toContainText('感谢您的确认');
  // The link is spent.
  await firmPage.goto(href);
  await expect(firmPage.locator('.notice.error')).toContainText('链接无效或已过期');
  await firmContext.close();

  await page.goto(`/firms/${firm.id}`);
  await expect(page.locator('.entry.problem', { hasText: first })).toContainText('已解决');
  await expect(page.locator('.page-head')).toContainText('已解决困难');
});

test('my firms on a phone: what needs action first, log a visit in one tap, correct it afterwards', async ({ page }) => {
  await loginAs(page, 'coordinator2');
  await page.getByRole('link', { name: '我的企业' }).click();
  await expect(page.locator('h1')).toHaveText('我的企业');
  const cards = page.locator('.my-firm');
  expect(await cards.count()).toBeGreaterThan(0);
  const name = await cards.first().locator('.firm-name').innerText();
  await cards.first().getByRole('link', { name: '登记走访' }).click();
  await hydrated(page);
  await page.fill('#summary', '电话了解订单情况。');
  await page.check('#kind-phone');
  await page.fill('#visit_date', '2022-12-01');
  await page.getByRole('button', { name: '提交' }).click();
  await expect(page.locator('h1')).toHaveText(name);
  // A photo can come from the camera or the gallery: the input does not force the camera.
  const photo = page.locator('form.upload input[type=file]').first();
  await expect(photo).toHaveAttribute('accept', /image\/jpeg/);
  expect(await photo.getAttribute('capture')).toBeNull();

  await page.getByRole('link', { name: '修改走访记录' }).first().click();
  await page.fill('#summary', '实地走访，了解订单和用工情况。');
  await page.check('#kind-on_site');
  await page.getByRole('button', { name: '提交' }).click();
  await expect(page.locator('h1')).toHaveText(name);
  await expect(page.locator('#timeline .entry').first()).toContainText('实地走访，了解订单和用工情况。');
  await expect(page.locator('#timeline .entry').first()).toContainText('实地走访');
  await page.locator('.history summary').click();
  await expect(page.locator('.history .audit-table')).toContainText('update');

  // A photo of the visit sheet, from the phone's camera or gallery.
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005fe02fea7d6a5a10000000049454e44ae426082', 'hex');
  await page.locator('form.upload input[type=file]').first().setInputFiles({ name: '走访单.png', mimeType: 'image/png', buffer: png });
  await page.locator('form.upload').first().getByRole('button', { name: '上传', exact: true }).click();
  await expect(page.locator('#timeline .files').first()).toContainText('走访单.png');
  // A file that only pretends to be an image is refused with a message.
  await page.locator('form.upload input[type=file]').first().setInputFiles({ name: 'fake.png', mimeType: 'image/png', buffer: Buffer.from('<script>x</script>') });
  await page.locator('form.upload').first().getByRole('button', { name: '上传', exact: true }).click();
  await expect(page.locator('#upload-error')).toContainText('只能上传 JPEG、PNG 图片或 PDF 文件');
});
