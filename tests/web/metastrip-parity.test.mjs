// The reporter CLI cleans images with the same rules as the page: its C
// stripper (report/metastrip.c, run through build/tests/tools/metastrip) and
// web/js/metastrip.js give the same bytes for every image fixture and for
// hundreds of cut and corrupted variants of them, and refuse the same files.
// Both are built from one allow-list, web/js/metastrip-allow.js.
// Needs QF_BIN (the built binaries' bin/; the tool is in ../tests/tools/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as M from '../../web/js/metastrip.js';
import * as A from '../../web/js/metastrip-allow.js';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const TOOL = resolve(process.env.QF_BIN || join(ROOT, 'build/bin'), '../tests/tools/metastrip');
const fx = (n) => new Uint8Array(readFileSync(new URL(`./fixtures/${n}`, import.meta.url)));
const IMAGES = ['gps.jpg', 'phone.jpg', 'meta.png', 'phone.png', 'phone.webp'];

let dir;
before(() => {
	assert.ok(existsSync(TOOL), `${TOOL} is built (make all)`);
	dir = mkdtempSync(join(tmpdir(), 'qf-parity-'));
});
after(() => dir && rmSync(dir, { recursive: true, force: true }));

// The C stripper's answer: {data} or {error: 'format' | 'kind'}.
function cStrip(b) {
	const inp = join(dir, 'in');
	const out = join(dir, 'out');
	writeFileSync(inp, b);
	rmSync(out, { force: true });
	const r = spawnSync(TOOL, [inp, out], { encoding: 'utf8' });
	if (r.status === 0) return { data: new Uint8Array(readFileSync(out)) };
	if (r.status === 1) return { error: 'format', why: r.stderr.trim() };
	if (r.status === 3) return { error: 'kind' };
	throw new Error(`metastrip tool failed (${r.status}, ${r.signal}): ${r.stderr}`);
}

// The page's answer, in the same shape; anything but a StripError is a bug.
function jsStrip(b) {
	const kind = M.sniff(b);
	if (!['jpeg', 'png', 'webp'].includes(kind)) return { error: 'kind' };
	try {
		return { data: M.stripImage(b).data };
	} catch (e) {
		assert.equal(e.code, 'strip_failed', `metastrip.js threw ${e}`);
		return { error: 'format', why: e.message };
	}
}

function same(b, what) {
	const c = cStrip(b);
	const j = jsStrip(b);
	if (j.data && c.data) assert.ok(Buffer.from(j.data).equals(Buffer.from(c.data)), `${what}: same bytes`);
	else assert.deepEqual([c.error, !!c.data], [j.error, !!j.data], `${what}: both refuse or both clean (C: ${c.why}, JS: ${j.why})`);
	return j;
}

