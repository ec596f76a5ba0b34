// Metadata removal (web/js/metastrip.js and its lazily loaded parts
// strip-office.js and strip-pdf.js) on fixtures shaped like what phones and
// office suites write (tests/web/make-strip-fixtures.mjs, make-fixtures.mjs):
// every "QF-" marker hidden in the metadata is gone from the cleaned file,
// what decoding needs is kept, and the cleaned file still opens: images are
// decoded by chromium (createImageBitmap) and compared with the original,
// Office documents are unzipped, every XML part is checked by xmllint and
// every relationship resolves, PDFs are reopened by pdf-lib and poppler's
// pdfinfo/pdftotext. Cut and forged files are refused, and files the page
// does not understand are never called clean.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, zipSync, strToU8 } from 'fflate';
import { PDFDocument, PDFName, PDFDict } from 'pdf-lib';
import * as M from '../../web/js/metastrip.js';
import { launch } from './browser.mjs';

const fx = (n) => new Uint8Array(readFileSync(new URL(`./fixtures/${n}`, import.meta.url)));
const has = (b, s) => Buffer.from(b).includes(Buffer.from(s, 'latin1'));
const hasUtf8 = (b, s) => Buffer.from(b).includes(Buffer.from(s, 'utf8'));
const load = (name) => import(`../../web/js/strip-${name}.js`);
const strip = (b, opts = {}) => M.strip(b, { load, ...opts });

let ctx, page, dir;
before(async () => {
	dir = mkdtempSync(join(tmpdir(), 'qf-strip-'));
	ctx = await launch();
	page = await ctx.newPage();
});
after(async () => {
	if (ctx) await ctx.close();
	if (dir) rmSync(dir, { recursive: true, force: true });
});

// chromium decodes the image: {w, h, px} (RGBA), EXIF orientation applied
async function decode(b, type) {
	return page.evaluate(
		async ({ b64, type }) => {
			const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
			const bmp = await createImageBitmap(new Blob([bin], { type }));
			const c = new OffscreenCanvas(bmp.width, bmp.height);
			const g = c.getContext('2d');
			g.drawImage(bmp, 0, 0);
			return { w: bmp.width, h: bmp.height, px: Array.from(g.getImageData(0, 0, bmp.width, bmp.height).data) };
		},
		{ b64: Buffer.from(b).toString('base64'), type }
	);
}

// the cleaned image decodes to the same picture as the original (the
// dropped colour profile may move a colour by a few levels)
async function samePicture(orig, clean, type, tolerance = 0) {
	const a = await decode(orig, type);
	const b = await decode(clean, type);
	assert.deepEqual([b.w, b.h], [a.w, a.h], 'same size and orientation');
	let worst = 0;
	for (let i = 0; i < a.px.length; i++) worst = Math.max(worst, Math.abs(a.px[i] - b.px[i]));
	assert.ok(worst <= tolerance, `pixels differ by ${worst}`);
	return b;
}

// JPEG markers up to and including the first SOS, as [marker, segment length]
function segments(b) {
	const out = [];
	let i = 2;
	while (i < b.length) {
		const m = b[i + 1];
		const len = (b[i + 2] << 8) | b[i + 3];
		out.push([m, len]);
		if (m === 0xda) break;
		i += 2 + len;
	}
	return out;
}

// ---- JPEG ------------------------------------------------------------------

const JPEG_CANARIES = ['QF-THUMB-ORIGINAL', 'QF-MAKE-CAM', 'QF-MODEL-PHONE', 'QF-SOFTWARE', 'QF-ARTIST', '2026:03:01 14:35:22',
	'QF-SERIAL-0042', 'QF-XMP-CREATOR', 'QF-XMP-MODEL', 'QF-XMP-EXT', 'QF-ICC-DEVICE', 'QF-MPF-INDEX', 'QF-VENDOR-APP5',
	'QF-C2PA-AUTHOR', 'QF-C2PA-DEVICE', 'QF-IPTC-BYLINE', 'QF-COMMENT-2', 'QF-TRAILER-MOTION', 'JFXX', 'ICC_PROFILE',
	'c2pa', 'jumb', 'Photoshop', 'ns.adobe.com'];

