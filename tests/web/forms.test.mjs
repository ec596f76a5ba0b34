// No page ever puts a receipt in a URL (docs/DESIGN.md §9), in Chromium
// against the real server: the status page with JavaScript off, and with
// its script still loading (held back by request routing), a typed receipt
// and Enter send nothing that carries it — no URL, no body — and add no
// history entry. Before this, the form had no method and its handler came
// with the script: Enter sent GET /status.html?receipt=….
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from './browser.mjs';
import * as H from './harness.mjs';

const RECEIPT = 'MS0Z-H1WW-YKQN-03JM-SFCX';
let dir, srv;

before(async () => {
	dir = H.tmp();
	H.newData(`${dir}/data`, { pow_difficulty: 0 });
	srv = await H.startServer(`${dir}/data`);
});

after(async () => {
	if (srv) await srv.stop();
	if (dir) H.cleanup(dir);
});

// Types the receipt, presses Enter, waits, and returns every request seen.
async function typeAndEnter(page, seen) {
	await page.fill('#receipt-input', RECEIPT);
	await page.press('#receipt-input', 'Enter');
	await page.waitForTimeout(1500);
	const carrying = seen.filter((r) => r.url.includes('MS0Z') || (r.body || '').includes('MS0Z'));
	return carrying;
}

function record(page) {
	const seen = [];
	page.on('request', (r) => seen.push({ url: r.url(), method: r.method(), body: r.postData() }));
	return seen;
}

test('JavaScript off: Enter on the status page sends the receipt nowhere', async () => {
	const ctx = await launch({ javaScriptEnabled: false });
	try {
		const page = await ctx.newPage();
		const seen = record(page);
		await page.goto(`${srv.url}/status.html`);
		const before = page.url();
		assert.equal(await page.getAttribute('#status-form', 'method'), 'post');
		const carrying = await typeAndEnter(page, seen);
		assert.deepEqual(carrying, [], 'a request carried the receipt');
		assert.equal(page.url(), before, 'no navigation');
		assert.ok(!page.url().includes('MS0Z'));
	} finally {
		await ctx.close();
	}
});

test('script still loading: Enter sends the receipt nowhere; once loaded it is used here only', async () => {
	const ctx = await launch({});
	try {
		const page = await ctx.newPage();
		const seen = record(page);
		let release;
		const held = new Promise((r) => (release = r));
		await page.route('**/js/status.js', async (route) => {
			await held;
			await route.continue();
		});
		// module scripts hold DOMContentLoaded back: wait for the input itself
		await page.goto(`${srv.url}/status.html`, { waitUntil: 'commit' });
		await page.waitForSelector('#receipt-input');
		const hist = await page.evaluate(() => history.length);
		const carrying = await typeAndEnter(page, seen);
		assert.deepEqual(carrying, [], 'a request carried the receipt while the script loaded');
		assert.ok(!page.url().includes('MS0Z'), page.url());
		release();
		await page.waitForSelector('#status-form[data-ready]');
		await page.press('#receipt-input', 'Enter');
		await page.waitForSelector('#status-error:not([hidden]), #status-view:not([hidden])');
		const after = seen.filter((r) => r.url.includes('MS0Z') || (r.body || '').includes('MS0Z'));
		assert.deepEqual(after, [], 'the script sends values derived from the receipt, never the receipt');
		assert.equal(await page.evaluate(() => history.length), hist, 'no history entry');
	} finally {
		await ctx.close();
	}
});
