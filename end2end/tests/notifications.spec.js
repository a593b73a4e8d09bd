const { test, expect } = require('@playwright/test');
const { loginAs } = require('./helpers');

test('a unit handler sees the 督办 in the notification centre, follows it and replies; the office hears back', async ({ page, browser }) => {
  // An open problem of the demo unit's queue.
  const unitCtx = await browser.newContext();
  const unit = await unitCtx.newPage();
  await loginAs(unit, 'unit');
  await unit.goto('/queue');
  const item = unit.locator('li.queue-item:has(span.status.claimed), li.queue-item:has(span.status.routed), li.queue-item:has(span.status.responded)').first();
  const problemId = await item.getAttribute('data-problem');
  const firmHref = await item.locator('.when a').first().getAttribute('href');
  const before = Number((await unit.locator('#unread-count').count()) ? await unit.locator('#unread-count').innerText() : '0');

  // The office orders the unit to act, from the firm file.
  await loginAs(page, 'office');
  await page.goto(firmHref);
  const entry = page.locator(`li.entry.problem[data-problem="${problemId}"]`);
  await entry.locator('.supervision-order summary').click();
  const instruction = `请于三个工作日内办结 <b>${Date.now()}</b>`;
  await entry.locator('textarea[name=instruction]').fill(instruction);
  await entry.locator('.supervision-order button[type=submit]').click();
  await expect(page.locator(`li.entry.problem[data-problem="${problemId}"] .supervision.waiting`).last()).toContainText(instruction);

  // The handler's header counts it; the centre lists it first, in red, with the firm's name.
  await unit.goto('/queue');
  await expect(unit.locator('#unread-count')).toHaveText(String(before + 1));
  await unit.locator('#notifications-link').click();
  await expect(unit).toHaveURL(/\/notifications/);
  const first = unit.locator('#notification-list li').first();
  await expect(first).toHaveAttribute('data-kind', 'supervised');
  await expect(first).toHaveClass(/unread/);
  await expect(first).toHaveClass(/urgent/);
  await expect(first.locator('.message')).toContainText(instruction.slice(0, 20));

  // Opening it marks it read and goes to the problem in the queue, where the handler replies.
  await first.locator('button.open-notification').click();
  await expect(unit).toHaveURL(new RegExp(`/queue#problem-${problemId}$`));
  const order = unit.locator(`#problem-${problemId} .supervision.waiting`).last();
  await expect(order).toContainText(instruction);
  await order.locator('textarea[name=reply]').fill('已与企业对接，本周内办结。');
  await order.locator('button[type=submit]').click();
  await expect(unit.locator(`#problem-${problemId} .supervision.answered`).last()).toContainText('已与企业对接，本周内办结。');
  if (before === 0) {
    await expect(unit.locator('#unread-count')).toHaveCount(0);
  } else {
    await expect(unit.locator('#unread-count')).toHaveText(String(before));
  }
  // The problem shows its clocks.
  await expect(unit.locator(`#problem-${problemId} .clocks li[data-stage=claim]`)).toBeVisible();
  await unitCtx.close();

  // The office is told of the reply.
  await page.goto('/notifications');
  await expect(page.locator('#notification-list li[data-kind=supervision_replied]').first()).toContainText('已与企业对接');
  await page.locator('#mark-all-read').click();
  await expect(page.locator('#unread-count')).toHaveCount(0);
});

test('the office sets the working rules; bad values get a clear message and change nothing', async ({ page }) => {
  await loginAs(page, 'office');
  await page.goto('/rules');
  await expect(page.locator('#rule-conclude_days')).toHaveValue('15');
  await page.locator('#rule-claim_hours').fill('4');
  await page.locator('#rules-form button[type=submit]').click();
  await expect(page.locator('#rules-saved')).toBeVisible();
  await expect(page.locator('#rule-claim_hours')).toHaveValue('4');
  // Out of range: the browser would stop it, so switch its checks off; the server says why.
  await page.locator('#rules-form').evaluate((f) => { f.noValidate = true; });
  await page.locator('#rule-claim_hours').fill('0');
  await page.locator('#rules-form button[type=submit]').click();
  await expect(page.locator('#rules-form .field-error').first()).toContainText('应为 1 至 80 之间的整数');
  await page.reload();
  await expect(page.locator('#rule-claim_hours')).toHaveValue('4');
  await page.locator('#rule-claim_hours').fill('8');
  await page.locator('#rules-form button[type=submit]').click();
  await expect(page.locator('#rules-saved')).toBeVisible();
});

test('a leader reads the weekly 通报, ranked with the bottom three named, and downloads it', async ({ page }) => {
  await loginAs(page, 'leader');
  await page.goto('/bulletin?week=2022-W40');
  await expect(page.locator('#bulletin-title')).toContainText('2022-10-03');
  const rows = page.locator('#bulletin-units tbody tr');
  expect(await rows.count()).toBeGreaterThan(3);
  await expect(rows.first().locator('td').first()).toHaveText('1');
  await expect(page.locator('#bulletin-units tbody tr.bottom')).toHaveCount(3);
  await expect(page.locator('#bottom-units > li')).toHaveCount(3);
  await expect(page.locator('#bulletin-regions tbody tr').first()).toBeVisible();
  await page.locator('#week-next').click();
  await expect(page).toHaveURL(/week=2022-W41/);
  await expect(page.locator('#bulletin-title')).toContainText('2022-10-10');
  const res = await page.request.get('/bulletin.xlsx?week=2022-W40');
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toContain('spreadsheetml');
  expect((await res.body()).subarray(0, 2).toString()).toBe('PK');
});
