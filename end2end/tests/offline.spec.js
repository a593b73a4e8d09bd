// The coordinator's phone without network (issue 12): drafts that survive a reload, the outbox
// that sends a visit exactly once when the network returns, photos shrunk on the phone, and a
// logout that forgets what this user left on the phone.
const { test, expect } = require('@playwright/test');
const { loginAs, hydrated } = require('./helpers');

const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };

/** Waits until the service worker controls the page, so what is opened next is kept. */
async function workerInCharge(page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
}

/** The coordinator's visits to a firm with this summary, as the server has them. */
async function visitsWith(request, firmId, summary) {
  const res = await request.get(`/api/v1/visits?firm=${firmId}`);
  expect(res.ok()).toBeTruthy();
  return (await res.json()).filter((v) => v.summary === summary);
}

/** A photo as a phone camera takes it: 3200×2400 pixels, drawn in the page, PNG bytes. */
async function bigPhoto(page) {
  const b64 = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 3200;
    c.height = 2400;
    const g = c.getContext('2d');
    g.fillStyle = '#3a7';
    g.fillRect(0, 0, c.width, c.height);
    g.fillStyle = '#fff';
    g.fillRect(400, 300, 1200, 900);
    return c.toDataURL('image/png').split(',')[1];
  });
  return { name: '现场.png', mimeType: 'image/png', buffer: Buffer.from(b64, 'base64') };
}

/** How many drafts this phone keeps. */
async function drafts(page) {
  return page.evaluate(() => new Promise((resolve) => {
    const r = indexedDB.open('zhuqi-offline', 1);
    r.onsuccess = () => {
      const q = r.result.transaction('drafts').objectStore('drafts').count();
      q.onsuccess = () => resolve(q.result);
    };
  }));
}

/** Width and height of a JPEG, read from its frame header. */
function jpegSize(buf) {
  let i = 2;
  while (i < buf.length) {
    const marker = buf[i + 1];
    const len = buf.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xc3) return { height: buf.readUInt16BE(i + 5), width: buf.readUInt16BE(i + 7) };
    i += 2 + len;
  }
  throw new Error('no JPEG frame header');
}

test('(b) a visit typed offline survives a reload, waits on the phone, and is sent once with its photo', async ({ browser }) => {
  const ctx = await browser.newContext(PHONE);
  const page = await ctx.newPage();
  await loginAs(page, 'coordinator');
  await workerInCharge(page);
  const firm = (await (await page.request.get('/api/v1/firms')).json()).rows[1];
  // Opened once with the network: the worker keeps the form.
  await page.goto(`/firms/${firm.id}/visit`);
  await hydrated(page);

  await ctx.setOffline(true);
  const summary = `离线走访 ${Date.now().toString(36)}：企业反映用工紧张。`;
  await page.fill('#visit_date', '2022-12-16');
  await page.fill('#summary', summary);
  await page.fill('#participants', '厂长才让');
  await page.setInputFiles('#visit-photos', await bigPhoto(page));
  await expect(page.locator('[data-photo-status]')).toContainText('1');

  // Reloading without network (or Android discarding the tab) keeps what was typed.
  await page.reload();
  await expect(page.locator('#draft-restored')).toBeVisible();
  await expect(page.locator('#summary')).toHaveValue(summary);
  await expect(page.locator('#participants')).toHaveValue('厂长才让');
  await expect(page.locator('[data-photo-status]')).toContainText('1');

  await page.getByRole('button', { name: '提交' }).click();
  await expect(page.locator('#draft-restored')).toContainText('已保存在本机');
  await expect(page.locator('#outbox-bar')).toContainText('已保存在本机，尚未发送（1）');
  expect(await visitsWith(page.request, firm.id, summary)).toHaveLength(0);
  // /my, opened offline from the phone's copy, says so too.
  await page.goto('/my');
  await expect(page.locator('#outbox-bar')).toContainText('尚未发送（1）');

  await ctx.setOffline(false);
  await expect(page.locator('#outbox-bar')).toContainText('已发送', { timeout: 30_000 });
  const sent = await visitsWith(page.request, firm.id, summary);
  expect(sent).toHaveLength(1);
  // On the firm file: the visit once, with one photo, shrunk on the phone.
  await page.goto(`/firms/${firm.id}`);
  const entry = page.locator('#timeline .entry', { hasText: summary });
  await expect(entry).toHaveCount(1);
  await expect(entry.locator('.files a')).toHaveCount(1);
  const href = await entry.locator('.files a').getAttribute('href');
  const bytes = await (await page.request.get(href)).body();
  const size = jpegSize(bytes);
  console.log(`photo: 3200×2400 PNG on the phone, ${size.width}×${size.height} JPEG (${bytes.length} bytes) on the server`);
  expect(Math.max(size.width, size.height)).toBeLessThanOrEqual(1600);
  await ctx.close();
});

