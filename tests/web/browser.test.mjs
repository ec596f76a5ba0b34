// The reporter's web pages in Debian's chromium (headless, driven by
// playwright-core) against the real server on 127.0.0.1, end to end:
// a report with a JPEG carrying GPS Exif and a PDF -> the receipt (copy,
// download, confirmation) -> export -> qingfeng-admin decrypts the exact
// text and files, the JPEG's GPS data gone -> status and reply -> import ->
// the status page shows the status, delivery and the decrypted reply -> a
// follow-up from the page arrives -> the no-JS flow with JavaScript off ->
// axe-core finds nothing on every page -> screenshots of every page in both
// languages, desktop and 360 px wide (saved to $QF_SCREENSHOTS).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync, readdirSync, cpSync, appendFileSync, existsSync } from 'node:fs';
import { gzipSync, brotliCompressSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { launch } from './browser.mjs';
import * as H from './harness.mjs';
import * as qf from '../../web/js/qf-crypto.js';
import { stripJpeg, stripPng, strip } from '../../web/js/metastrip.js';

const stripLoad = (name) => import(`../../web/js/strip-${name}.js`);

const SHOTS = process.env.QF_SCREENSHOTS || `${H.BIN}/../screenshots`;
const AXE = readFileSync(`${H.ROOT}/node_modules/axe-core/axe.min.js`, 'utf8');
const DESKTOP = { width: 1280, height: 860 };
const MOBILE = { width: 360, height: 740 };
const T = 60000; // generous waits: the ASan server is slower

let dir, data, keyf, srv, ctx, page;
const state = {};

function admin(...args) {
	return H.run(H.ADMIN, [...args, '--archive', `${dir}/archive`, '--passphrase-file', keyf.pass]);
}

async function axe(p, name) {
	await p.evaluate(AXE);
	const r = await p.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
	const v = r.violations.map((x) => `${x.id}: ${x.nodes.map((n) => n.target.join(' ')).join(', ')}`);
	assert.deepEqual(v, [], `axe violations on ${name}`);
}

// Screenshots desktop and 360 px; at 360 px nothing may overflow sideways.
async function shots(p, name) {
	mkdirSync(SHOTS, { recursive: true });
	await p.evaluate(() => document.activeElement && document.activeElement.blur());
	await p.screenshot({ path: `${SHOTS}/${name}-desktop.png`, fullPage: true });
	await p.setViewportSize(MOBILE);
	const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	assert.ok(overflow <= 0, `${name} overflows ${overflow}px at 360 px`);
	await p.screenshot({ path: `${SHOTS}/${name}-mobile.png`, fullPage: true });
	await p.setViewportSize(DESKTOP);
}

async function check(p, name) {
	await axe(p, name);
	await shots(p, name);
}

before(async () => {
	await qf.ready;
	dir = H.tmp();
	data = `${dir}/data`;
	H.newData(data, { pow_difficulty: 8 });
	keyf = H.districtKey(dir);
	srv = await H.startServer(data);
	ctx = await launch({ viewport: DESKTOP, acceptDownloads: true, locale: 'zh-CN' });
	await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: srv.url });
	page = await ctx.newPage();
	page.setDefaultTimeout(T);
	state.errors = [];
	page.on('pageerror', (e) => state.errors.push(e.message));
});

after(async () => {
	if (ctx) await ctx.close();
	if (srv) await srv.stop();
	if (dir) H.cleanup(dir);
});

test('the notice page shows the district and its fingerprint (zh-CN and en)', async () => {
	await page.goto(`${srv.url}/`);
	assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
	assert.match(await page.textContent('h1'), /举报须知/);
	await page.waitForSelector('#fp-list code');
	assert.equal(await page.textContent('#fp-list code'), H.KEYS.public.fingerprint);
	for (const s of ['诬告陷害', '打击报复', 'Tor', '实名', '上一级']) assert.ok((await page.textContent('main')).includes(s), s);
	// keyboard: the first Tab reaches the skip link
	await page.keyboard.press('Tab');
	assert.equal(await page.evaluate(() => document.activeElement.className), 'skip');
	await check(page, 'notice-zh');
	await page.click('a[hreflang="en"]');
	await page.waitForSelector('#fp-list code');
	assert.equal(await page.getAttribute('html', 'lang'), 'en');
	assert.match(await page.textContent('h1'), /Before you report/);
	await check(page, 'notice-en');
});

