// Issue 17, the reporter's pages in plain words. When the connection breaks after the server took the report but
// before its answer arrived, the receipt view must not say "sent": its
// heading (read first by a screen reader) says storage is not confirmed, the
// message is in plain words, going back to the form removes the stale
// receipt, and sending the same form again takes a deliberate tick (it files
// a second report with a second receipt). In Debian's chromium against the
// real server; the break is made by letting the POST reach the server and
// then resetting the connection. Also: no request of a first visit fails
// (a favicon, not a /favicon.ico 404), each footer points to the other
// version rather than to the page the reader is on, and the receipt file
// labels every number it carries.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync } from 'node:fs';
import { launch } from './browser.mjs';
import * as H from './harness.mjs';

const T = 60000;
const SHOTS = process.env.QF_SCREENSHOTS || `${H.BIN}/../screenshots`;
const ZH = JSON.parse(readFileSync(`${H.ROOT}/web/i18n/zh-CN.json`, 'utf8'));
let dir, data, srv, ctx, page;
let posts = 0;

before(async () => {
	dir = H.tmp();
	data = `${dir}/data`;
	H.newData(data, { pow_difficulty: 8, status_per_minute: 1000 });
	srv = await H.startServer(data);
	ctx = await launch({ viewport: { width: 1280, height: 860 }, locale: 'zh-CN', acceptDownloads: true });
	page = await ctx.newPage();
	page.setDefaultTimeout(T);
	page.on('request', (r) => {
		if (r.method() === 'POST' && r.url().endsWith('/api/v1/reports')) posts++;
	});
});

after(async () => {
	if (ctx) await ctx.close();
	if (srv) await srv.stop();
	if (dir) H.cleanup(dir);
});

const logSize = async () => (await (await fetch(`${srv.url}/api/v1/log/d01/head`)).json()).size;

test('an unconfirmed send: the heading and text say so, back to the form drops the receipt, a resend needs a tick', async () => {
	await page.goto(`${srv.url}/report.html`);
	await page.waitForSelector('#report-form[data-ready]');
	await page.fill('#title', '连接中断的举报');
	await page.fill('#body', '正文：某领导收受礼金。');
	const before = await logSize();
	// the server stores the report, then the answer is lost
	await page.route('**/api/v1/reports', async (route) => {
		await route.fetch();
		await route.abort('connectionreset');
	});
	await page.click('#report-form button[type=submit]');
	await page.waitForSelector('#receipt-view:not([hidden])');
	await page.unroute('**/api/v1/reports');
	assert.equal(await logSize(), before + 1, 'the server did store it');
	const heading = (await page.textContent('#rc-h')).trim();
	assert.equal(heading, ZH.js.rc_title_unsure);
	assert.ok(!heading.includes('成功'), `the heading claims success: ${heading}`);
	const warning = await page.textContent('#rc-warning');
	assert.match(warning, /可能已经保存，也可能没有/);
	assert.match(warning, new RegExp(ZH.js.why_network));
	assert.doesNotMatch(warning, /[a-z]{4,}/i, `no code words in the Chinese message: ${warning}`);
	const first = await page.getAttribute('#receipt', 'data-receipt');
	mkdirSync(SHOTS, { recursive: true });
	await page.locator('#receipt-view').screenshot({ path: `${SHOTS}/receipt-unconfirmed-zh.png` });

	await page.click('#back-to-form');
	assert.equal(await page.isVisible('#receipt-view'), false, 'the stale receipt view is gone');
	assert.equal(await page.isVisible('#report-form'), true);
	assert.equal(await page.inputValue('#title'), '连接中断的举报', 'the form is as it was');
	assert.ok((await page.textContent('#resend-note')).includes(first.slice(-4)), 'it names the last receipt');

	posts = 0;
	await page.click('#report-form button[type=submit]');
	await page.waitForSelector('#form-error:not([hidden])');
	assert.equal((await page.textContent('#form-error')).trim(), ZH.js.resend_tick);
	assert.equal(posts, 0, 'nothing was sent without the tick');
	assert.equal(await logSize(), before + 1);

	await page.check('#resend-ok');
	await page.click('#report-form button[type=submit]');
	await page.waitForSelector('#receipt-view:not([hidden])');
	assert.equal((await page.textContent('#rc-h')).trim(), ZH.js.rc_title, 'a confirmed send says sent');
	assert.equal(await page.isVisible('#rc-warning'), false);
	assert.notEqual(await page.getAttribute('#receipt', 'data-receipt'), first);
	assert.equal(await logSize(), before + 2);
	assert.equal(await page.isVisible('#resend-box'), false, 'the resend box goes with a confirmed send');
});