test('JPEG: only what decoding needs is kept; C2PA, the JFXX thumbnail, ICC, MPF, vendor APPn, Exif, XMP, IPTC, comments and trailers go', async () => {
	const orig = fx('phone.jpg');
	for (const s of JPEG_CANARIES) assert.ok(has(orig, s), `fixture carries ${s}`);
	const r = await strip(orig);
	assert.equal(r.kind, 'jpeg');
	assert.equal(r.cleaned, true);
	for (const s of JPEG_CANARIES) assert.ok(!has(r.data, s), `${s} is gone`);
	// markers before the scan: a fresh JFIF, the orientation, then only DQT, SOF, DHT, DRI
	const segs = segments(r.data);
	assert.deepEqual(segs.slice(0, 2), [[0xe0, 16], [0xe1, 34]]);
	for (const [m] of segs.slice(2)) assert.ok([0xdb, 0xc0, 0xc1, 0xc2, 0xc4, 0xdd, 0xda].includes(m), `marker ${m.toString(16)} kept`);
	assert.ok(!has(r.data, '\x88\x25') && !has(r.data, '\x87\x69'), 'no GPS or Exif IFD pointers');
	assert.equal(r.orientation, 8);
	assert.equal(r.data[r.data.length - 2], 0xff);
	assert.equal(r.data[r.data.length - 1], 0xd9);
	for (const what of ['location', 'time', 'device', 'author', 'software', 'thumbnail', 'c2pa', 'colour', 'comment', 'trailer', 'other'])
		assert.ok(r.removed.includes(what), `reported: ${what} (${r.removed})`);
	// still the same picture, turned the same way (the ICC profile here is not a usable one, so nothing shifts)
	await samePicture(orig, r.data, 'image/jpeg');
	// idempotent
	assert.deepEqual((await strip(r.data)).data, r.data);
});

test('JPEG: the older fixture (Exif GPS, XMP, IPTC, comment) is cleaned and the image data untouched', async () => {
	const orig = fx('gps.jpg');
	const r = M.stripJpeg(orig);
	for (const s of ['QFTESTCAM', 'QF-MODEL-9', 'QF-XMP-GPS', 'GPSLatitude', 'QF-IPTC-KEY', 'QF-COMMENT', 'Photoshop'])
		assert.ok(!has(r.data, s), `${s} is gone`);
	assert.deepEqual([...r.removed].sort(), ['colour', 'comment', 'device', 'location', 'other']);
	assert.equal(r.orientation, 6);
	const dqt = (b) => Buffer.from(b).indexOf(Buffer.from([0xff, 0xdb]));
	assert.deepEqual(Buffer.from(r.data.subarray(dqt(r.data))), Buffer.from(orig.subarray(dqt(orig))));
	await samePicture(orig, r.data, 'image/jpeg');
});

test('JPEG: orientation 1 leaves no Exif at all; an Adobe APP14 keeps only its colour transform', () => {
	const orig = fx('gps.jpg');
	const r = M.stripJpeg(orig);
	const i = Buffer.from(r.data).indexOf(Buffer.from(M.orientationSegment(6)));
	const one = new Uint8Array([...r.data.subarray(0, i), ...M.orientationSegment(1), ...r.data.subarray(i + 36)]);
	assert.ok(!has(M.stripJpeg(one).data, 'Exif'));
	// an Adobe segment (written by Photoshop) with a transform of 1 and a name in it
	const adobe = [0xff, 0xee, 0, 28, ...Buffer.from('Adobe\0\x64\x80\0\0\0\x01QF-ADOBE-EXTRA', 'latin1')];
	const withAdobe = new Uint8Array([...r.data.subarray(0, 2), ...adobe, ...r.data.subarray(2)]);
	const a = M.stripJpeg(withAdobe);
	assert.ok(!has(a.data, 'QF-ADOBE-EXTRA'));
	const at = Buffer.from(a.data).indexOf(Buffer.from('Adobe', 'latin1'));
	assert.ok(at > 0, 'Adobe APP14 kept');
	assert.deepEqual([...a.data.subarray(at - 4, at + 12)], [0xff, 0xee, 0, 14, ...Buffer.from('Adobe', 'latin1'), 0, 100, 0, 0, 0, 0, 1]);
});