test('a report with a GPS-tagged JPEG and a PDF is encrypted, sent and gives a receipt', async () => {
	await page.goto(`${srv.url}/report.html`);
	await page.waitForSelector('#report-form[data-ready]');
	assert.equal(await page.textContent('#fp'), H.KEYS.public.fingerprint);
	// required fields are checked here, and nothing typed is lost
	await page.fill('#title', '城关镇某村干部截留低保金');
	await page.click('#report-form button[type=submit]');
	await page.waitForSelector('#form-error:not([hidden])');
	assert.match(await page.textContent('#form-error'), /具体内容/);
	assert.equal(await page.inputValue('#title'), '城关镇某村干部截留低保金');
	state.body = '2026年5月，某村党支部书记将三户低保金共 4,800 元转入亲属账户。\n我是同村村民，亲眼见到转账记录。"引号" \\ 反斜杠 <b>不是标签</b>';
	await page.check('#type-accusation');
	await page.selectOption('#category', 'mass');
	await page.selectOption('#subcategory', '截留挪用惠民资金、补贴');
	await page.fill('#subject_name', '王某');
	await page.fill('#subject_unit', '');
	await page.selectOption('#subject_level', 'village');
	await page.selectOption('#subject_party', 'yes');
	await page.fill('#town', '城关镇');
	await page.fill('#body', state.body);
	assert.match(await page.textContent('#body-count'), new RegExp(`^${[...state.body].length} / 50000`));
	await page.fill('#when', '2026-05');
	await page.fill('#where', '村委会');
	await page.setInputFiles('#att', [`${H.FIXTURES}/gps.jpg`, `${H.FIXTURES}/doc.pdf`]);
	await page.waitForSelector('.file-list li:nth-child(2)');
	// sent as 附件1.jpg and 附件2.pdf unless the reporter keeps the original name
	assert.deepEqual(await page.$$eval('.file-list .fname', (l) => l.map((e) => e.textContent)), ['附件1.jpg', '附件2.pdf']);
	assert.match(await page.textContent('.file-list li:nth-child(1) .keep label'), /发送原文件名（gps\.jpg）/);
	assert.equal(await page.isChecked('#att-keep-0'), false);
	const list = await page.textContent('.file-list');
	assert.match(list, /已删除：[^。]*拍摄地点/);
	assert.match(list, /已删除：[^。]*相机或手机型号/);
	// the PDF was opened by the lazily loaded cleaner (its SRI hash checked)
	assert.match(await page.textContent('.file-list li:nth-child(2) .meta'), /已检查，没有需要删除的元数据/);
	await check(page, 'report-zh');
	// the sending steps pass axe too (they are on screen only for a moment)
	await page.evaluate(() => (document.querySelector('.progress').hidden = false));
	await axe(page, 'sending steps');
	await page.evaluate(() => (document.querySelector('.progress').hidden = true));
	await page.click('#report-form button[type=submit]');
	await page.waitForSelector('#receipt-view:not([hidden])');
	state.receipt = await page.getAttribute('#receipt', 'data-receipt');
	assert.equal(qf.receiptParse(state.receipt), state.receipt);
	assert.equal(await page.textContent('#rc-index'), '1');
	assert.match(await page.textContent('#rc-day'), /^\d{4}-\d{2}-\d{2}$/);
	assert.equal(state.errors.length, 0, state.errors.join('\n'));
});

