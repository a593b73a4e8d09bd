// 等保 journeys: an administrator's temporary password must be changed at first login, and a
// security administrator unlocks an account that failed logins locked.
const { test, expect } = require('@playwright/test');
const { loginAs, hydrated } = require('./helpers');

const TEMPORARY = 'Temporary-Pass-2022';
const OWN = 'My-Own-Choice-2023';

test('a reset password is changed at first login; a locked account is unlocked by the security administrator', async ({ browser }) => {
  const officeCtx = await browser.newContext();
  const office = await officeCtx.newPage();
  await loginAs(office, 'sysadmin');

  // The system administrator picks the last account on the users page (a unit handler no other
  // journey logs in as).
  await office.goto('/users');
  await hydrated(office);
  const row = office.locator('tr[data-user]').last();
  const userId = await row.getAttribute('data-user');
  const phone = (await row.locator('td').nth(2).innerText()).split('/')[0].trim();
  await office.selectOption('#user_id', userId);
  await office.fill('#new_password', TEMPORARY);
  await office.getByRole('button', { name: '重置密码' }).click();
  await expect(office.locator('#password-reset')).toBeVisible();

  // First login with the temporary password: sent to set a new one, nothing else opens.
  const userCtx = await browser.newContext();
  const user = await userCtx.newPage();
  await user.goto('/login');
  await user.fill('#login', phone);
  await user.fill('#password', TEMPORARY);
  await user.getByRole('button', { name: '登录' }).click();
  await expect(user.locator('#must-change')).toBeVisible();
  await user.goto('/my');
  await expect(user).toHaveURL(/\/account\?must=1/);
  await hydrated(user);
  await user.fill('#current_password', TEMPORARY);
  await user.fill('#new_password', 'password123');
  await user.locator('#password-form button[type=submit]').click();
  await expect(user.locator('#password-form .field-error').last()).not.toBeEmpty();
  await user.fill('#current_password', TEMPORARY);
  await user.fill('#new_password', OWN);
  await user.locator('#password-form button[type=submit]').click();
  await expect(user.locator('#password-changed')).toBeVisible();
  await user.goto('/my');
  await expect(user).toHaveURL(/\/my$/);
  await user.goto('/account');
  await expect(user.locator('#sessions tr.current')).toHaveCount(1);

  // Five wrong passwords lock the account; the right one is refused while it is locked.
  const other = await (await browser.newContext()).newPage();
  for (let i = 0; i < 5; i++) {
    await other.goto('/login');
    await other.fill('#login', phone);
    await other.fill('#password', `Wrong-Guess-${i}x`);
    await other.getByRole('button', { name: '登录' }).click();
    await expect(other.locator('.error, [role=alert]').first()).toBeVisible();
  }
  await other.goto('/login');
  await other.fill('#login', phone);
  await other.fill('#password', OWN);
  await other.getByRole('button', { name: '登录' }).click();
  await expect(other.getByText('账号已锁定')).toBeVisible();

  // The security administrator sees the lock and lifts it.
  await office.getByRole('button', { name: '退出' }).click();
  await loginAs(office, 'secadmin');
  await office.goto('/security');
  await hydrated(office);
  const lock = office.locator(`#locks tr[data-user="${userId}"]`);
  await expect(lock).toBeVisible();
  await lock.getByRole('button', { name: '解锁' }).click();
  await expect(office.locator('#unlocked')).toBeVisible();
  await expect(office.locator(`#locks tr[data-user="${userId}"]`)).toHaveCount(0);

  await other.goto('/login');
  await other.fill('#login', phone);
  await other.fill('#password', OWN);
  await other.getByRole('button', { name: '登录' }).click();
  await expect(other.locator('#who')).toBeVisible();
});