// a small repeatable random source (mulberry32)
function rng(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

test('every image fixture: the CLI and the page give the same bytes, and they differ from the original', () => {
	for (const n of IMAGES) {
		const orig = fx(n);
		const r = same(orig, n);
		assert.ok(r.data, `${n} is cleaned`);
		assert.ok(!Buffer.from(r.data).equals(Buffer.from(orig)), `${n} changed`);
		same(r.data, `${n} cleaned again`);
	}
});

test('cut files: refused by both, or cleaned to the same bytes', () => {
	for (const n of IMAGES) {
		const orig = fx(n);
		const step = Math.max(1, Math.floor(orig.length / 80));
		for (let k = 0; k < orig.length; k += step) same(orig.subarray(0, k), `${n} cut at ${k}`);
		for (let k = 1; k < 12; k++) same(orig.subarray(0, orig.length - k), `${n} without its last ${k} bytes`);
	}
});

test('corrupted files (lengths, markers, Exif, chunk types): refused by both, or cleaned to the same bytes', () => {
	let cleaned = 0;
	let refused = 0;
	for (const n of IMAGES) {
		const orig = fx(n);
		const rand = rng(0x51f0 + n.length);
		for (let k = 0; k < 120; k++) {
			const b = orig.slice();
			const flips = 1 + Math.floor(rand() * 3);
			for (let f = 0; f < flips; f++) {
				// mostly in the first 4 KiB, where the metadata and headers are
				const span = rand() < 0.8 ? Math.min(b.length, 4096) : b.length;
				b[2 + Math.floor(rand() * (span - 2))] = rand() < 0.3 ? 0xff : Math.floor(rand() * 256);
			}
			const r = same(b, `${n} variant ${k}`);
			if (r.data) cleaned++;
			else refused++;
		}
	}
	// the variants exercise both paths
	assert.ok(cleaned > 60 && refused > 60, `cleaned ${cleaned}, refused ${refused}`);
});

test('orientation: every value, both byte orders, in a JPEG and a PNG', () => {
	const exif = (le, v, extra = []) => {
		const t = Buffer.alloc(26 + extra.length);
		const w16 = (o, x) => (le ? t.writeUInt16LE(x, o) : t.writeUInt16BE(x, o));
		const w32 = (o, x) => (le ? t.writeUInt32LE(x, o) : t.writeUInt32BE(x, o));
		t.write(le ? 'II' : 'MM', 0, 'latin1');
		w16(2, 42);
		w32(4, 8);
		w16(8, 1);
		w16(10, 0x0112);
		w16(12, 3);
		w32(14, 1);
		w16(18, v);
		w32(22, 0);
		Buffer.from(extra).copy(t, 26);
		return t;
	};
	const jpeg = M.stripJpeg(fx('gps.jpg')).data;
	const png = M.stripPng(fx('meta.png')).data;
	const ihdrEnd = 8 + 25;
	for (const le of [true, false])
		for (let v = 0; v <= 9; v++) {
			const seg = Buffer.concat([Buffer.from([0xff, 0xe1, 0, 0]), Buffer.from('Exif\0\0', 'latin1'), exif(le, v)]);
			seg.writeUInt16BE(seg.length - 2, 2);
			const j = same(Buffer.concat([jpeg.subarray(0, 2), seg, jpeg.subarray(2)]), `JPEG orientation ${v} ${le ? 'LE' : 'BE'}`);
			assert.equal(j.data.length > 0, true);
			const body = exif(le, v);
			const chunk = Buffer.alloc(12 + body.length);
			chunk.writeUInt32BE(body.length, 0);
			chunk.write('eXIf', 4, 'latin1');
			body.copy(chunk, 8);
			same(Buffer.concat([png.subarray(0, ihdrEnd), chunk, png.subarray(ihdrEnd)]), `PNG eXIf orientation ${v} ${le ? 'LE' : 'BE'}`);
		}
});

test('the allow-list is the one file both read', () => {
	// the C header the build made from it holds exactly its lists
	// (build/gen/ for build/bin and build/san/bin alike)
	const bin = resolve(process.env.QF_BIN || join(ROOT, 'build/bin'));
	const gen = [resolve(bin, '../gen'), resolve(bin, '../../gen')].find((d) => existsSync(join(d, 'metastrip_allow.h')));
	assert.ok(gen, 'the generated header is there');
	const h = readFileSync(join(gen, 'metastrip_allow.h'), 'utf8');
	const list = (name) => /\{([^}]*)\}/.exec(h.slice(h.indexOf(name)))[1];
	assert.deepEqual(list('metastrip_jpeg_keep').split(',').map((s) => Number(s.trim())), A.JPEG_KEEP);
	assert.deepEqual(JSON.parse(`[${list('metastrip_png_keep')}]`), A.PNG_KEEP);
	assert.deepEqual(JSON.parse(`[${list('metastrip_webp_keep')}]`), A.WEBP_KEEP);
	// and metastrip.js has no list of its own
	const js = readFileSync(join(ROOT, 'web/js/metastrip.js'), 'utf8');
	assert.ok(!/new Set\(\[\s*0xdb/.test(js) && !/new Set\(\['IHDR'/.test(js) && !/new Set\(\['VP8/.test(js));
});

test('large metadata (a 300 KB PNG text chunk, a full XMP APP1, a 300 KB WebP XMP): cleaned alike', () => {
	const png = fx('phone.png');
	const ihdrEnd = 8 + 25;
	const text = Buffer.alloc(12 + 300000, 0x41);
	text.writeUInt32BE(300000, 0);
	text.write('tEXt', 4, 'latin1');
	text[8 + 200000] = 0; // a 200 KB keyword (PNG allows 79 bytes)
	const big = Buffer.concat([png.subarray(0, ihdrEnd), text, png.subarray(ihdrEnd)]);
	assert.ok(same(big, 'PNG with a 200 KB keyword').data);
	const jpeg = fx('gps.jpg');
	const xmp = Buffer.alloc(65535 + 2, 0x42);
	xmp.writeUInt16BE(0xffe1, 0);
	xmp.writeUInt16BE(65535, 2);
	xmp.write('http://ns.adobe.com/xap/1.0/\0GPS', 4, 'latin1');
	assert.ok(same(Buffer.concat([jpeg.subarray(0, 2), xmp, jpeg.subarray(2)]), 'JPEG with a full XMP segment').data);
	const webp = Buffer.from(fx('phone.webp'));
	const chunk = Buffer.alloc(8 + 300000, 0x43);
	chunk.write('XMP ', 0, 'latin1');
	chunk.writeUInt32LE(300000, 4);
	const w = Buffer.concat([webp.subarray(0, webp.readUInt32LE(4) + 8), chunk]);
	w.writeUInt32LE(w.length - 8, 4);
	assert.ok(same(w, 'WebP with a 300 KB XMP').data);
});
