// JPEG and PNG metadata removal (web/js/metastrip.js) on the fixtures and on
// cut or forged files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { strip, stripJpeg, stripPng, sniff, orientationSegment } from '../../web/js/metastrip.js';

const fx = (n) => new Uint8Array(readFileSync(new URL(`./fixtures/${n}`, import.meta.url)));
const has = (b, s) => Buffer.from(b).includes(Buffer.from(s, 'latin1'));

// JPEG segments as [marker, payload length] up to SOS
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

test('JPEG: Exif (GPS, camera), XMP, IPTC and comments are removed', () => {
	const orig = fx('gps.jpg');
	for (const s of ['QFTESTCAM', 'QF-MODEL-9', 'QF-XMP-GPS', 'QF-IPTC-KEY', 'QF-COMMENT'])
		assert.ok(has(orig, s), `fixture carries ${s}`);
	const r = stripJpeg(orig);
	for (const s of ['QFTESTCAM', 'QF-MODEL-9', 'QF-XMP-GPS', 'GPSLatitude', 'QF-IPTC-KEY', 'QF-COMMENT', 'Photoshop'])
		assert.ok(!has(r.data, s), `${s} is gone`);
	assert.deepEqual(r.removed.sort(), ['APP1', 'APP13', 'COM']);
	// the orientation alone survives, in a 32-byte Exif without a GPS IFD
	assert.equal(r.orientation, 6);
	const segs = segments(r.data);
	const app1 = segs.filter(([m]) => m === 0xe1);
	assert.deepEqual(app1, [[0xe1, 34]]);
	assert.ok(!has(r.data, '\x88\x25'), 'no GPS IFD pointer tag');
	assert.ok(segs.some(([m]) => m === 0xe0), 'JFIF APP0 kept');
	// the image data is untouched: everything from the first DQT on is identical
	const dqt = (b) => Buffer.from(b).indexOf(Buffer.from([0xff, 0xdb]));
	assert.deepEqual(Buffer.from(r.data.subarray(dqt(r.data))), Buffer.from(orig.subarray(dqt(orig))));
	// stripping is idempotent
	assert.deepEqual(stripJpeg(r.data).data, r.data);
});

test('JPEG: orientation 1 leaves no Exif at all; trailers after EOI are dropped', () => {
	const orig = fx('gps.jpg');
	const r = stripJpeg(orig);
	// rewrite the kept orientation to 1
	const seg = orientationSegment(1);
	const i = Buffer.from(r.data).indexOf(Buffer.from(orientationSegment(6)));
	const one = new Uint8Array([...r.data.subarray(0, i), ...seg, ...r.data.subarray(i + 36)]);
	const r1 = stripJpeg(one);
	assert.ok(!has(r1.data, 'Exif'));
	const trailer = new Uint8Array([...r1.data, ...Buffer.from('MOTION-PHOTO-QF')]);
	const r2 = stripJpeg(trailer);
	assert.deepEqual(r2.data, r1.data);
	assert.ok(r2.removed.includes('trailer'));
});

test('JPEG: cut and forged files are refused, not half-cleaned', () => {
	const orig = fx('gps.jpg');
	for (const n of [3, 10, 30, 200, orig.length - 1])
		assert.throws(() => stripJpeg(orig.subarray(0, n)), { code: 'strip_failed' }, `cut at ${n}`);
	const bad = orig.slice();
	bad[4] = 0xff; // APP0 length now runs past the end
	bad[5] = 0xff;
	assert.throws(() => stripJpeg(bad), { code: 'strip_failed' });
	assert.throws(() => stripJpeg(Uint8Array.of(0xff, 0xd8, 0xff, 0xd8)), { code: 'strip_failed' });
	assert.throws(() => stripJpeg(fx('meta.png')), { code: 'strip_failed' });
});

test('PNG: tEXt, iTXt, zTXt, eXIf and tIME chunks are removed, the rest is identical', () => {
	const orig = fx('meta.png');
	const r = stripPng(orig);
	assert.deepEqual(r.removed.sort(), ['eXIf', 'iTXt', 'tEXt', 'tIME', 'zTXt']);
	for (const s of ['QF-PNG-TEXT', 'QF-PNG-XMP-GPS', 'QFTESTCAM', 'tEXt', 'iTXt', 'zTXt', 'eXIf', 'tIME'])
		assert.ok(!has(r.data, s), `${s} is gone`);
	assert.ok(has(r.data, 'IHDR') && has(r.data, 'IDAT') && has(r.data, 'IEND'));
	assert.deepEqual(stripPng(r.data).data, r.data);
	// the kept chunks are the original ones, byte for byte
	const kept = [orig.subarray(0, 8)];
	for (let i = 8; i < orig.length; ) {
		const len = Buffer.from(orig).readUInt32BE(i);
		const type = Buffer.from(orig.subarray(i + 4, i + 8)).toString('latin1');
		if (!['tEXt', 'iTXt', 'zTXt', 'eXIf', 'tIME'].includes(type)) kept.push(orig.subarray(i, i + 12 + len));
		i += 12 + len;
	}
	assert.deepEqual(Buffer.from(r.data), Buffer.concat(kept));
});

test('PNG: cut and forged files are refused', () => {
	const orig = fx('meta.png');
	for (const n of [8, 20, 40, orig.length - 1])
		assert.throws(() => stripPng(orig.subarray(0, n)), { code: 'strip_failed' }, `cut at ${n}`);
	const bad = orig.slice();
	bad[12] = 0x01; // IHDR type byte
	assert.throws(() => stripPng(bad), { code: 'strip_failed' });
});

test('other files pass through unchanged', () => {
	const pdf = fx('doc.pdf');
	assert.equal(sniff(pdf), null);
	const r = strip(pdf);
	assert.equal(r.kind, null);
	assert.equal(r.data, pdf);
	assert.equal(strip(fx('gps.jpg')).kind, 'jpeg');
	assert.equal(strip(fx('meta.png')).kind, 'png');
});
