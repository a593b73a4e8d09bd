const { test, expect } = require('@playwright/test');
const { loginAs } = require('./helpers');

test('the office gives a 督办, the unit replies on its queue, and a leader finds it from the dashboard', async ({ page, browser }) => {
  // The server supervised the demo's long-overdue problems when it started.
  await loginAs(page, 'office');
  await page.goto('/problems?figure=open&supervised=1');
  const supervisedBefore = Number(await page.locator('#problem-count').getAttribute('data-total'));
  expect(supervisedBefore).toBeGreaterThan(0);

  // A 督办 by hand, on an open problem of a firm file.
  await page.goto('/problems?figure=open');
  await page.locator('#problem-rows tbody tr a').first().click();
  const item = page.locator('li.entry.problem:has(.supervision-order)').first();
  const problemId = await item.getAttribute('data-problem');
  await item.locator('.supervision-order summary').click();
  await item.locator('textarea[name=instruction]').fill('请三个工作日内办结并书面回复 <i>');
  await item.locator('.supervision-order button[type=submit]').click();
  const ordered = page.locator(`li.entry.problem[data-problem="${problemId}"] .supervision:has-text("请三个工作日内办结并书面回复 <i>")`);
  await expect(ordered).toBeVisible();
  // Awaiting a reply (the office may answer too, so it gets the reply form).
  await expect(ordered).toHaveClass(/waiting/);

  // The unit handler of that problem sees it in the queue and replies.
  const ctx = await browser.newContext();
  const unitPage = await ctx.newPage();
  await loginAs(unitPage, 'unit');
  await unitPage.goto('/queue');
  const waiting = unitPage.locator('.supervision.waiting').first();
  await expect(waiting).toBeVisible();
  const sid = await waiting.getAttribute('data-supervision');
  await waiting.locator('textarea[name=reply]').fill('已与企业对接，本周内办结。');
  await waiting.locator('button[type=submit]').click();
  const answered = unitPage.locator(`.supervision[data-supervision="${sid}"]`);
  await expect(answered).toHaveClass(/answered/);
  await expect(answered).toContainText('已与企业对接，本周内办结。');
  await ctx.close();

  // A leader: the 督办 tile leads to the supervised problems.
  const leaderCtx = await browser.newContext();
  const leader = await leaderCtx.newPage();
  await loginAs(leader, 'leader');
  await leader.goto('/dashboard');
  await expect(leader.locator('#tile-supervised')).toBeVisible();
  await leader.locator('#tile-supervised .tile-num').click();
  await expect(leader).toHaveURL(/supervised=1/);
  await expect(leader.locator('#supervised')).toBeChecked();
  await expect(leader.locator('#problem-rows tbody tr').first()).toContainText('督办');
  await leaderCtx.close();
});