// RFC 6238 as an authenticator app computes it: HMAC-SHA-1 of the 30-second step, six digits.
function base32Bytes(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

function totp(secret, atMs) {
  const crypto = require('node:crypto');
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(atMs / 1000 / 30)));
  const h = crypto.createHmac('sha1', base32Bytes(secret)).update(counter).digest();
  const o = h[h.length - 1] & 0xf;
  const n = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(n % 1_000_000).padStart(6, '0');
}

test('a user sets up a second factor, logs in with a code, and a replayed code is refused', async ({ browser }) => {
  // The system administrator gives a unit handler no other journey uses a temporary password.
  const admin = await (await browser.newContext()).newPage();
  await loginAs(admin, 'sysadmin');
  await admin.goto('/users');
  await hydrated(admin);
  const rows = admin.locator('tr[data-user]');
  const row = rows.nth((await rows.count()) - 2);
  const userId = await row.getAttribute('data-user');
  const phone = (await row.locator('td').nth(2).innerText()).split('/')[0].trim();
  await admin.selectOption('#user_id', userId);
  await admin.fill('#new_password', TEMPORARY);
  await admin.getByRole('button', { name: '重置密码' }).click();
  await expect(admin.locator('#password-reset')).toBeVisible();

  const user = await (await browser.newContext()).newPage();
  await user.goto('/login');
  await user.fill('#login', phone);
  await user.fill('#password', TEMPORARY);
  await user.getByRole('button', { name: '登录' }).click();
  await expect(user.locator('#must-change')).toBeVisible();
  await hydrated(user);
  await user.fill('#current_password', TEMPORARY);
  await user.fill('#new_password', OWN);
  await user.locator('#password-form button[type=submit]').click();
  await expect(user.locator('#password-changed')).toBeVisible();

  // Enrolment: the QR code, the key to type, ten recovery codes, then the app's first code.
  await user.goto('/account');
  await hydrated(user);
  await expect(user.locator('#second-factor-status')).toHaveAttribute('data-enabled', '0');
  await user.locator('#second-factor-begin button').click();
  await expect(user.locator('#enrolment .qr svg')).toBeVisible();
  await expect(user.locator('#recovery-codes li')).toHaveCount(10);
  const secret = (await user.locator('#totp-secret').innerText()).replace(/\s/g, '');
  expect(await user.locator('#totp-secret').getAttribute('data-url')).toContain(`secret=${secret}`);
  await user.fill('#totp-code', '000000' === totp(secret, Date.now()) ? '111111' : '000000');
  await user.locator('#second-factor-confirm button').click();
  await expect(user.getByText('验证码不正确')).toBeVisible();
  await user.fill('#totp-code', totp(secret, Date.now()));
  await user.locator('#second-factor-confirm button').click();
  await expect(user.locator('#second-factor-on')).toBeVisible();
  await expect(user.locator('#second-factor-status')).toHaveAttribute('data-enabled', '1');
  await user.getByRole('button', { name: '退出' }).click();
  await expect(user).toHaveURL(/\/login/);

  // Login: the password, then the code page; the code of the next step (not the one the
  // enrolment used) lets the user in.
  const code = totp(secret, Date.now() + 30_000);
  await user.fill('#login', phone);
  await user.fill('#password', OWN);
  await user.getByRole('button', { name: '登录' }).click();
  await expect(user).toHaveURL(/\/login\/code/);
  await user.fill('#code', code);
  await user.getByRole('button', { name: '验证' }).click();
  await expect(user.locator('#who')).toBeVisible();

  // Someone who saw that code tries it again with the password: refused as used.
  const thief = await (await browser.newContext()).newPage();
  await thief.goto('/login');
  await thief.fill('#login', phone);
  await thief.fill('#password', OWN);
  await thief.getByRole('button', { name: '登录' }).click();
  await expect(thief).toHaveURL(/\/login\/code/);
  await thief.fill('#code', code);
  await thief.getByRole('button', { name: '验证' }).click();
  await expect(thief.getByText('该验证码已用过')).toBeVisible();
  await expect(thief.locator('#who')).toHaveCount(0);
});
