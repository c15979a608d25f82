import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { createTestApp, type TestApp } from '../support/test-app';
import { createUser } from '../support/factories';

const CHROMIUM = '/usr/bin/chromium';
// Flags from the machine notes: without the background-networking ones Chromium keeps dialling out.
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

describe('Swagger UI in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: run scripts/ensure-test-deps.sh (npm test does it in pretest)`);
    }
    t = await createTestApp({}, { listen: true });
    const address = t.app.getHttpServer().address() as { port: number };
    baseUrl = `http://127.0.0.1:${address.port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('lists the operations and calls /users/me through "Try it out" with a key', async () => {
    const user = await createUser(t, { username: 'swagger-fan' });
    const page = await browser.newPage();
    const failed: string[] = [];
    page.on('requestfailed', (r) => failed.push(r.url()));
    await page.goto(`${baseUrl}/api/docs`);
    await page.waitForSelector('.opblock-summary');
    const operations = await page.$$eval('.opblock', (blocks) =>
      blocks.map(
        (b) => `${b.querySelector('.opblock-summary-method')?.textContent} ${b.querySelector('.opblock-summary-path')?.getAttribute('data-path')}`,
      ),
    );
    expect(operations).toEqual(expect.arrayContaining(['GET /api/v1/users/me', 'POST /api/v1/auth/keys', 'DELETE /api/v1/auth/keys/{id}']));

    await page.click('button.authorize');
    await page.fill('.modal-ux input[type=text]', user.key);
    await page.click('.modal-ux button.authorize');
    await page.click('.modal-ux button.close-modal');

    const op = page.locator('#operations-users-getProfile');
    await op.locator('.opblock-summary').click();
    await op.locator('button.try-out__btn').click();
    await op.locator('button.execute').click();
    const body = op.locator('.responses-wrapper .live-responses-table .response-col_description pre.microlight').first();
    await body.waitFor();
    const text = await body.innerText();
    expect(JSON.parse(text)).toEqual({ success: true, data: expect.objectContaining({ discordId: user.discordId, username: 'swagger-fan' }) });
    expect(await op.locator('.live-responses-table tbody .response-col_status').first().innerText()).toContain('200');
    expect(failed).toEqual([]);
  });
});
