// No page ever puts a receipt in a URL (docs/DESIGN.md §9), in Chromium
// against the real server: the status page with JavaScript off, and with
// its script still loading (held back by request routing), a typed receipt
// and Enter send nothing that carries it — no URL, no body — and add no
// history entry. Before this, the form had no method and its handler came
// with the script: Enter sent GET /status.html?receipt=…. Also: the no-JS
// status forms post (both languages), the script page's form would post to
// the working no-JS handler, every form on every page says post, and the
// pages refuse more than 100 attachments (§6) instead of sending a report
// or follow-up the offline tool would quarantine.
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

test('JavaScript off, English page: the form posts to the no-JS status handler, and would work there', async () => {
	const ctx = await launch({ javaScriptEnabled: false });
	try {
		const page = await ctx.newPage();
		const seen = record(page);
		await page.goto(`${srv.url}/en/status.html`);
		assert.equal(await page.getAttribute('#status-form', 'method'), 'post');
		assert.ok(await page.isDisabled('#status-form button[type=submit]'), 'no native submission');
		assert.deepEqual(await typeAndEnter(page, seen), [], 'a request carried the receipt');
		assert.equal(new URL(await page.$eval('#status-form', (f) => f.action)).pathname, '/nojs/status');
		// were the button usable, a native submission would go by POST to a handler that answers
		await page.$eval('#status-form button[type=submit]', (b) => b.removeAttribute('disabled'));
		await Promise.all([page.waitForNavigation(), page.press('#receipt-input', 'Enter')]);
		const posted = seen.filter((r) => r.body && r.body.includes('MS0Z'));
		assert.deepEqual(posted.map((r) => [r.method, new URL(r.url).pathname]), [['POST', '/nojs/status']]);
		assert.ok(seen.every((r) => !r.url.includes('MS0Z')), 'no URL carries it');
		assert.match(await page.textContent('main'), /No report matches|not found/i);
	} finally {
		await ctx.close();
	}
});

test('the no-JS status forms post, in both languages: the receipt in the body, never in a URL', async () => {
	const ctx = await launch({ javaScriptEnabled: false });
	try {
		for (const base of ['/nojs/', '/nojs/en/']) {
			const page = await ctx.newPage();
			const seen = record(page);
			await page.goto(`${srv.url}${base}`);
			await page.fill('#receipt', RECEIPT);
			await Promise.all([page.waitForNavigation(), page.press('#receipt', 'Enter')]);
			const carrying = seen.filter((r) => r.url.includes('MS0Z') || (r.body || '').includes('MS0Z'));
			assert.deepEqual(carrying.map((r) => [r.method, new URL(r.url).pathname]), [['POST', '/nojs/status']], base);
			assert.ok(!page.url().includes('MS0Z'), page.url());
			await page.close();
		}
	} finally {
		await ctx.close();
	}
});

// The script pages' other forms hold report text, a follow-up or a piece of
// the receipt; each is shown only once its script handles it, and says post
// all the same, so that no later change can make one send its fields by GET.
test('every form on every page says method="post"', async () => {
	const ctx = await launch({ javaScriptEnabled: false });
	try {
		const page = await ctx.newPage();
		for (const path of ['/status.html', '/en/status.html', '/report.html', '/en/report.html', '/nojs/', '/nojs/en/', '/nojs/report', '/nojs/report?lang=en']) {
			await page.goto(`${srv.url}${path}`);
			const forms = await page.$$eval('form', (fs) => fs.map((f) => ({ id: f.id || f.getAttribute('action'), method: f.getAttribute('method') })));
			assert.ok(forms.length > 0, path);
			for (const f of forms) assert.equal(f.method, 'post', `${path} form ${f.id}`);
		}
	} finally {
		await ctx.close();
	}
});

// §6: at most 100 attachments. The offline tool refuses to open an envelope
// that lists more, so it would quarantine a report or follow-up the page had
// sent; the page says so instead, and sends nothing.
test('101 attachments: the report and follow-up forms say so and send nothing', async () => {
	const ctx = await launch({});
	try {
		const page = await ctx.newPage();
		page.setDefaultTimeout(60000);
		const seen = record(page);
		const files = (n) => Array.from({ length: n }, (_, i) => ({ name: `f${i}.txt`, mimeType: 'text/plain', buffer: Buffer.from(`${i}`) }));
		await page.goto(`${srv.url}/en/report.html`);
		await page.waitForSelector('#report-form[data-ready]');
		await page.fill('#title', 'Many files');
		await page.fill('#body', 'One too many.');
		await page.setInputFiles('#att', files(101));
		await page.waitForSelector('.file-list li:nth-child(101)');
		await page.click('#report-form button[type=submit]');
		await page.waitForSelector('#form-error:not([hidden]), #receipt-view:not([hidden])');
		assert.deepEqual(seen.filter((r) => r.method === 'POST').map((r) => new URL(r.url).pathname), [], 'nothing sent');
		assert.match(await page.textContent('#form-error'), /At most 100 attachments.*101.*remove 1/);
		assert.ok(await page.isVisible('#report-form'), 'the form stays, as typed');
		// one file fewer goes
		await page.click('.file-list li:nth-child(101) button');
		await page.click('#report-form button[type=submit]');
		await page.waitForSelector('#receipt-view:not([hidden])');
		const receipt = await page.getAttribute('#receipt', 'data-receipt');
		assert.equal(seen.filter((r) => r.method === 'POST' && r.url.endsWith('/api/v1/reports')).length, 1);
		page.on('dialog', (d) => d.accept());
		await page.goto(`${srv.url}/en/status.html`);
		await page.waitForSelector('#status-form[data-ready]');
		await page.fill('#receipt-input', receipt);
		await page.press('#receipt-input', 'Enter');
		await page.waitForSelector('#status-view:not([hidden])');
		await page.fill('#fu-body', 'More files.');
		await page.setInputFiles('#att', files(101));
		await page.waitForSelector('.file-list li:nth-child(101)');
		await page.click('#fu-form button[type=submit]');
		await page.waitForSelector('#fu-error:not([hidden])');
		assert.match(await page.textContent('#fu-error'), /At most 100 attachments/);
		assert.equal(seen.filter((r) => r.method === 'POST' && r.url.endsWith('/api/v1/followups')).length, 0);
	} finally {
		await ctx.close();
	}
});