test('(c) the same visit submitted offline in two tabs is sent once', async ({ browser }) => {
  const ctx = await browser.newContext(PHONE);
  const one = await ctx.newPage();
  await loginAs(one, 'coordinator');
  await workerInCharge(one);
  const firm = (await (await one.request.get('/api/v1/firms')).json()).rows[2];
  await one.goto(`/firms/${firm.id}/visit`);
  await hydrated(one);
  const two = await ctx.newPage();
  await two.goto(`/firms/${firm.id}/visit`);
  await hydrated(two);

  await ctx.setOffline(true);
  const summary = `两个标签页 ${Date.now().toString(36)}`;
  await one.fill('#visit_date', '2022-12-17');
  await one.fill('#summary', summary);
  await expect.poll(() => drafts(one)).toBe(1);
  // The second tab opens the draft the first one keeps: the same visit, the same key.
  await two.reload();
  await expect(two.locator('#summary')).toHaveValue(summary);
  const keys = await Promise.all([one, two].map((p) => p.locator('input[name=idempotency_key]').inputValue()));
  expect(keys[0]).toBe(keys[1]);
  await one.getByRole('button', { name: '提交' }).click();
  await two.getByRole('button', { name: '提交' }).click();
  await expect(one.locator('#outbox-bar')).toContainText('尚未发送（1）');
  await expect(two.locator('#outbox-bar')).toContainText('尚未发送（1）');

  await ctx.setOffline(false);
  await expect(one.locator('#outbox-bar')).toContainText('已发送', { timeout: 30_000 });
  await two.bringToFront();
  await expect.poll(async () => (await visitsWith(one.request, firm.id, summary)).length, { timeout: 30_000 }).toBe(1);
  // Both senders are done and still there is one.
  await expect(two.locator('#outbox-bar [data-unsent]')).toHaveCount(0, { timeout: 30_000 });
  expect(await visitsWith(one.request, firm.id, summary)).toHaveLength(1);
  await ctx.close();
});

test('logging out with an unsent visit warns, and then forgets drafts, outbox and pages', async ({ browser }) => {
  const ctx = await browser.newContext(PHONE);
  const page = await ctx.newPage();
  await loginAs(page, 'coordinator');
  await workerInCharge(page);
  const firm = (await (await page.request.get('/api/v1/firms')).json()).rows[3];
  await page.goto(`/firms/${firm.id}/visit`);
  await hydrated(page);
  await ctx.setOffline(true);
  await page.fill('#summary', '退出前未发送的走访');
  await page.getByRole('button', { name: '提交' }).click();
  await expect(page.locator('#outbox-bar')).toContainText('尚未发送（1）');
  // The server stays out of reach for the sender: the visit must still wait when logging out.
  await page.route('**/api/v1/firms/*/visits', (route) => route.abort());
  await ctx.setOffline(false);

  let warned = '';
  page.once('dialog', (d) => { warned = d.message(); d.dismiss(); });
  await page.getByRole('button', { name: '退出' }).click();
  await expect.poll(() => warned).toContain('1 条走访尚未发送');
  await expect(page.locator('#who')).toBeVisible();

  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: '退出' }).click();
  await expect(page).toHaveURL(/\/login/);
  const left = await page.evaluate(async () => {
    const db = await new Promise((resolve, reject) => {
      const r = indexedDB.open('zhuqi-offline', 1);
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const count = (store) => new Promise((resolve) => {
      const q = db.transaction(store).objectStore(store).count();
      q.onsuccess = () => resolve(q.result);
    });
    return { drafts: await count('drafts'), outbox: await count('outbox'), pages: await caches.has('zhuqi-pages-v1') };
  });
  expect(left).toEqual({ drafts: 0, outbox: 0, pages: false });
  await ctx.close();
});

test('(d) from 我的企业, a visit with one problem takes at most 3 taps besides the text typed', async ({ browser }) => {
  const ctx = await browser.newContext(PHONE);
  const page = await ctx.newPage();
  await loginAs(page, 'coordinator');
  await expect(page).toHaveURL(/\/my$/);
  let taps = 0;
  const tap = async (locator) => { taps += 1; await locator.tap(); };
  const stamp = Date.now().toString(36);
  const card = page.locator('.my-firm').first();
  const name = (await card.locator('.firm-name').innerText()).trim();
  // Choosing the firm: its "log a visit" button on the card.
  await card.getByRole('link', { name: '登记走访' }).tap();
  await hydrated(page);
  // Today and "on site" are already filled in; the first problem slot is open.
  await page.fill('#summary', `实地走访 ${stamp}，企业反映有货款被拖欠。`);
  // The difficulty in plain words: typing "欠款" leaves one, which is chosen without a tap.
  await page.fill('#p1_search', '欠款');
  await expect(page.locator('#p1_measure')).toHaveValue('26');
  await expect(page.locator('.problem-slot').first().locator('.route-preview')).toContainText('省工业和信息化厅');
  await page.fill('#p1_description', `被拖欠货款 ${stamp}`);
  await tap(page.getByRole('button', { name: '提交' }));
  await expect(page.locator('h1')).toHaveText(name);
  await expect(page.locator('.entry.problem', { hasText: `被拖欠货款 ${stamp}` })).toHaveCount(1);
  console.log(`taps after choosing the firm: ${taps}`);
  expect(taps).toBeLessThanOrEqual(3);
  await ctx.close();
});

