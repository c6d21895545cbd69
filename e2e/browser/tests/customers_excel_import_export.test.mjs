// Customers to and from Excel in the browser: the admin imports an .xlsx file (made with
// Python's openpyxl, Chinese titles, a number typed as a number) from the Customers page; the
// import's progress comes over the events socket and the page shows the count added and the
// refused rows with their row number and reason, with the error report to download. Then the
// admin filters the list and exports it to Excel, checked with openpyxl; a damaged workbook is
// refused with a clear message. The same page in Chinese labels the buttons in Chinese.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { demoAccounts, startPatchbay } from '../lib/server.mjs';
import { launch, shot, signIn } from '../lib/browser.mjs';

// Debian's python3: openpyxl comes from python3-openpyxl (scripts/install-test-deps).
const PYTHON = process.env.PATCHBAY_TEST_PYTHON ?? '/usr/bin/python3';

let server;
let browser;

before(async () => {
  server = await startPatchbay();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The table's body rows (antd adds a hidden measure row). */
function tableRows(page, testId) {
  return page.getByTestId(testId).locator('tbody tr.ant-table-row');
}

test('the admin imports an Excel file with progress and refused rows, and exports Excel', async () => {
  const admin = demoAccounts(server.dataDir).find((a) => a.workId === 'admin');
  const dir = mkdtempSync(join(tmpdir(), 'patchbay-customers-xlsx-'));
  const upload = join(dir, '客户名单.xlsx');
  execFileSync(
    PYTHON,
    [
      '-c',
      `
import sys, openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.append(["姓名", "电话", "公司", "标签"])
ws.append(["王小明", 13912345678, "杭州电子", "VIP;华东"])
ws.append(["", "13700001111", "", ""])
ws.append(["李华", "057188886666", "宁波港务", "VIP"])
ws.append(["赵六", "not a number", "", ""])
wb.save(sys.argv[1])
`,
      upload,
    ],
    { encoding: 'utf8' },
  );

  const context = await browser.newContext({ locale: 'en-US', acceptDownloads: true });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  const progress = [];
  page.on('websocket', (ws) => {
    if (!ws.url().endsWith('/api/v1/events')) return;
    ws.on('framereceived', ({ payload }) => {
      try {
        const e = JSON.parse(String(payload));
        if (e.type === 'customer_import') progress.push(e);
      } catch {
        // not JSON
      }
    });
  });
  await signIn(page, server.base, admin);
  await page.getByTestId('nav-customers').click();
  await page.getByTestId('customers-table').waitFor();

  await page.locator('input[type=file]').setInputFiles(upload);
  const report = page.getByTestId('import-report');
  await report.getByTestId('import-result').getByText('2 customers added, 2 rows not imported').waitFor();
  assert.equal(await report.getByRole('progressbar').getAttribute('aria-valuenow'), '100');
  assert.deepEqual(progress, [{ type: 'customer_import', done: 4, total: 4 }], 'progress over the events socket');
  const refused = tableRows(page, 'import-error-rows');
  assert.equal(await refused.count(), 2);
  assert.match(await refused.nth(0).innerText(), /^2\s+name: is required/);
  assert.match(await refused.nth(1).innerText(), /^4\s+numbers:/);
  // The error report downloads as CSV.
  const [errors] = await Promise.all([page.waitForEvent('download'), report.getByTestId('import-errors').click()]);
  assert.equal(errors.suggestedFilename(), 'customer-import-errors.csv');
  const errorsFile = join(dir, 'errors.csv');
  await errors.saveAs(errorsFile);
  const lines = readFileSync(errorsFile, 'utf8').replace(/^\ufeff/, '').trim().split('\r\n');
  assert.equal(lines[0], 'row,reason');
  assert.match(lines[1], /^2,name: is required/);
  assert.match(lines[2], /^4,"numbers: must be 3 to 32 digits/);
  await shot(page, '67-customer-xlsx-import');
  await page.keyboard.press('Escape');
  await tableRows(page, 'customers-table').filter({ hasText: '王小明' }).waitFor();
  assert.match(await tableRows(page, 'customers-table').filter({ hasText: '王小明' }).innerText(), /13912345678/);

  // Filter by tag, then export Excel: the workbook holds the filtered customers.
  await page.getByPlaceholder('Filter by tag').fill('华东');
  await page.getByPlaceholder('Filter by tag').press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=customers-table] tbody tr.ant-table-row').length === 1);
  assert.equal(await page.getByTestId('customer-export-csv').innerText(), 'Export CSV');
  const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByTestId('customer-export-xlsx').click()]);
  assert.equal(xlsx.suggestedFilename(), 'customers.xlsx');
  const xlsxFile = join(dir, 'customers.xlsx');
  await xlsx.saveAs(xlsxFile);
  const sheet = JSON.parse(
    execFileSync(
      PYTHON,
      [
        '-c',
        `
import json, sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1], read_only=True).active
print(json.dumps([[("" if v is None else str(v)) for v in row] for row in ws.iter_rows(values_only=True)]))
`,
        xlsxFile,
      ],
      { encoding: 'utf8' },
    ),
  );
  assert.deepEqual(sheet[0], ['name', 'numbers', 'company', 'tags', 'owner', 'created']);
  assert.equal(sheet.length, 2, `only the filtered customer: ${JSON.stringify(sheet)}`);
  assert.deepEqual(sheet[1].slice(0, 4), ['王小明', '13912345678', '杭州电子', 'VIP;华东']);
  assert.match(sheet[1][4], /\S/, 'the owner is named');
  assert.match(sheet[1][5], /^\d{4}-\d{2}-\d{2}$/);

  // A damaged workbook: refused with the reason, nothing added.
  const count = async () => (await (await page.request.get(`${server.base}/api/v1/customers`)).json()).total;
  const before = await count();
  assert.ok(before >= 2);
  const damaged = readFileSync(upload).subarray(0, 400);
  await page.locator('input[type=file]').setInputFiles({ name: 'damaged.xlsx', mimeType: 'application/octet-stream', buffer: damaged });
  await page.locator('.ant-message').getByText(/The file cannot be imported: .*xlsx/).waitFor();
  assert.equal(await count(), before);
  assert.deepEqual(pageErrors, []);
  await context.close();

  // In Chinese.
  const zhContext = await browser.newContext({ locale: 'zh-CN' });
  const zhPage = await zhContext.newPage();
  await signIn(zhPage, server.base, admin, 'zh');
  await zhPage.getByTestId('nav-customers').click();
  await zhPage.getByTestId('customer-export-xlsx').filter({ hasText: '导出 Excel' }).waitFor();
  assert.equal(await zhPage.getByTestId('customer-import').innerText(), '导入（CSV/Excel）');
  await zhContext.close();
});
