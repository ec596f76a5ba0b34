// Routing to the level above (docs/DESIGN.md §14) and the district's signed
// case statements (§15) in Debian's chromium against the real server: the
// report page says, before anything is encrypted, which commission will read
// a report about a county-level cadre and why, with the parent's
// fingerprint, and lets the reporter keep the district; the routed report
// reaches the city (which reads it with its own key) naming the district it
// concerns; the status page shows the district's signed word, and a
// deliberately lying server (tests/tools/lying-server.mjs) that hides a
// reply, shows a false status or a statement signed by another key gets a
// loud warning. Screenshots go to $QF_SCREENSHOTS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { launch } from './browser.mjs';
import * as H from './harness.mjs';
import * as qf from '../../web/js/qf-crypto.js';

const SHOTS = process.env.QF_SCREENSHOTS || `${H.BIN}/../screenshots`;
const AXE = readFileSync(`${H.ROOT}/node_modules/axe-core/axe.min.js`, 'utf8');
const T = 60000;
let dir, data, keyf, srv, ctx, page;
const state = {};

function admin(archive, pass, ...args) {
	return H.run(H.ADMIN, [...args, '--archive', archive, '--passphrase-file', pass]);
}

async function axe(p, name) {
	await p.evaluate(AXE);
	const r = await p.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
	assert.deepEqual(r.violations.map((x) => x.id), [], `axe violations on ${name}`);
}