test('a visit the server refuses after waiting offline comes back to the draft with the reason', async ({ browser }) => {
  const ctx = await browser.newContext(PHONE);
  const page = await ctx.newPage();
  await loginAs(page, 'coordinator');
  await workerInCharge(page);
  const firm = (await (await page.request.get('/api/v1/firms')).json()).rows[4];
  await page.goto(`/firms/${firm.id}/visit`);
  await hydrated(page);
  await ctx.setOffline(true);
  const summary = `日期写错的走访 ${Date.now().toString(36)}`;
  // A date after today: the phone cannot know the server's day, the server refuses it.
  await page.fill('#visit_date', '2099-01-01');
  await page.fill('#summary', summary);
  await page.getByRole('button', { name: '提交' }).click();
  await expect(page.locator('#outbox-bar')).toContainText('尚未发送（1）');
  await ctx.setOffline(false);
  const refused = page.locator('#outbox-bar .refused');
  await expect(refused).toContainText('未能发送，已放回草稿', { timeout: 30_000 });
  await expect(refused).toContainText('不能晚于');
  expect(await visitsWith(page.request, firm.id, summary)).toHaveLength(0);
  // Opening it brings back what was typed, with the reason, to mend and send again.
  await refused.click();
  await expect(page.locator('#summary')).toHaveValue(summary);
  await expect(page.locator('#draft-restored')).toContainText('服务器未接受这次走访');
  // The status line at the bottom never covers the submit button, even at the page's end.
  const covered = await page.evaluate(() => {
    window.scrollTo(0, document.documentElement.scrollHeight);
    const b = document.querySelector('.visit-form button[type=submit]');
    const r = b.getBoundingClientRect();
    return !b.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2));
  });
  expect(covered).toBe(false);
  const t1 = Date.now();
  await page.fill('#visit_date', '2022-12-18');
  await page.getByRole('button', { name: '提交' }).click();
  await expect(page.locator('h1')).toHaveText(firm.name);
  console.log('mended and sent in', Date.now() - t1, 'ms');
  expect(await visitsWith(page.request, firm.id, summary)).toHaveLength(1);
  await ctx.close();
});

test('proof of the visit: a recorded position becomes the firm\'s site and the next visit is measured from it', async ({ browser }) => {
  // The phone stands in the firm's yard in 西宁 with a 15 m fix.
  const ctx = await browser.newContext({
    ...PHONE,
    permissions: ['geolocation'],
    geolocation: { latitude: 36.6171, longitude: 101.7782, accuracy: 15 },
  });
  const page = await ctx.newPage();
  await loginAs(page, 'coordinator');
  const rows = (await (await page.request.get('/api/v1/firms')).json()).rows;
  expect(rows.length).toBeGreaterThan(5);
  const firm = rows[5];
  const stamp = Date.now().toString(36);
  const logVisit = async (summary) => {
    await page.goto(`/firms/${firm.id}/visit`);
    await page.fill('#visit_date', '2022-12-20');
    await page.fill('#summary', summary);
    await page.check('#visit-position');
    await expect(page.locator('[data-position-status]')).toContainText('15');
    await page.getByRole('button', { name: '提交' }).click();
    await expect(page.locator('h1')).toHaveText(firm.name);
    return page.locator('.entry.visit', { hasText: summary });
  };

  const first = await logVisit(`定位走访一 ${stamp}`);
  await expect(first.locator('.position')).toContainText('36.61710, 101.77820');
  await expect(page.locator('#firm-site')).toContainText('未记录');
  await first.getByRole('button', { name: '设为企业位置' }).click();
  await expect(page.locator('#firm-site')).toContainText('36.61710, 101.77820');
  await expect(page.locator('#firm-site a')).toHaveAttribute('href', 'geo:36.617100,101.778200');
  await expect(page.locator('.entry.visit', { hasText: `定位走访一 ${stamp}` }).locator('.from-site'))
    .toHaveText('距企业位置 0 米，在企业附近');
  // Only the office moves a site once there is one.
  await expect(page.getByRole('button', { name: '设为企业位置' })).toHaveCount(0);

  // The next visit is logged 0.018° further north: 2.0 km away, not at the firm.
  await ctx.setGeolocation({ latitude: 36.6351, longitude: 101.7782, accuracy: 15 });
  const second = await logVisit(`定位走访二 ${stamp}`);
  await expect(second.locator('.from-site')).toHaveText('距企业位置 2.0 公里，不在企业附近');
  await ctx.close();

  // The office sees the site in the firm form and clears it: the file says it is not recorded.
  const office = await browser.newContext(PHONE);
  const desk = await office.newPage();
  await loginAs(desk, 'office');
  await desk.goto(`/firms/${firm.id}/edit`);
  await expect(desk.locator('#site')).toHaveValue('36.617100, 101.778200');
  await desk.fill('#site', '');
  await desk.getByRole('button', { name: '提交' }).click();
  await expect(desk.locator('#firm-site')).toContainText('未记录');
  await expect(desk.locator('.from-site')).toHaveCount(0);
  await office.close();
});