test('the receipt can be copied, downloaded and must be confirmed before leaving', async () => {
	await page.click('#copy');
	await page.waitForFunction(() => document.querySelector('#copy-msg').textContent !== '');
	assert.equal(await page.evaluate(() => navigator.clipboard.readText()), state.receipt);
	const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
	assert.equal(dl.suggestedFilename(), 'qingfeng-receipt.txt');
	const txt = readFileSync(await dl.path(), 'utf8');
	assert.ok(txt.includes(state.receipt));
	// the commission's fingerprint on its own labelled line, the same as the page shows; the
	// receipt line as before; the name (the server's words) never on the fingerprint's line
	const fp = await page.textContent('#rc-fp');
	assert.match(fp, /^[0-9a-f]{4}( [0-9a-f]{4}){7}$/);
	assert.ok(txt.split('\n').includes(`公钥指纹 / Key fingerprint: ${fp}`), txt);
	assert.ok(txt.split('\n').includes(`    ${state.receipt}`), txt);
	assert.ok(txt.split('\n').includes('区纪委监委编号 / Commission id: d01'), txt);
	// leaving before confirming asks first (the dialog is dismissed: we stay)
	const dialog = page.waitForEvent('dialog');
	page.evaluate(() => {
		location.href = 'index.html';
	}).catch(() => {});
	const d = await dialog;
	assert.equal(d.type(), 'beforeunload');
	await d.dismiss();
	assert.ok(await page.isVisible('#receipt-view'));
	await check(page, 'receipt-zh');
	// the wrong last group is refused; the right one, typed sloppily, is taken
	await page.fill('#confirm-input', 'ZZZZ');
	await page.press('#confirm-input', 'Enter');
	await page.waitForSelector('#confirm-msg:not([hidden])');
	const last = state.receipt.split('-').pop();
	await page.fill('#confirm-input', last.toLowerCase().replace(/0/g, 'o').replace(/1/g, 'l'));
	await page.press('#confirm-input', 'Enter');
	await page.waitForSelector('#rc-done:not([hidden])');
});

test('export: the offline tool decrypts the exact text and files; the JPEG has no GPS data', async () => {
	const qfx = `${dir}/e1.qfx`;
	H.run(H.INTAKE, ['export', '--data', data, '--district', 'd01', '--out', qfx]);
	const [e] = await H.openExport(qfx);
	assert.equal(e.kind, 'report');
	// the manifest is exactly §6, as report/manifest.c would write it
	assert.equal(
		e.manifestText,
		qf.manifestReport(
			{
				district: 'd01',
				lang: 'zh-CN',
				type: 'accusation',
				category: 'mass',
				subcategory: '截留挪用惠民资金、补贴',
				town: '城关镇',
				title: '城关镇某村干部截留低保金',
				body: state.body,
				when: '2026-05',
				where: '村委会',
				subject: { name: '王某', level: 'village', party_member: 'yes' },
				identity: null,
			},
			[
				{ name: '附件1.jpg', type: 'image/jpeg', size: e.attachments[0].length },
				{ name: '附件2.pdf', type: 'application/pdf', size: e.attachments[1].length },
			],
			qf.receiptDerive(state.receipt) /* bound to its receipt (§6) */
		)
	);
	const out = H.run(H.ADMIN, ['ingest', '--archive', `${dir}/archive`, '--key', keyf.key, '--passphrase-file', keyf.pass, qfx]);
	assert.match(out, /1/);
	const shown = admin('show', 'd01-1', '--extract', `${dir}/x`);
	assert.ok(shown.includes('城关镇某村干部截留低保金'));
	for (const line of state.body.split('\n')) assert.ok(shown.includes(line), line);
	const files = readdirSync(`${dir}/x/d01-1`).sort();
	assert.equal(files.length, 2);
	assert.ok(!files.some((f) => /gps|doc/.test(f)), 'the original names were not sent');
	const pdf = readFileSync(`${dir}/x/d01-1/${files.find((f) => f.endsWith('附件2.pdf'))}`);
	assert.deepEqual(new Uint8Array(pdf), (await strip(new Uint8Array(readFileSync(`${H.FIXTURES}/doc.pdf`)), { load: stripLoad })).data);
	const jpg = readFileSync(`${dir}/x/d01-1/${files.find((f) => f.endsWith('附件1.jpg'))}`);
	const orig = readFileSync(`${H.FIXTURES}/gps.jpg`);
	for (const s of ['QFTESTCAM', 'QF-MODEL-9', 'QF-XMP-GPS', 'GPSLatitude', 'QF-IPTC-KEY', 'QF-COMMENT'])
		assert.ok(!jpg.includes(s), `${s} is gone from the JPEG`);
	assert.ok(!jpg.includes(Buffer.from([0x88, 0x25])), 'no GPS IFD tag');
	assert.deepEqual(new Uint8Array(jpg), stripJpeg(new Uint8Array(orig)).data);
	assert.equal(jpg[0], 0xff);
	assert.equal(jpg[jpg.length - 1], 0xd9);
});

