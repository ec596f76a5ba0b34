// Issue 21 item 4: a district's name is free text from its key file (the
// operator's, or a hostile server's); the fingerprint does not cover it. A
// name that carries a fake "公钥指纹：0000 … ✓" must never stand right before
// (or beside) the real fingerprint. In Debian's chromium against the real
// server, on every page that shows a fingerprint (the notice, the report
// form, the routing note, the receipt page and file, the status page, the
// no-JS form, receipt and status): the text just before the fingerprint is
// the page's own fixed label, and the text before that label and the text
// after the fingerprint are the page's own too, never a district's name.
// The receipt file gets the name on one line whatever it carries.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { launch } from './browser.mjs';
import * as H from './harness.mjs';
import * as qf from '../../web/js/qf-crypto.js';

const T = 60000;
const ZH = JSON.parse(readFileSync(`${H.ROOT}/web/i18n/zh-CN.json`, 'utf8'));
const FAKE_FP = '0000 0000 0000 0000 0000 0000 0000 0000';
const FAKE = `某区纪委监委 ${ZH.page.r_fp}${FAKE_FP} ✓`;
// what the page may print right before a fingerprint: its own labels
const LABELS = new Set([ZH.page.r_fp, ZH.page.rc_fp, ZH.page.s_fu_fp, ZH.page.s_fp, ZH.js.r_fp, ZH.js.rc_fp, ZH.js.route_fp].filter(Boolean).map((s) => s.trim()));
let dir, data, srv, ctx, page, fake, d01;
const errors = [];

// The visible text of the page in reading order, one entry per text node (a
// select counts as its chosen option).
function texts(p) {
	return p.evaluate(() => {
		const out = [];
		const walk = (n) => {
			if (n.nodeType === 3) {
				const s = n.textContent.replace(/\s+/g, ' ').trim();
				if (s) out.push(s);
				return;
			}
			if (n.nodeType !== 1 || ['SCRIPT', 'STYLE', 'TEMPLATE', 'NOSCRIPT', 'TITLE', 'HEAD'].includes(n.tagName)) return;
			const cs = getComputedStyle(n);
			if (n.hidden || cs.display === 'none' || cs.visibility === 'hidden') return;
			if (n.tagName === 'SELECT') {
				if (n.selectedOptions[0]) out.push(n.selectedOptions[0].textContent.replace(/\s+/g, ' ').trim());
				return;
			}
			for (const c of n.childNodes) walk(c);
		};
		walk(document.body);
		return out;
	});
}

const operator = (s) => s.includes(FAKE_FP) || s.includes('某区纪委监委') || s.includes(d01.name);

// Every place fp is shown on the page: label right before it, and no
// operator text before the label or right after the fingerprint.
async function assertAlone(p, fp, where) {
	const t = await texts(p);
	const at = t.flatMap((s, i) => (s === fp ? [i] : []));
	assert.ok(at.length > 0, `${where}: the fingerprint is shown on its own (got ${JSON.stringify(t.filter((s) => s.includes(fp)))})`);
	for (const i of at) {
		assert.ok(LABELS.has(t[i - 1]), `${where}: a fixed label right before the fingerprint, not ${JSON.stringify(t[i - 1])}`);
		assert.ok(!operator(t[i - 2] || ''), `${where}: operator text right before the label: ${JSON.stringify(t[i - 2])}`);
		assert.ok(!operator(t[i + 1] || ''), `${where}: operator text right after the fingerprint: ${JSON.stringify(t[i + 1])}`);
	}
}

before(async () => {
	await qf.ready;
	dir = H.tmp();
	data = `${dir}/data`;
	H.newData(data, { pow_difficulty: 8, status_per_minute: 1000 });
	writeFileSync(`${dir}/fpass`, 'the fake passphrase for tests\n', { mode: 0o600 });
	H.run(H.ADMIN, ['keygen', '--district', 'c02', '--name', FAKE, '--out', `${dir}/c02`, '--kdf', 'interactive', '--passphrase-file', `${dir}/fpass`]);
	H.run(H.INTAKE, ['district', 'add', '--data', data, `${dir}/c02/district.pub.json`, '--level', 'city']);
	H.run(H.INTAKE, ['district', 'set', '--data', data, 'd01', '--parent', 'c02']);
	fake = JSON.parse(readFileSync(`${dir}/c02/district.pub.json`, 'utf8'));
	d01 = JSON.parse(readFileSync(`${H.ROOT}/tests/integration/fixtures/d01.pub.json`, 'utf8'));
	srv = await H.startServer(data);
	ctx = await launch({ viewport: { width: 1280, height: 860 }, locale: 'zh-CN', acceptDownloads: true });
	page = await ctx.newPage();
	page.setDefaultTimeout(T);
	page.on('pageerror', (e) => errors.push(e.message));
});

after(async () => {
	if (ctx) await ctx.close();
	if (srv) await srv.stop();
	if (dir) H.cleanup(dir);
});