test('JPEG: cut and forged files are refused, not half-cleaned', () => {
	const orig = fx('phone.jpg');
	const eoi = Buffer.from(orig).lastIndexOf(Buffer.from([0xff, 0xd9]));
	for (const n of [3, 10, 30, 200, 1000, eoi])
		assert.throws(() => M.stripJpeg(orig.subarray(0, n)), { code: 'strip_failed' }, `cut at ${n}`);
	const bad = orig.slice();
	bad[4] = 0xff; // APP0 length now runs past the end
	bad[5] = 0xff;
	assert.throws(() => M.stripJpeg(bad), { code: 'strip_failed' });
	assert.throws(() => M.stripJpeg(Uint8Array.of(0xff, 0xd8, 0xff, 0xd8)), { code: 'strip_failed' });
	// a marker this page does not know (JPEG-LS) is refused rather than dropped
	const ls = new Uint8Array([0xff, 0xd8, 0xff, 0xf7, 0, 4, 0, 0, ...orig.subarray(2)]);
	assert.throws(() => M.stripJpeg(ls), { code: 'strip_failed' });
	assert.throws(() => M.stripJpeg(fx('meta.png')), { code: 'strip_failed' });
});

// ---- PNG -------------------------------------------------------------------

const pngChunks = (b) => {
	const out = [];
	for (let i = 8; i + 12 <= b.length; ) {
		const n = Buffer.from(b).readUInt32BE(i);
		const type = Buffer.from(b.subarray(i + 4, i + 8)).toString('latin1');
		out.push([type, b.subarray(i, i + 12 + n)]);
		i += 12 + n;
		if (type === 'IEND') break;
	}
	return out;
};

test('PNG: only critical chunks and sRGB, gAMA, cHRM, pHYs, tRNS, APNG are kept; caBX, iCCP, text, eXIf, tIME, private chunks go', async () => {
	const orig = fx('phone.png');
	const canaries = ['QF-ICC-PNG-NAME', 'QF-C2PA-AUTHOR', 'QF-C2PA-DEVICE', 'QF-PNG-EXIF-CAM', 'QF-PNG-EXIF-MODEL', 'QF-PNG-AUTHOR',
		'QF-PNG-XMP', 'QF-PNG-PRIVATE', 'QF-PNG-TRAILER', '2026:03:01 14:35:22', 'caBX', 'iCCP', 'tEXt', 'iTXt', 'zTXt', 'tIME', 'prVt'];
	for (const s of canaries) assert.ok(has(orig, s), `fixture carries ${s}`);
	const r = await strip(orig);
	assert.equal(r.kind, 'png');
	assert.equal(r.cleaned, true);
	for (const s of canaries) assert.ok(!has(r.data, s), `${s} is gone`);
	const kept = pngChunks(r.data);
	assert.deepEqual([...new Set(kept.map(([t]) => t))], ['IHDR', 'eXIf', 'sRGB', 'gAMA', 'cHRM', 'pHYs', 'IDAT', 'IEND']);
	// the orientation (8) alone survives, in a minimal eXIf; the other kept chunks are the original ones, byte for byte
	assert.equal(r.orientation, 8);
	const exif = kept[1][1];
	assert.deepEqual(Buffer.from(exif.subarray(8, exif.length - 4)), Buffer.from(M.orientationSegment(8).subarray(10)));
	const want = pngChunks(orig).filter(([t]) => ['IHDR', 'sRGB', 'gAMA', 'cHRM', 'pHYs', 'IDAT', 'IEND'].includes(t));
	assert.deepEqual(Buffer.from(r.data), Buffer.concat([orig.subarray(0, 8), want[0][1], exif, ...want.slice(1).map(([, c]) => c)]));
	for (const what of ['location', 'time', 'device', 'author', 'software', 'c2pa', 'colour', 'comment', 'trailer', 'other'])
		assert.ok(r.removed.includes(what), `reported: ${what} (${r.removed})`);
	await samePicture(orig, r.data, 'image/png');
	assert.deepEqual((await strip(r.data)).data, r.data);
});