test('reply and import: the status page shows status, delivery and the decrypted reply', async () => {
	admin('status', 'd01-1', 'accepted');
	state.reply = '已受理。感谢您的反映，我们正在核实。\nWe are looking into it <i>now</i>.';
	admin('reply', 'd01-1', '--message', state.reply);
	admin('update', '--out', `${dir}/u1.qfu`);
	await srv.stop();
	H.run(H.INTAKE, ['import', '--data', data, `${dir}/u1.qfu`]);
	srv = await H.startServer(data);
	await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: srv.url });
	await page.goto(`${srv.url}/status.html`);
	await page.waitForSelector('#status-form[data-ready]');
	// a mistyped receipt is caught here, before anything is sent
	await page.fill('#receipt-input', state.receipt.slice(0, -1) + (state.receipt.endsWith('A') ? 'B' : 'A'));
	await page.press('#receipt-input', 'Enter');
	await page.waitForSelector('#status-error:not([hidden])');
	assert.match(await page.textContent('#status-error'), /回执不正确/);
	// typed sloppily (lower case, spaces, O for 0): found
	const sloppy = state.receipt.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o');
	await page.fill('#receipt-input', sloppy);
	await page.keyboard.press('Enter');
	await page.waitForSelector('#status-view:not([hidden])');
	assert.equal(await page.textContent('#st-status'), '已受理');
	assert.equal(await page.getAttribute('#st-delivered', 'data-delivered'), '1');
	assert.match(await page.textContent('#st-delivered'), /已确认送达/);
	assert.equal(await page.textContent('.reply .reply-body'), state.reply);
	assert.equal(await page.$('.reply .reply-body i'), null, 'reply text is never parsed as HTML');
	assert.ok(await page.$('.reply .signed'), 'the district signature on the reply verifies');
	assert.equal(await page.$('.reply .unsigned'), null, 'no unsigned-reply warning');
	await check(page, 'status-zh');
});

test('a follow-up with an attachment from the status page arrives at the district', async () => {
	await page.check('#purpose-objection');
	await page.fill('#fu-body', '补充：转账记录截图见附件。');
	await page.setInputFiles('#att', [`${H.FIXTURES}/meta.png`]);
	await page.waitForSelector('.file-list li');
	assert.match(await page.textContent('.file-list'), /拍摄地点/);
	// the reporter keeps this file's original name on purpose
	assert.equal(await page.textContent('.file-list .fname'), '附件1.png');
	await page.check('#att-keep-0');
	assert.equal(await page.textContent('.file-list .fname'), 'meta.png');
	await page.click('#fu-form button[type=submit]');
	await page.waitForSelector('#fu-result:not([hidden])');
	assert.match(await page.textContent('#fu-result'), /登记编号 2/);
	await page.waitForFunction(() => document.querySelector('#st-followups').textContent === '1');
	assert.equal(await page.getAttribute('#st-delivered', 'data-delivered'), '0');
	const qfx = `${dir}/e2.qfx`;
	H.run(H.INTAKE, ['export', '--data', data, '--district', 'd01', '--out', qfx]);
	const entries = await H.openExport(qfx);
	const fu = entries.find((x) => x.kind === 'followup');
	assert.equal(fu.manifest.purpose, 'objection');
	const rk = qf.receiptDerive(state.receipt);
	assert.equal(fu.manifestText, qf.manifestFollowup('d01', rk.lookup, 'objection', '补充：转账记录截图见附件。', [
		{ name: 'meta.png', type: 'image/png', size: fu.attachments[0].length },
	], rk, fu.attachments), 'signed by the reporter (§6)');
	assert.deepEqual(fu.attachments[0], stripPng(new Uint8Array(readFileSync(`${H.FIXTURES}/meta.png`))).data);
	H.run(H.ADMIN, ['ingest', '--archive', `${dir}/archive`, '--passphrase-file', keyf.pass, qfx]);
	const shown = admin('show', 'd01-1');
	assert.ok(shown.includes('补充：转账记录截图见附件。'));
	assert.ok(!shown.includes('QUARANTINED'), 'the page\'s report and follow-up are clean');
});

