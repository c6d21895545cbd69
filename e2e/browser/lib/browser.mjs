// Debian's Chromium driven by playwright-core, with the flags that work on this kind of machine.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'artifacts');

export async function launch(extraArgs = []) {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

/** Saves a full-page screenshot under e2e/artifacts/. */
export async function shot(page, name) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Login form labels by language. */
const LOGIN_LABELS = {
  en: ['Enterprise code', 'Work ID', 'Password'],
  zh: ['企业编号', '工号', '密码'],
};

/** Signs `account` (from demoAccounts) in on the login page of the server at `base`, with the
 * page in `lang` (`en` or `zh`, as the browser context's locale makes it). */
export async function signIn(page, base, account, lang = 'en') {
  const [enterprise, workId, password] = LOGIN_LABELS[lang];
  await page.goto(`${base}/login`);
  await page.getByLabel(enterprise).fill(account.enterprise);
  await page.getByLabel(workId).fill(account.workId);
  await page.getByLabel(password).fill(account.password);
  await page.getByTestId('login-submit').click();
}
