// A measurement, not a test (`make bench-web`): the report and status pages
// over a Tor-like link in headless chromium against the real server on
// 127.0.0.1 (CDP: 1.5 Mbit/s down, 0.5 Mbit/s up, 600 ms round trip; CPU 4x
// slower), difficulty 18, no cache (the server says no-store). Prints, per
// scenario, the bytes transferred (encoded, i.e. as sent over the wire) and
// the time from navigation to the usable form and to the result, and the
// page's own send timings (window.qfTimings: seal, pow, send in ms; early:
// the proof-of-work solved while the form was filled was used). Bytes are
// counted per request: response body as sent plus headers (playwright's
// requestfinished). A dedicated worker's own fetches are a separate target
// that neither this nor the page's CDP session sees or throttles; since
// issue 19 the page fetches the worker and libsodium itself (web/js/send.js),
// so nothing escapes the count. The 5 MiB photo is a real JPEG (QF_BENCH_NO_PHOTO=1
// skips it: its upload alone takes about 90 s at 0.5 Mbit/s).
// Usage: QF_BIN=build/bin node tests/web/bench-slow.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { launch } from './browser.mjs';
import * as H from './harness.mjs';

const dir = H.tmp('qfbench-');
const data = `${dir}/data`;
H.newData(data, { pow_difficulty: 18 });
const srv = await H.startServer(data);
const ctx = await launch({ viewport: { width: 1280, height: 900 } });
const photo = `${dir}/photo.jpg`;
{
	// a real JPEG (the fixture gps.jpg) grown to 5 MiB inside its image data:
	// random bytes with no 0xff (no marker), before the end marker, so that
	// the page's metadata cleaner (web/js/metastrip.js) accepts it and sends
	// 5 MiB (a file of random bytes is refused there: not a JPEG)
	const jpg = readFileSync(`${H.FIXTURES}/gps.jpg`);
	if (jpg[jpg.length - 2] !== 0xff || jpg[jpg.length - 1] !== 0xd9) throw new Error('gps.jpg does not end with EOI');
	const fill = randomBytes(5 * 1024 * 1024 - jpg.length).map((b) => (b === 0xff ? 0xfe : b));
	writeFileSync(photo, Buffer.concat([jpg.subarray(0, -2), fill, jpg.subarray(-2)]));
}

async function throttled() {
	const page = await ctx.newPage();
	page.setDefaultTimeout(900000);
	const cdp = await ctx.newCDPSession(page);
	await cdp.send('Network.enable');
	await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
	await cdp.send('Network.emulateNetworkConditions', {
		offline: false,
		latency: 600,
		downloadThroughput: (1.5e6 / 8) | 0,
		uploadThroughput: (0.5e6 / 8) | 0,
	});
	await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
	const m = { bytes: 0, requests: 0 }; // one page at a time: all the context's requests are its
	const count = async (req) => {
		const sz = await req.sizes();
		m.bytes += sz.responseBodySize + sz.responseHeadersSize;
		m.requests++;
	};
	ctx.on('requestfinished', count);
	page.on('close', () => ctx.off('requestfinished', count));
	return { page, m };
}

let receipt;
async function reportRun(file) {
	const { page, m } = await throttled();
	const t0 = Date.now();
	await page.goto(`${srv.url}/en/report.html`);
	await page.waitForSelector('#report-form[data-ready]');
	const usable = { ms: Date.now() - t0, bytes: m.bytes };
	await page.fill('#title', 'bench');
	await page.fill('#body', 'bench');
	if (file) {
		await page.setInputFiles('#att', [file]);
		await page.waitForSelector('.file-list li');
	}
	await page.click('#report-form button[type=submit]');
	await page.waitForSelector('#receipt-view:not([hidden])');
	const done = { ms: Date.now() - t0, bytes: m.bytes, requests: m.requests };
	receipt = await page.getAttribute('#receipt', 'data-receipt');
	const timings = await page.evaluate(() => window.qfTimings);
	await page.close();
	return { usable, receipt: done, timings };
}

async function statusRun() {
	const { page, m } = await throttled();
	const t0 = Date.now();
	await page.goto(`${srv.url}/en/status.html`);
	await page.waitForSelector('#status-form[data-ready]');
	const usable = { ms: Date.now() - t0, bytes: m.bytes };
	await page.fill('#receipt-input', receipt);
	await page.press('#receipt-input', 'Enter');
	await page.waitForSelector('#status-view:not([hidden])');
	const done = { ms: Date.now() - t0, bytes: m.bytes };
	await page.close();
	return { usable, status_shown: done };
}

// each figure is printed as soon as it is measured
console.log(JSON.stringify({ link: '1.5 Mbit/s down, 0.5 Mbit/s up, 600 ms RTT, CPU x4, difficulty 18' }));
console.log(JSON.stringify({ text_report: await reportRun(null) }));
console.log(JSON.stringify({ status: await statusRun() }));
if (!process.env.QF_BENCH_NO_PHOTO) console.log(JSON.stringify({ photo_5MiB_report: await reportRun(photo) }));
await ctx.close();
await srv.stop();
H.cleanup(dir);