test('English pages: a report, its receipt and the status', async () => {
	await page.goto(`${srv.url}/en/report.html`);
	await page.waitForSelector('#report-form[data-ready]');
	await page.fill('#title', 'Official keeps welfare money');
	await page.fill('#body', 'Details in English.');
	await page.check('#real_name');
	await page.fill('#id_name', 'Li Si');
	await page.fill('#id_phone', '13800000000');
	// a Word file: cleaned by the lazily loaded Office cleaner, sent as attachment-1.docx
	await page.setInputFiles('#att', [`${H.FIXTURES}/author.docx`]);
	await page.waitForSelector('.file-list li');
	assert.equal(await page.textContent('.file-list .fname'), 'attachment-1.docx');
	assert.match(await page.textContent('.file-list .meta'), /^Removed: .*author.*last modified by.*comment authors/);
	await check(page, 'report-en');
	await page.click('#report-form button[type=submit]');
	await page.waitForSelector('#receipt-view:not([hidden])');
	state.receiptEn = await page.getAttribute('#receipt', 'data-receipt');
	await check(page, 'receipt-en');
	await page.fill('#confirm-input', state.receiptEn.slice(-4));
	await page.press('#confirm-input', 'Enter');
	await page.waitForSelector('#rc-done:not([hidden])');
	await page.goto(`${srv.url}/en/status.html`);
	await page.waitForSelector('#status-form[data-ready]');
	await page.fill('#receipt-input', state.receipt);
	await page.press('#receipt-input', 'Enter');
	await page.waitForSelector('#status-view:not([hidden])');
	assert.equal(await page.textContent('#st-status'), 'Accepted');
	await check(page, 'status-en');
	const entries = await H.openExport((() => {
		const f = `${dir}/e3.qfx`;
		H.run(H.INTAKE, ['export', '--data', data, '--district', 'd01', '--out', f]);
		return f;
	})());
	const en = entries.find((x) => x.kind === 'report' && x.manifest.lang === 'en');
	assert.deepEqual(en.manifest.report.identity, { name: 'Li Si', phone: '13800000000', id_number: '', unit: '', address: '' });
	assert.deepEqual(en.manifest.attachments.map((a) => a.name), ['attachment-1.docx']);
	assert.deepEqual(en.attachments[0], (await strip(new Uint8Array(readFileSync(`${H.FIXTURES}/author.docx`)), { load: stripLoad })).data);
	assert.equal(state.errors.length, 0, state.errors.join('\n'));
});