test('PNG: the older fixture loses its text, Exif (all but the orientation) and time chunks', () => {
	const r = M.stripPng(fx('meta.png'));
	for (const s of ['QF-PNG-TEXT', 'QF-PNG-XMP-GPS', 'QFTESTCAM', 'QF-MODEL-9', 'tEXt', 'iTXt', 'zTXt', 'tIME'])
		assert.ok(!has(r.data, s), `${s} is gone`);
	assert.equal(r.orientation, 6);
	assert.ok(r.removed.includes('location') && r.removed.includes('time'));
});

test('PNG: cut and forged files are refused; an unknown critical chunk is refused', () => {
	const orig = fx('phone.png');
	for (const n of [8, 20, 40, orig.length - 'QF-PNG-TRAILER'.length - 1])
		assert.throws(() => M.stripPng(orig.subarray(0, n)), { code: 'strip_failed' }, `cut at ${n}`);
	const bad = orig.slice();
	bad[12] = 0x01; // IHDR type byte
	assert.throws(() => M.stripPng(bad), { code: 'strip_failed' });
	const ihdr = pngChunks(orig)[0][1];
	const crit = new Uint8Array([...orig.subarray(0, 8), ...ihdr, 0, 0, 0, 0, ...Buffer.from('QFCR'), 0, 0, 0, 0, ...orig.subarray(8 + ihdr.length)]);
	assert.throws(() => M.stripPng(crit), { code: 'strip_failed' });
});

// ---- WebP ------------------------------------------------------------------

const riff = (b) => {
	const out = [];
	for (let i = 12; i + 8 <= b.length; ) {
		const n = Buffer.from(b).readUInt32LE(i + 4);
		out.push([Buffer.from(b.subarray(i, i + 4)).toString('latin1'), b.subarray(i + 8, i + 8 + n)]);
		i += 8 + n + (n & 1);
	}
	return out;
};

test('WebP: EXIF, XMP, ICCP and unknown chunks go, the VP8X flags and RIFF size are fixed', async () => {
	const orig = fx('phone.webp');
	const canaries = ['QF-WEBP-ICC', 'QF-WEBP-EXIF-CAM', 'QF-WEBP-XMP', 'QF-WEBP-UNKNOWN', 'ICCP', 'EXIF', 'XMP ', 'QFUK'];
	for (const s of canaries) assert.ok(has(orig, s), `fixture carries ${s}`);
	const r = await strip(orig);
	assert.equal(r.kind, 'webp');
	assert.equal(r.cleaned, true);
	for (const s of canaries) assert.ok(!has(r.data, s), `${s} is gone`);
	const chunks = riff(r.data);
	assert.deepEqual(chunks.map(([t]) => t), ['VP8X', 'ALPH', 'VP8 ']);
	assert.equal(chunks[0][1][0], riff(orig)[0][1][0] & ~0x2c, 'ICC, EXIF and XMP flags cleared, alpha kept');
	assert.equal(chunks[0][1][0] & 0x10, 0x10);
	assert.equal(Buffer.from(r.data).readUInt32LE(4), r.data.length - 8);
	for (const what of ['location', 'device', 'time', 'colour', 'other']) assert.ok(r.removed.includes(what), `reported: ${what}`);
	await samePicture(orig, r.data, 'image/webp');
	assert.throws(() => M.stripWebp(orig.subarray(0, 40)), { code: 'strip_failed' });
});

// ---- Office ----------------------------------------------------------------

const xmllint = (text, name) => {
	const f = join(dir, 'part.xml');
	writeFileSync(f, text);
	const r = spawnSync('xmllint', ['--noout', f], { encoding: 'utf8' });
	assert.equal(r.status, 0, `${name} is well-formed XML: ${r.stderr}`);
};

