// What the browser keeps of a submission, and who may post one (issue 21
// items 1 and 6), in Chromium against the real server: every input, select
// and textarea on every page says autocomplete="off" (else Chromium writes
// the report's text into the profile's session files); a no-JS post is
// answered by a 303 to a one-time page, so the history entry is that page's
// address (no receipt, no post to resubmit) and going back and forth shows
// neither the receipt nor the text again; a page on another origin (another
// loopback port, or another host name) cannot make its visitor file a report.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { launch } from './browser.mjs';
import * as H from './harness.mjs';

let dir, srv;

before(async () => {
	dir = H.tmp();
	H.newData(`${dir}/data`, { pow_difficulty: 0, nojs_min_seconds: 0, nojs_patient_seconds: 0 });
	srv = await H.startServer(`${dir}/data`);
});

after(async () => {
	if (srv) await srv.stop();
	if (dir) H.cleanup(dir);
});

async function headSize() {
	const r = await fetch(`${srv.url}/api/v1/log/d01/head`);
	return (await r.json()).size;
}

const PAGES = ['/index.html', '/report.html', '/en/report.html', '/status.html', '/en/status.html', '/nojs/', '/nojs/en/', '/nojs/report', '/nojs/report?lang=en'];

async function fieldsWithout(page) {
	return page.$$eval('input, textarea, select', (els) =>
		els
			.filter((e) => !['hidden', 'submit', 'button', 'file'].includes(e.getAttribute('type') || ''))
			.filter((e) => e.getAttribute('autocomplete') !== 'off')
			.map((e) => `${e.tagName.toLowerCase()}#${e.id || e.name}`),
	);
}

test('every input, select and textarea says autocomplete="off", with and without script', async () => {
	for (const js of [false, true]) {
		const ctx = await launch({ javaScriptEnabled: js });
		try {
			const page = await ctx.newPage();
			for (const path of PAGES) {
				await page.goto(`${srv.url}${path}`);
				if (js && /report\.html/.test(path)) await page.waitForSelector('#report-form[data-ready]');
				if (js && /status\.html/.test(path)) await page.waitForSelector('#status-form[data-ready]');
				assert.deepEqual(await fieldsWithout(page), [], `${path} (script ${js ? 'on' : 'off'})`);
			}
		} finally {
			await ctx.close();
		}
	}
});

test('no-JS report: the history entry is a one-time page; back and forth show neither text nor receipt, and nothing is posted again', async () => {
	const ctx = await launch({ javaScriptEnabled: false });
	try {
		const page = await ctx.newPage();
		const posts = [];
		page.on('request', (r) => {
			if (r.method() === 'POST') posts.push(r.url());
		});
		await page.goto(`${srv.url}/nojs/report?lang=en`);
		await page.fill('#title', 'Secret title XYZZY');
		await page.fill('#body', 'Secret body PLUGH');
		await page.check('#real_name');
		await page.fill('#id_name', 'Li Si');
		await page.fill('#id_number', '110101199001011234');
		await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
		assert.equal(posts.length, 1);
		const url = page.url();
		assert.equal(new URL(url).pathname, '/nojs/once', url);
		assert.match(new URL(url).search, /^\?[A-Za-z0-9_-]{22}$/, url);
		const receipt = (await page.$$eval('.receipt .grp', (g) => g.map((e) => e.textContent))).join('-');
		assert.match(receipt, /^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
		await page.goBack();
		assert.equal(await page.inputValue('#title'), '', 'the form comes back empty');
		assert.equal(await page.inputValue('#body'), '');
		assert.equal(await page.inputValue('#id_number'), '');
		await page.goForward().catch(() => {});
		const text = await page.textContent('body');
		assert.ok(!text.includes(receipt.slice(0, 4) + '-'), 'the receipt is shown again');
		assert.ok(!text.includes('XYZZY') && !text.includes('110101199001011234'));
		await page.reload().catch(() => {});
		assert.ok(!(await page.textContent('body')).includes(receipt.slice(0, 4) + '-'));
		assert.equal(posts.length, 1, 'the post was sent again');
		assert.ok(!page.url().includes(receipt.slice(0, 4)), page.url());
	} finally {
		await ctx.close();
	}
});

// A page elsewhere posts a report form to the server when opened.
function evilServer() {
	const s = createServer((req, res) => {
		const target = `${srv.url}/nojs/report`;
		res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
		res.end(`<!DOCTYPE html><form id="f" method="post" action="${target}">
<input name="district" value="d01"><input name="title" value="forged"><input name="body" value="forged">
</form><script>document.getElementById('f').submit()</script>`);
	});
	return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(s)));
}

test('a page on another origin cannot make its visitor file a report', async () => {
	const evil = await evilServer();
	const ctx = await launch({});
	try {
		const port = evil.address().port;
		const before = await headSize();
		for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
			const page = await ctx.newPage();
			const answered = page.waitForResponse((r) => r.url().startsWith(`${srv.url}/nojs/report`));
			await page.goto(`http://${host}/`);
			const r = await answered;
			assert.equal(r.status(), 403, host);
			await page.close();
		}
		assert.equal(await headSize(), before, 'a forged report was stored');
	} finally {
		await ctx.close();
		evil.close();
	}
});

// Selects the option whose value (padded or not) is v.
async function choose(page, sel, v) {
	const value = await page.$eval(sel, (s, v) => [...s.options].find((o) => o.value.trim() === v).value, v);
	await page.selectOption(sel, value);
}

// Issue 20 item 5: without script the post's size follows the text typed
// (nothing can pad it; the form says so), but the choices need not show:
// every value of a list posts the same number of bytes.
test('no-JS report: different choices post the same number of bytes', async () => {
	const ctx = await launch({ javaScriptEnabled: false });
	try {
		const sizes = [];
		for (const c of [
			{ type: '#type-appeal', category: 'mass', level: 'staff', party: 'no' },
			{ type: '#type-suggestion', category: 'organizational', level: 'enterprise', party: 'unknown' },
		]) {
			const page = await ctx.newPage();
			let size = -1;
			page.on('request', (r) => {
				if (r.method() === 'POST') size = Buffer.byteLength(r.postData() || '');
			});
			await page.goto(`${srv.url}/nojs/report?lang=en`);
			await page.check(c.type);
			await choose(page, '#category', c.category);
			await choose(page, '#subject_level', c.level);
			await choose(page, '#subject_party', c.party);
			await page.fill('#title', 'Same title');
			await page.fill('#body', 'Same body');
			await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
			assert.match(await page.textContent('body'), /keep your receipt/, 'the report was filed');
			sizes.push(size);
			await page.close();
		}
		assert.ok(sizes[0] > 0);
		assert.equal(sizes[1], sizes[0], 'the choices change the post size');
	} finally {
		await ctx.close();
	}
});