test('no JavaScript: the /nojs/ pages file a text report and show its status', async () => {
	const nctx = await launch({ viewport: DESKTOP, javaScriptEnabled: false, locale: 'zh-CN' });
	try {
		const p = await nctx.newPage();
		p.setDefaultTimeout(T);
		await p.goto(`${srv.url}/report.html`);
		assert.ok(await p.isVisible('noscript >> text=无脚本版本') || (await p.content()).includes('nojs/'));
		await p.goto(`${srv.url}/nojs/`);
		assert.match(await p.textContent('.trust'), /信任服务器/);
		await p.click('a.button.primary');
		await p.waitForSelector('form[action="report"]');
		assert.ok((await p.textContent('.fps')).includes(H.KEYS.public.fingerprint));
		await p.fill('#title', '无脚本举报标题');
		await p.fill('#body', '无脚本正文\n第二行 <script>alert(1)</script>');
		// the no-JS form pads its choices to one length (issue 20 item 5)
		await p.selectOption('#category', await p.$eval('#category', (s) => [...s.options].find((o) => o.value.trim() === 'work').value));
		await p.fill('#subcategory', '形式主义、官僚主义');
		await Promise.all([p.waitForNavigation(), p.click('button[type=submit]')]);
		const receipt = (await p.textContent('.receipt')).trim();
		assert.equal(qf.receiptParse(receipt), receipt);
		assert.match(await p.textContent('main'), /测试区纪委监委/);
		state.nojsReceipt = receipt;
		await p.goto(`${srv.url}/nojs/`);
		await p.fill('#receipt', receipt.toLowerCase());
		await Promise.all([p.waitForNavigation(), p.click('form button[type=submit]')]);
		assert.match(await p.textContent('.status-word'), /已接收/);
		// and the reply of the JS report, read through the no-JS page
		await p.goto(`${srv.url}/nojs/en/`);
		await p.fill('#receipt', state.receipt);
		await Promise.all([p.waitForNavigation(), p.click('form button[type=submit]')]);
		assert.match(await p.textContent('.status-word'), /Accepted/);
		assert.equal(await p.textContent('.reply-body'), state.reply);
	} finally {
		await nctx.close();
	}
	const entries = await H.openExport((() => {
		const f = `${dir}/e4.qfx`;
		H.run(H.INTAKE, ['export', '--data', data, '--district', 'd01', '--out', f]);
		return f;
	})());
	const nj = entries.find((x) => x.kind === 'report' && x.manifest.report.title === '无脚本举报标题');
	// the server binds the report to the receipt it made (§6); the rest is the page's bytes
	assert.match(nj.manifestText, /^\{"v":1,"kind":"report","district":"d01","lang":"zh-CN","bind":\{"lookup":"[A-Za-z0-9_-]{43}","reply_pk":"[A-Za-z0-9_-]{43}","sign_pk":"[A-Za-z0-9_-]{43}"\},"report"/);
	assert.equal(
		nj.manifestText.replace(/,"bind":\{[^}]*\}/, ''),
		qf.manifestReport(
			{
				district: 'd01',
				lang: 'zh-CN',
				type: 'accusation',
				category: 'work',
				subcategory: '形式主义、官僚主义',
				title: '无脚本举报标题',
				body: '无脚本正文\n第二行 <script>alert(1)</script>',
				identity: null,
			},
			[]
		)
	);
});

test('the no-JS pages pass axe and are screenshotted in both languages', async () => {
	for (const [lang, base] of [
		['zh', '/nojs/'],
		['en', '/nojs/en/'],
	]) {
		await page.goto(`${srv.url}${base}`);
		await check(page, `nojs-${lang}`);
		await page.click('a.button.primary');
		await page.waitForSelector('form[action="report"]');
		// an empty form comes back with the reason and nothing lost
		await page.fill('#title', lang === 'zh' ? '只有标题' : 'Only a title');
		await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
		assert.ok(await page.isVisible('.error[role=alert]'));
		assert.equal(await page.inputValue('#title'), lang === 'zh' ? '只有标题' : 'Only a title');
		await check(page, `nojs-report-${lang}`);
		await page.fill('#body', lang === 'zh' ? '正文' : 'Body');
		await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
		await page.waitForSelector('.receipt');
		await check(page, `nojs-receipt-${lang}`);
		await page.goto(`${srv.url}${base}`);
		await page.fill('#receipt', state.receipt);
		await Promise.all([page.waitForNavigation(), page.click('form button[type=submit]')]);
		await page.waitForSelector('.status-word');
		await check(page, `nojs-status-${lang}`);
	}
});