test('a first visit: no failed request, no console error (a favicon is linked)', async () => {
	const c = await launch({ viewport: { width: 1280, height: 860 }, locale: 'zh-CN' });
	try {
		const p = await c.newPage();
		const bad = [];
		p.on('response', (r) => r.status() >= 400 && bad.push(`${r.status()} ${r.url()}`));
		p.on('requestfailed', (r) => bad.push(`failed ${r.url()}`));
		p.on('console', (m) => m.type() === 'error' && bad.push(`console: ${m.text()}`));
		for (const path of ['/', '/report.html', '/status.html', '/nojs/', '/nojs/report']) {
			await p.goto(`${srv.url}${path}`);
			await p.waitForLoadState('networkidle');
		}
		assert.deepEqual(bad, []);
		const icon = await p.evaluate(() => document.querySelector('link[rel=icon]')?.href);
		assert.ok(icon, 'the no-JS form links an icon');
		const res = await fetch(icon);
		assert.equal(res.status, 200);
		assert.match(res.headers.get('content-type'), /^image\/svg\+xml/);
	} finally {
		await c.close();
	}
});

test('every footer points to the other version, never to the page the reader is on', async () => {
	for (const [path, to] of [
		['/', /nojs\/$/],
		['/en/report.html', /nojs\/en\/$/],
		['/nojs/', /\/report\.html$/],
		['/nojs/en/', /\/en\/report\.html$/],
		['/nojs/report', /\/report\.html$/],
		['/nojs/report?lang=en', /\/en\/report\.html$/],
	]) {
		await page.goto(`${srv.url}${path}`);
		const links = await page.$$eval('footer a', (as) => as.map((a) => a.href));
		assert.equal(links.length, 1, `${path}: one link in the footer`);
		assert.match(links[0], to, `${path}: the footer points to ${links[0]}`);
		assert.notEqual(new URL(links[0]).pathname, new URL(page.url()).pathname, `${path}: the footer points to itself`);
	}
});

test('the receipt file labels every number it carries', async () => {
	await page.goto(`${srv.url}/report.html`);
	await page.waitForSelector('#report-form[data-ready]');
	await page.fill('#title', '回执文件');
	await page.fill('#body', '正文');
	await page.click('#report-form button[type=submit]');
	await page.waitForSelector('#receipt-view:not([hidden])');
	const r = await page.getAttribute('#receipt', 'data-receipt');
	const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
	const lines = readFileSync(await dl.path(), 'utf8').split('\n');
	const at = lines.findIndex((l) => l.trim() === r);
	assert.equal(lines[at - 1], '回执 / Receipt:');
	assert.ok(lines.some((l) => /^登记编号 \/ Entry number: \d+$/.test(l)), lines.join('\n'));
	assert.ok(lines.some((l) => /^登记日期 \/ Day registered: \d{4}-\d\d-\d\d$/.test(l)), lines.join('\n'));
	// every line with a digit in it, but the receipt itself, has a label
	for (const l of lines) if (/\d/.test(l) && l.trim() !== r) assert.match(l, /^[^:]+: /, `an unlabelled line: ${l}`);
});