// The package still opens: unzips, every XML part is well-formed, every
// content-type override and every internal relationship points at a part.
function checkPackage(data) {
	const z = unzipSync(data);
	const names = Object.keys(z);
	const text = (n) => new TextDecoder().decode(z[n]);
	for (const n of names) if (/\.(xml|rels)$/.test(n)) xmllint(text(n), n);
	for (const m of text('[Content_Types].xml').matchAll(/PartName="\/([^"]+)"/g)) assert.ok(names.includes(m[1]), `override ${m[1]} exists`);
	for (const n of names.filter((x) => x.endsWith('.rels'))) {
		const base = n.replace(/_rels\/[^/]*\.rels$/, '');
		for (const m of text(n).matchAll(/<Relationship\b([^>]*)>/g)) {
			if (/TargetMode="External"/.test(m[1])) continue;
			const target = /Target="([^"]+)"/.exec(m[1])[1];
			const parts = (target.startsWith('/') ? target.slice(1) : base + target).split('/');
			const norm = [];
			for (const p of parts) p === '..' ? norm.pop() : norm.push(p);
			assert.ok(names.includes(norm.join('/')), `${n}: ${target} exists`);
		}
	}
	// every entry dated 1980-01-01 00:00 (DOS date 0x0021, time 0)
	const b = Buffer.from(data);
	for (let i = 0; i + 30 < b.length; ) {
		if (b.readUInt32LE(i) !== 0x04034b50) break;
		assert.equal(b.readUInt16LE(i + 10), 0, 'zip entry time');
		assert.equal(b.readUInt16LE(i + 12), 0x21, 'zip entry date');
		i += 30 + b.readUInt16LE(i + 26) + b.readUInt16LE(i + 28) + b.readUInt32LE(i + 18);
	}
	return { z, text };
}

function noCanaries(z, canaries) {
	for (const [n, d] of Object.entries(z)) for (const s of canaries) assert.ok(!hasUtf8(d, s), `${s} is gone from ${n}`);
}

const CORE_CANARIES = ['QF-AUTHOR', '张三', 'QF-MODIFIER', 'zhangsan', 'QF-TITLE', 'QF-SUBJECT', 'QF-KEYWORDS', 'QF-DESCRIPTION',
	'QF-MANAGER', '李四', 'QF-COMPANY', '财政局', 'QF-CUSTOM-ICV', 'KSOProductBuildVer', '2026-02-2', '2026-03-01T06:35'];

test('DOCX: properties, comment and revision authors, people, dates, rsids, the template path and the photo inside are cleaned; it still opens', async () => {
	const orig = fx('author.docx');
	const r = await strip(orig);
	assert.equal(r.kind, 'docx');
	assert.equal(r.cleaned, true);
	const { z, text } = checkPackage(r.data);
	noCanaries(z, [...CORE_CANARIES, 'QF-REVISOR', '王五', 'QF-DELETER', 'QF-COMMENTER', '赵六', 'QFC', 'S-1-5-21', 'QF-WINUSER',
		'2026-03-01T14:3', 'w:rsid', ...JPEG_CANARIES]);
	assert.deepEqual(Object.keys(z), Object.keys(unzipSync(orig)), 'same parts in the same order');
	const doc = text('word/document.xml');
	assert.match(doc, /QF-BODY-TEXT 材料正文/);
	assert.match(doc, /<w:ins w:id="1" w:author="[^"]*"><w:r><w:t>inserted/, 'the tracked change itself is kept');
	assert.match(text('word/comments.xml'), /QF-BODY-TEXT a comment/);
	assert.doesNotMatch(text('word/settings.xml'), /attachedTemplate/);
	await decode(z['word/media/image1.jpeg'], 'image/jpeg');
	for (const what of ['author', 'modifier', 'dates', 'company', 'props', 'custom', 'comment_authors', 'revision_authors', 'path', 'ids', 'location', 'device'])
		assert.ok(r.removed.includes(what), `reported: ${what} (${r.removed})`);
	assert.deepEqual((await strip(r.data)).removed, [], 'nothing left to remove');
});