test('the server kept no trace of the browser', () => {
	assert.ok(!/HeadlessChrome|Mozilla/.test(srv.log()), 'server log');
	const r = spawnSync('grep', ['-rlaE', 'HeadlessChrome|Mozilla/5', data], { encoding: 'utf8' });
	assert.equal(r.status, 1, `user agent found in ${r.stdout}`);
});

/* Alters a built file the way an attacker on the server would: the file and
 * its pre-compressed copies (which the server sends when the browser asks),
 * so that the browser gets the altered bytes whatever encoding it takes. */
function alterServed(path, text) {
	appendFileSync(path, text);
	const body = readFileSync(path);
	if (existsSync(`${path}.gz`)) writeFileSync(`${path}.gz`, gzipSync(body));
	if (existsSync(`${path}.br`)) writeFileSync(`${path}.br`, brotliCompressSync(body));
}

test('a script that does not match its integrity hash is not run', async () => {
	const root = `${dir}/web-altered`;
	cpSync(`${H.BIN}/../web`, root, { recursive: true });
	alterServed(`${root}/js/report.js`, '\nwindow.qfAltered = 1;\n');
	const d2 = `${dir}/data2`;
	H.newData(d2, { pow_difficulty: 8, web_root: root });
	const s2 = await H.startServer(d2);
	const p = await ctx.newPage();
	try {
		const refused = p.waitForEvent('console', (m) => m.type() === 'error' && /integrity/i.test(m.text()));
		await p.goto(`${s2.url}/report.html`);
		await refused;
		assert.equal(await p.evaluate(() => window.qfAltered), undefined);
		assert.ok(await p.isHidden('#report-form'));
	} finally {
		await p.close();
		await s2.stop();
	}
});

test('an altered PDF cleaner (loaded only when a PDF is chosen) is not run: the PDF is refused, not sent uncleaned', async () => {
	const root = `${dir}/web-altered-chunk`;
	cpSync(`${H.BIN}/../web`, root, { recursive: true });
	alterServed(`${root}/js/strip-pdf.js`, '\nwindow.qfAltered = 1;\n');
	const d3 = `${dir}/data-altered-chunk`;
	H.newData(d3, { pow_difficulty: 8, web_root: root });
	const s3 = await H.startServer(d3);
	const p = await ctx.newPage();
	try {
		await p.goto(`${s3.url}/report.html`);
		await p.waitForSelector('#report-form[data-ready]');
		await p.setInputFiles('#att', [`${H.FIXTURES}/author.pdf`]);
		await p.waitForSelector('.file-error:not([hidden])');
		assert.match(await p.textContent('.file-error'), /无法删除“author\.pdf”中的元数据/);
		assert.equal(await p.evaluate(() => window.qfAltered), undefined);
		assert.equal(await p.$$eval('.file-list li', (l) => l.length), 0);
	} finally {
		await p.close();
		await s3.stop();
	}
});

test('an altered libsodium file (shared by the page and the worker) is refused: no crypto runs, nothing can be sent', async () => {
	const root = `${dir}/web-altered-sodium`;
	cpSync(`${H.BIN}/../web`, root, { recursive: true });
	alterServed(`${root}/js/sodium.js`, '\nglobalThis.qfAltered = 1;\n');
	const d4 = `${dir}/data-altered-sodium`;
	H.newData(d4, { pow_difficulty: 8, web_root: root });
	const s4 = await H.startServer(d4);
	const p = await ctx.newPage();
	const workers = [];
	p.on('worker', (w) => workers.push(w));
	try {
		const refused = p.waitForEvent('console', (m) => m.type() === 'error' && /integrity/i.test(m.text()));
		await p.goto(`${s4.url}/report.html`);
		await refused;
		await p.waitForTimeout(1000);
		assert.equal(await p.evaluate(() => globalThis.qfAltered), undefined);
		assert.ok(await p.isHidden('#report-form'), 'the form is offered');
		assert.equal(workers.length, 0, 'a worker was started');
		await p.goto(`${s4.url}/status.html`);
		await p.waitForTimeout(1500);
		assert.equal(await p.evaluate(() => globalThis.qfAltered), undefined);
		assert.equal(await p.$('#status-form[data-ready]'), null, 'the status page runs');
	} finally {
		await p.close();
		await s4.stop();
	}
});