async function shot(p, name) {
	mkdirSync(SHOTS, { recursive: true });
	await p.evaluate(() => document.activeElement && document.activeElement.blur());
	await p.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

// The lying proxy in front of the server; resolves {url, stop()}.
function liar(mode, ...extra) {
	return new Promise((resolve, reject) => {
		const port = new URL(srv.url).port;
		const p = spawn('node', [`${H.ROOT}/tests/tools/lying-server.mjs`, port, mode, ...extra], { stdio: ['ignore', 'pipe', 'inherit'] });
		p.stdout.once('data', (d) => resolve({ url: `http://127.0.0.1:${String(d).trim()}`, stop: () => p.kill() }));
		p.on('error', reject);
	});
}

async function fileReport(level, keep) {
	await page.goto(`${srv.url}/report.html`);
	await page.waitForSelector('#report-form[data-ready]');
	await page.selectOption('#district', 'd01');
	await page.fill('#title', keep ? '留在本区的举报' : '区委某领导收受礼金');
	await page.fill('#body', '正文：某领导收受礼金。');
	await page.selectOption('#subject_level', level);
	if (level === 'county') {
		await page.waitForSelector('#route-box:not([hidden])');
		if (keep) await page.check('#keep-district');
	}
	await page.click('#report-form button[type=submit]');
	await page.waitForSelector('#receipt-view:not([hidden])');
	return page.getAttribute('#receipt', 'data-receipt');
}

before(async () => {
	await qf.ready;
	dir = H.tmp();
	data = `${dir}/data`;
	H.newData(data, { pow_difficulty: 8, status_per_minute: 1000 });
	keyf = H.districtKey(dir);
	writeFileSync(`${dir}/cpass`, 'the city passphrase for tests\n', { mode: 0o600 });
	H.run(H.ADMIN, ['keygen', '--district', 'c01', '--name', '测试市纪委监委', '--out', `${dir}/c01`, '--kdf', 'interactive', '--passphrase-file', `${dir}/cpass`]);
	H.run(H.INTAKE, ['district', 'add', '--data', data, `${dir}/c01/district.pub.json`, '--level', 'city']);
	H.run(H.INTAKE, ['district', 'set', '--data', data, 'd01', '--parent', 'c01']);
	state.cityFp = JSON.parse(readFileSync(`${dir}/c01/district.pub.json`, 'utf8')).fingerprint;
	srv = await H.startServer(data);
	ctx = await launch({ viewport: { width: 1280, height: 860 }, locale: 'zh-CN' });
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

test('routing: the page says where a report about a county-level cadre goes, and why', async () => {
	await page.goto(`${srv.url}/report.html`);
	await page.waitForSelector('#report-form[data-ready]');
	await page.selectOption('#district', 'd01');
	assert.ok(await page.$('#route-box[hidden]'), 'no routing note for other levels');
	await page.selectOption('#subject_level', 'county');
	await page.waitForSelector('#route-box:not([hidden])');
	const text = await page.textContent('#route-box');
	assert.match(text, /依照干部管理权限/);
	assert.match(text, /测试市纪委监委/);
	assert.equal(await page.textContent('#route-fp'), state.cityFp, "the parent's fingerprint, recomputed");
	await page.fill('#title', '区委某领导收受礼金');
	await page.fill('#body', '正文：某领导收受礼金。');
	await axe(page, 'routing step');
	await page.locator('#route-box').screenshot({ path: `${(mkdirSync(SHOTS, { recursive: true }), SHOTS)}/routing-step-zh.png` });
	await page.selectOption('#subject_level', 'township');
	assert.ok(await page.$('#route-box[hidden]'), 'the note goes with the level');
});

test('routing: the routed report reaches the city, naming the district; kept ones stay', async () => {
	state.routed = await fileReport('county', false);
	assert.match(await page.textContent('#rc-district'), /测试市纪委监委 \(c01\)/);
	assert.match(await page.textContent('#rc-routed'), /依照干部管理权限/);
	await shot(page, 'receipt-routed-zh');
	state.kept = await fileReport('county', true);
	assert.match(await page.textContent('#rc-district'), /\(d01\)/);
	assert.ok(await page.$('#rc-routed[hidden]'));
	// the city reads the routed report with its own key
	H.run(H.INTAKE, ['export', '--data', data, '--district', 'c01', '--out', `${dir}/c.qfx`]);
	H.run(H.ADMIN, ['ingest', '--archive', `${dir}/carch`, '--key', `${dir}/c01/district.key`, '--passphrase-file', `${dir}/cpass`, `${dir}/c.qfx`]);
	const shown = admin(`${dir}/carch`, `${dir}/cpass`, 'show', 'c01-1');
	assert.match(shown, /区委某领导收受礼金/);
	assert.match(shown, /oncerns.*d01/);
	// the kept one is the district's, without "concerns"
	H.run(H.INTAKE, ['export', '--data', data, '--district', 'd01', '--out', `${dir}/d.qfx`]);
	const entries = await H.openExport(`${dir}/d.qfx`);
	assert.equal(entries.length, 1);
	assert.equal(entries[0].manifest.report.title, '留在本区的举报');
	assert.equal(entries[0].manifest.report.concerns, undefined);
	assert.equal(state.errors.length, 0, state.errors.join('\n'));
});

test("status: the district's signed word, and a lying server's loud warning", async () => {
	// the district answers twice (two updates), so hiding and reordering show
	const arch = `${dir}/darch`;
	H.run(H.ADMIN, ['ingest', '--archive', arch, '--key', keyf.key, '--passphrase-file', keyf.pass, `${dir}/d.qfx`]);
	for (const n of [1, 2]) {
		admin(arch, keyf.pass, 'reply', 'd01-1', '--message', `答复${n}`);
		admin(arch, keyf.pass, 'update', '--out', `${dir}/u${n}.qfu`);
		H.run(H.INTAKE, ['import', '--data', data, `${dir}/u${n}.qfu`]);
	}
	const open = async (base) => {
		await page.goto(`${base}/status.html`);
		await page.waitForSelector('#status-form[data-ready]');
		await page.fill('#receipt-input', state.kept);
		await page.press('#receipt-input', 'Enter');
		await page.waitForSelector('#status-view:not([hidden])');
	};
	await open(srv.url);
	assert.match(await page.textContent('.signed-statement'), /已收到并核验您的举报/);
	assert.match(await page.textContent('.signed-statement'), /答复 2 条/);
	assert.equal(await page.$('.statement-warning'), null);
	await axe(page, 'status with a statement');
	await shot(page, 'status-signed-zh');
	for (const [mode, re, name] of [
		['drop-reply', /隐瞒了答复/, 'status-lying-zh'],
		['swap-reply', /不一致/, null],
		['status=concluded', /状态是假的/, null],
		['foreign-key', /没有通过签名验证/, null],
	]) {
		const l = await liar(mode);
		try {
			await open(l.url);
			await page.waitForSelector('.statement-warning');
			assert.equal(await page.getAttribute('.statement-warning', 'role'), 'alert');
			assert.match(await page.textContent('.statement-warning'), re, mode);
			if (name) {
				await axe(page, `lying server (${mode})`);
				await shot(page, name);
			}
		} finally {
			l.stop();
		}
	}
	// a report the district has not signed anything on: the server's word, said so
	await page.goto(`${srv.url}/status.html`);
	await page.waitForSelector('#status-form[data-ready]');
	await page.fill('#receipt-input', state.routed);
	await page.press('#receipt-input', 'Enter');
	await page.waitForSelector('#status-view:not([hidden])');
	assert.match(await page.textContent('#st-statement'), /尚未对本案签名/);
	assert.equal(state.errors.length, 0, state.errors.join('\n'));
});

// Issue 20 item 4: a hostile server lists a look-alike district (d01's name,
// its own keys) and says the case is its: with the receipt file's
// fingerprint, the page must refuse to call its forged reply verified and
// refuse to seal a follow-up to it; without one, it shows the fingerprint.
test('status: a look-alike district is caught by the receipt file\'s fingerprint', async () => {
	const d01 = (await (await fetch(`${srv.url}/api/v1/info`)).json()).districts.find((d) => d.id === 'd01');
	const file = `清风举报回执 / Qingfeng receipt\n\n    ${state.kept}\n\n区纪委监委编号 / Commission id: d01\n公钥指纹 / Key fingerprint: ${d01.fingerprint}\n`;
	const l = await liar('lookalike', state.kept);
	try {
		await page.goto(`${l.url}/status.html`);
		await page.waitForSelector('#status-form[data-ready]');
		await page.fill('#receipt-input', state.kept);
		await page.press('#receipt-input', 'Enter');
		await page.waitForSelector('#status-view:not([hidden])');
		// the attack, today: the forged reply is called verified
		assert.equal(await page.$$eval('.reply .signed', (x) => x.length), 1, 'the look-alike signed it');
		// no receipt file: the fingerprint it would verify and seal to, shown plainly
		const shown = await page.textContent('#fu-fp');
		assert.notEqual(shown, d01.fingerprint, 'the look-alike\'s fingerprint is shown as is');
		assert.match(shown, /^[0-9a-f]{4}( [0-9a-f]{4}){7}$/);
		// the receipt file opened: the loud warning and both refusals
		await page.setInputFiles('#receipt-file', { name: 'qingfeng-receipt.txt', mimeType: 'text/plain', buffer: Buffer.from(file) });
		await page.waitForSelector('#status-view:not([hidden]) .district-warning');
		assert.equal(await page.getAttribute('.district-warning', 'role'), 'alert');
		assert.match(await page.textContent('.district-warning'), new RegExp(d01.fingerprint));
		assert.equal(await page.$$eval('.reply .signed', (x) => x.length), 0, 'the forged reply is not called verified');
		assert.equal(await page.$$eval('.signed-statement', (x) => x.length), 0, 'nor its statement');
		await page.fill('#fu-body', '补充：还有一笔礼金。');
		await page.click('#fu-form button[type=submit]');
		await page.waitForSelector('#fu-error:not([hidden])');
		assert.match(await page.textContent('#fu-error'), /指纹/);
		const opened = await (await fetch(`${l.url}/liar/opened`)).json();
		assert.deepEqual(opened, [], 'no follow-up sealed to the look-alike');
		await shot(page, 'status-lookalike-zh');
		// the whole receipt file pasted in the receipt box does the same
		await page.goto(`${l.url}/status.html`);
		await page.waitForSelector('#status-form[data-ready]');
		await page.fill('#receipt-input', file);
		await page.press('#receipt-input', 'Enter');
		await page.waitForSelector('#status-view:not([hidden]) .district-warning');
		assert.equal(await page.$$eval('.reply .signed', (x) => x.length), 0);
	} finally {
		l.stop();
	}
	// the honest server, the same file: no warning, the reply verified
	await page.goto(`${srv.url}/status.html`);
	await page.waitForSelector('#status-form[data-ready]');
	await page.fill('#receipt-input', file);
	await page.press('#receipt-input', 'Enter');
	await page.waitForSelector('#status-view:not([hidden])');
	assert.equal(await page.$('.district-warning'), null);
	assert.equal(await page.textContent('#fu-fp'), d01.fingerprint);
	assert.ok((await page.$$eval('.reply .signed', (x) => x.length)) > 0);
	assert.equal(state.errors.length, 0, state.errors.join('\n'));
});