test('XLSX: properties, note authors (and the name Excel puts in the note), persons and the workbook path are cleaned; it still opens', async () => {
	const r = await strip(fx('author.xlsx'));
	assert.equal(r.kind, 'xlsx');
	const { z, text } = checkPackage(r.data);
	noCanaries(z, [...CORE_CANARIES, 'QF-XLUSER', 'QF-XL-COMMENTER', 'QF-XL-PERSON', '孙七', 'qf-xl-user@', '2026-03-01T14:35']);
	assert.match(text('xl/worksheets/sheet1.xml'), /QF-BODY-TEXT 4800/);
	assert.match(text('xl/comments1.xml'), /QF-BODY-TEXT note/);
	assert.match(text('xl/threadedComments/threadedComment1.xml'), /QF-BODY-TEXT thread/);
	for (const what of ['author', 'modifier', 'company', 'comment_authors', 'path']) assert.ok(r.removed.includes(what), what);
});

test('PPTX: properties and comment authors (classic and modern) are cleaned; it still opens', async () => {
	const r = await strip(fx('author.pptx'));
	assert.equal(r.kind, 'pptx');
	const { z, text } = checkPackage(r.data);
	noCanaries(z, [...CORE_CANARIES, 'QF-PPT-AUTHOR', '周八', 'QFP', 'QF-PPT-MODERN', 'QFM', 'qf-ppt-user@']);
	assert.match(text('ppt/slides/slide1.xml'), /QF-BODY-TEXT slide/);
	assert.ok(r.removed.includes('comment_authors'));
});

test('zip: a cut Office file is refused; other archives and a too large one are not called clean', async () => {
	const orig = fx('author.docx');
	await assert.rejects(strip(orig.subarray(0, orig.length - 30)), { code: 'strip_failed' });
	const other = zipSync({ 'IMG_20260301_143522.jpg': fx('phone.jpg'), 'notes.txt': strToU8('hello') });
	const o = await strip(other);
	assert.equal(o.kind, 'zip');
	assert.equal(o.cleaned, false);
	assert.equal(o.data, other);
	assert.deepEqual(o.removed, []);
	assert.ok(o.mayContain.includes('author') && o.mayContain.includes('location'));
	await assert.rejects(strip(orig, { maxUnzipped: 1000 }), { code: 'strip_failed' });
});

// ---- PDF -------------------------------------------------------------------

// a marker as ASCII or as the UTF-16 hex string pdf-lib writes for text
function pdfHas(b, s) {
	const hex = Buffer.from(`\ufeff${s}`, 'utf16le').swap16().toString('hex');
	const raw = Buffer.from(b).toString('latin1');
	return raw.includes(s) || raw.toLowerCase().includes(hex) || raw.toLowerCase().includes(Buffer.from(s, 'latin1').toString('hex'));
}
const pdftool = (tool, data, ...args) => {
	const f = join(dir, 'x.pdf');
	writeFileSync(f, data);
	const r = spawnSync(tool, [...args, f, ...(tool === 'pdftotext' ? ['-'] : [])], { encoding: 'utf8' });
	assert.equal(r.status, 0, `${tool}: ${r.stderr}`);
	return r.stdout;
};