test('an altered proof-of-work worker is not run: the report is not sent', async () => {
	const root = `${dir}/web-altered-worker`;
	cpSync(`${H.BIN}/../web`, root, { recursive: true });
	/* the altered worker marks itself and never answers */
	alterServed(`${root}/js/pow-worker.js`, '\nself.qfAltered = 1;\nself.onmessage = () => {};\n');
	const d5 = `${dir}/data-altered-worker`;
	H.newData(d5, { pow_difficulty: 8, web_root: root });
	const s5 = await H.startServer(d5);
	const p = await ctx.newPage();
	const workers = [];
	p.on('worker', (w) => workers.push(w));
	try {
		await p.goto(`${s5.url}/en/report.html`);
		await p.waitForSelector('#report-form[data-ready]');
		await p.fill('#title', 'altered worker');
		await p.fill('#body', 'altered worker');
		await p.click('#report-form button[type=submit]');
		await p.waitForSelector('#form-error:not(:empty)', { timeout: 15000 }).catch(() => {});
		for (const w of workers) assert.equal(await w.evaluate(() => self.qfAltered).catch(() => undefined), undefined, 'the altered worker ran');
		assert.ok(await p.isHidden('#receipt-view'), 'a receipt is shown');
		assert.match(await p.textContent('#form-error'), /\S/);
	} finally {
		await p.close();
		await s5.stop();
	}
});

test('several districts: the pages offer a choice and show each fingerprint', async () => {
	const d3 = `${dir}/data3`;
	H.newData(d3, { pow_difficulty: 8 });
	const two = H.KEYS.more_fingerprints.find((f) => f.id === 'd02');
	writeFileSync(`${dir}/d02.pub.json`, JSON.stringify({ type: 'qingfeng-district-public', v: 1, id: 'd02', name: '第二区纪委监委', box_pk: two.box_pk, sign_pk: two.sign_pk, fingerprint: two.fingerprint }));
	H.run(H.INTAKE, ['district', 'add', '--data', d3, `${dir}/d02.pub.json`]);
	const s3 = await H.startServer(d3);
	const p = await ctx.newPage();
	try {
		await p.goto(`${s3.url}/report.html`);
		await p.waitForSelector('#report-form[data-ready]');
		assert.equal(await p.textContent('#fp'), H.KEYS.public.fingerprint);
		await p.selectOption('#district', 'd02');
		assert.equal(await p.textContent('#fp'), two.fingerprint);
		await axe(p, 'report with two districts');
		await p.goto(`${s3.url}/nojs/report`);
		assert.deepEqual(await p.$$eval('#district option', (o) => o.map((x) => x.value)), ['d01', 'd02']);
		assert.ok((await p.textContent('.fps')).includes(two.fingerprint));
		await axe(p, 'no-JS form with two districts');
	} finally {
		await p.close();
		await s3.stop();
	}
});

test('without WebAssembly (Tor Browser "Safer") the pages say so and point to /nojs/', async () => {
	const wctx = await launch({ viewport: DESKTOP });
	try {
		// what javascript.options.wasm=false does in Firefox: no WebAssembly object
		await wctx.addInitScript(() => {
			delete globalThis.WebAssembly;
		});
		const p = await wctx.newPage();
		p.setDefaultTimeout(T);
		await p.goto(`${srv.url}/report.html`);
		await p.waitForSelector('#info-msg .error a[href$="nojs/"]');
		assert.match(await p.textContent('#info-msg'), /WebAssembly/);
		assert.ok(await p.isHidden('#report-form'));
		await p.goto(`${srv.url}/en/status.html`);
		await p.waitForSelector('main .error a[href$="nojs/en/"]');
		assert.ok(await p.isHidden('#status-form'));
	} finally {
		await wctx.close();
	}
});
