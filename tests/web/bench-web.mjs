// A measurement, not a test (no assertion on time): in headless chromium
// against the real server on 127.0.0.1,
//   - proof-of-work at the default difficulty (18) in the page's Web
//     Worker, over several small reports;
//   - encrypting and sending a report with a 16 MiB attachment: the bytes
//     the write's request body carried, and the time to upload them.
// Usage: QF_BIN=build/bin node tests/web/bench-web.mjs [runs]
import { writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { launch } from './browser.mjs';
import * as H from './harness.mjs';

const RUNS = Number(process.argv[2] || 8);
const dir = H.tmp('qfbench-');
const data = `${dir}/data`;
H.newData(data, { pow_difficulty: 18 });
const srv = await H.startServer(data);
const ctx = await launch({ viewport: { width: 1280, height: 900 } });
const page = await ctx.newPage();
page.setDefaultTimeout(600000);
let lastUpload = 0; // the body bytes of the last write
page.on('request', (r) => {
	if (r.method() === 'POST' && /\/api\/v1\/(reports|followups)$/.test(r.url())) {
		const b = r.postDataBuffer();
		lastUpload = b ? b.length : Number(r.headers()['content-length'] || 0);
	}
});

async function report(files) {
	await page.goto(`${srv.url}/en/report.html`);
	await page.waitForSelector('#report-form[data-ready]');
	await page.fill('#title', 'bench');
	await page.fill('#body', 'bench');
	if (files) {
		await page.setInputFiles('#att', files);
		await page.waitForSelector('.file-list li');
	}
	const t0 = Date.now();
	await page.click('#report-form button[type=submit]');
	await page.waitForSelector('#receipt-view:not([hidden])');
	const wall = Date.now() - t0;
	const t = await page.evaluate(() => window.qfTimings);
	t.upload_bytes = lastUpload;
	await page.fill('#confirm-input', (await page.getAttribute('#receipt', 'data-receipt')).slice(-4));
	await page.press('#confirm-input', 'Enter');
	return { ...t, wall };
}

const pow = [];
for (let i = 0; i < RUNS; i++) pow.push(await report(null));
const big = `${dir}/16MiB.bin`;
writeFileSync(big, randomBytes(16 * 1024 * 1024));
const large = [];
for (let i = 0; i < 3; i++) large.push(await report([big]));
await ctx.close();
await srv.stop();
H.cleanup(dir);

const ms = (xs) => xs.map((x) => Math.round(x));
const mean = (xs) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);
const powMs = pow.map((t) => t.pow);
console.log(JSON.stringify({
	chromium: 'headless, Debian package',
	pow_difficulty: pow[0].difficulty,
	pow_runs_ms: ms(powMs),
	pow_mean_ms: mean(powMs),
	pow_min_ms: Math.round(Math.min(...powMs)),
	pow_max_ms: Math.round(Math.max(...powMs)),
	attachment_16MiB: large.map((t) => ({
		seal_ms: Math.round(t.seal),
		pow_ms: Math.round(t.pow),
		pow_difficulty: t.difficulty,
		upload_bytes: t.upload_bytes,
		upload_and_store_ms: Math.round(t.send),
		click_to_receipt_ms: t.wall,
		encrypt_and_send_ms: Math.round(t.wall - t.pow),
	})),
}, null, 1));