test('PDF: the Info dictionary (old and new), XMP, annotation authors, PieceInfo, the file ID and the photo inside are removed; it still opens', async () => {
	const orig = fx('author.pdf');
	const canaries = ['QF-PDF-TITLE', 'QF-PDF-AUTHOR', 'QF-PDF-SUBJECT', 'QF-PDF-KEYWORDS', 'QF-PDF-CREATOR', 'QF-PDF-PRODUCER',
		'QF-PDF-XMP-AUTHOR', 'QF-PDF-XMP-TOOL', 'QF-PDF-ANNOT-AUTHOR', 'QF-PDF-PIECEINFO', 'QF-PDF-NEW-AUTHOR', 'QF-PDF-NEW-PRODUCER',
		'QF-ORIGINAL-ID', 'QF-MAKE-CAM', 'QF-C2PA-AUTHOR', 'QF-THUMB-ORIGINAL'];
	for (const s of canaries) assert.ok(pdfHas(orig, s), `fixture carries ${s}`);
	const r = await strip(orig);
	assert.equal(r.kind, 'pdf');
	assert.equal(r.cleaned, true);
	for (const s of canaries) assert.ok(!pdfHas(r.data, s), `${s} is gone`);
	for (const what of ['author', 'dates', 'software', 'props', 'comment_authors', 'ids', 'location', 'device'])
		assert.ok(r.removed.includes(what), `reported: ${what} (${r.removed})`);
	// poppler opens it: one page, no document information, no XMP, the text is there
	const info = pdftool('pdfinfo', r.data);
	assert.match(info, /^Pages:\s+1$/m);
	assert.match(info, /^Metadata Stream:\s+no$/m);
	assert.doesNotMatch(info, /^(Title|Author|Creator|Producer|Subject|Keywords|CreationDate|ModDate):/m);
	assert.equal(pdftool('pdfinfo', r.data, '-meta').trim(), '');
	assert.match(pdftool('pdftotext', r.data), /QF-PDF-CONTENT evidence/);
	// pdf-lib opens it: the note annotation is still there without its author, the image still a JPEG
	const doc = await PDFDocument.load(r.data, { updateMetadata: false });
	assert.equal(doc.getPageCount(), 1);
	assert.equal(doc.getAuthor(), undefined);
	assert.equal(doc.catalog.get(PDFName.of('Metadata')), undefined);
	const annots = doc.getPage(0).node.Annots();
	const annot = doc.context.lookup(annots.get(0), PDFDict);
	assert.equal(annot.get(PDFName.of('T')), undefined);
	assert.ok(annot.get(PDFName.of('Contents')));
	// idempotent in effect: nothing left to remove
	assert.deepEqual((await strip(r.data)).removed, []);
});

test('PDF: the plain one-page fixture is rewritten and still opens; a cut PDF is refused', async () => {
	const r = await strip(fx('doc.pdf'));
	assert.equal(r.kind, 'pdf');
	assert.match(pdftool('pdftotext', r.data), /QF-PDF-CONTENT evidence/);
	await assert.rejects(strip(fx('author.pdf').subarray(0, 300)), { code: 'strip_failed' });
});

// ---- what the page cannot clean --------------------------------------------

test('HEIC, video, GIF, old Office files, archives and unknown files are never called clean: they name what may be inside', async () => {
	const box = (brand) => new Uint8Array([0, 0, 0, 24, ...Buffer.from(`ftyp${brand}\0\0\0\0${brand}mif1`, 'latin1'), 0, 0, 0, 8, ...Buffer.from('mdat')]);
	const cases = [
		[box('heic'), 'heic', ['location', 'time', 'device']],
		[box('avif'), 'heic', ['location', 'time', 'device']],
		[box('isom'), 'video', ['location', 'time', 'device']],
		[box('qt  '), 'video', ['location', 'time', 'device']],
		[new Uint8Array([...Buffer.from('GIF89a'), 1, 0, 1, 0, 0, 0, 0]), 'gif', ['software', 'comment']],
		[new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 'office-old', ['author', 'modifier', 'company', 'dates']],
		[strToU8('just some text, nothing known'), null, ['author', 'location', 'time', 'device']],
	];
	for (const [b, kind, may] of cases) {
		const r = await strip(b);
		assert.equal(r.kind, kind);
		assert.equal(r.cleaned, false, `${kind} is not called clean`);
		assert.equal(r.data, b, 'passed through unchanged');
		assert.deepEqual(r.removed, []);
		for (const m of may) assert.ok(r.mayContain.includes(m), `${kind} may contain ${m}`);
	}
	assert.equal(M.sniff(fx('phone.jpg')), 'jpeg');
	assert.equal(M.sniff(fx('phone.png')), 'png');
	assert.equal(M.sniff(fx('phone.webp')), 'webp');
	assert.equal(M.sniff(fx('author.pdf')), 'pdf');
	assert.equal(M.sniff(fx('author.docx')), 'zip');
});
