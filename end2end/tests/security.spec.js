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