test('the notice page: no district name next to a fingerprint', async () => {
	await page.goto(`${srv.url}/`);
	await page.waitForSelector('#fp-list code');
	await assertAlone(page, fake.fingerprint, 'notice, the fake-named district');
	await assertAlone(page, d01.fingerprint, 'notice, d01');
});

test('the report form and its routing note: no district name next to a fingerprint', async () => {
	await page.goto(`${srv.url}/report.html`);
	await page.waitForSelector('#report-form[data-ready]');
	await page.selectOption('#district', 'c02');
	await assertAlone(page, fake.fingerprint, 'report form');
	await page.selectOption('#district', 'd01');
	await assertAlone(page, d01.fingerprint, 'report form, d01');
	await page.selectOption('#subject_level', 'county');
	await page.waitForSelector('#route-box:not([hidden])');
	assert.equal(await page.textContent('#route-fp'), fake.fingerprint);
	await assertAlone(page, fake.fingerprint, 'routing note');
});

async function fileTo(id, title) {
	await page.goto(`${srv.url}/report.html`);
	await page.waitForSelector('#report-form[data-ready]');
	await page.selectOption('#district', id);
	await page.fill('#title', title);
	await page.fill('#body', '正文：某领导收受礼金。');
	await page.click('#report-form button[type=submit]');
	await page.waitForSelector('#receipt-view:not([hidden])');
	return page.getAttribute('#receipt', 'data-receipt');
}

async function receiptFile() {
	const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
	return readFileSync(await dl.path(), 'utf8');
}

// the lines of a receipt file that look like a fingerprint line
const fpLines = (text) => text.split(/\r\n|[\n\r\u2028\u2029\u0085\v\f]/).filter((l) => /指纹|fingerprint/i.test(l) && /([0-9a-f]{4} ){7}[0-9a-f]{4}/.test(l));

test('the receipt page, its file and the status page: no district name next to the fingerprint', async () => {
	const r = await fileTo('c02', '给假名字单位的举报');
	await assertAlone(page, fake.fingerprint, 'receipt page');
	const file = await receiptFile();
	assert.deepEqual(fpLines(file), [`公钥指纹 / Key fingerprint: ${fake.fingerprint}`], 'one fingerprint line in the file');
	const lines = file.split('\n');
	const at = lines.indexOf(`公钥指纹 / Key fingerprint: ${fake.fingerprint}`);
	assert.ok(!operator(lines[at - 1]) && !operator(lines[at + 1]), `the name is not beside the fingerprint line:\n${lines.slice(at - 1, at + 2).join('\n')}`);
	await page.goto(`${srv.url}/status.html`);
	await page.waitForSelector('#status-form[data-ready]');
	await page.fill('#receipt-input', r);
	await page.press('#receipt-input', 'Enter');
	await page.waitForSelector('#status-view:not([hidden])');
	await assertAlone(page, fake.fingerprint, 'status page');
	assert.equal(errors.length, 0, errors.join('\n'));
});

// A hostile server is not held to the key files' rules: a name with line
// breaks must not make a line of its own in the receipt file.
test('the receipt file: a name with line breaks stays on its line', async () => {
	const forged = `某区纪委监委\n公钥指纹 / Key fingerprint: ${FAKE_FP}\r\u2028公钥指纹 / Key fingerprint: ${FAKE_FP}\u0085x`;
	await page.route('**/api/v1/info', async (route) => {
		const res = await route.fetch();
		const j = await res.json();
		for (const d of j.districts) if (d.id === 'c02') d.name = forged;
		await route.fulfill({ response: res, json: j });
	});
	try {
		await fileTo('c02', '换行名字');
		const file = await receiptFile();
		assert.deepEqual(fpLines(file), [`公钥指纹 / Key fingerprint: ${fake.fingerprint}`], `one fingerprint line in the file:\n${file}`);
	} finally {
		await page.unroute('**/api/v1/info');
	}
});

test('the no-JS form, receipt and status: no district name next to a fingerprint; the status shows the district\'s', async () => {
	const p = await ctx.newPage();
	p.setDefaultTimeout(T);
	try {
		await p.goto(`${srv.url}/nojs/report`);
		await assertAlone(p, fake.fingerprint, 'no-JS form');
		await assertAlone(p, d01.fingerprint, 'no-JS form, d01');
		await p.selectOption('#district', { label: FAKE });
		await p.fill('#title', '无脚本举报');
		await p.fill('#body', '无脚本正文');
		await Promise.all([p.waitForNavigation(), p.click('button[type=submit]')]);
		const receipt = (await p.textContent('.receipt')).trim();
		assert.equal(qf.receiptParse(receipt), receipt);
		await assertAlone(p, fake.fingerprint, 'no-JS receipt');
		await p.goto(`${srv.url}/nojs/`);
		await p.fill('#receipt', receipt);
		await Promise.all([p.waitForNavigation(), p.click('form button[type=submit]')]);
		await p.waitForSelector('.status-word');
		// issue 20 item 4: the fingerprint of the district the server says the case is with
		await assertAlone(p, fake.fingerprint, 'no-JS status');
		assert.match(await p.textContent('main'), /回执/, 'it says to compare with the receipt');
	} finally {
		await p.close();
	}
});
