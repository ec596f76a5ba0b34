// Makes the small files under tests/web/fixtures/ that the tests attach:
//   gps.jpg  a real JPEG (drawn and encoded by chromium) carrying an Exif
//            APP1 with camera make/model, orientation 6 and a GPS IFD, an XMP
//            APP1 with GPS coordinates, an APP13 (IPTC) and a COM comment
//   meta.png a real PNG with tEXt, iTXt, zTXt, eXIf and tIME chunks
//   doc.pdf  a one-page PDF
// Every marker the tests look for ("QFTESTCAM", "QF-XMP-GPS", ...) is in
// the metadata only. Run once: node tests/web/make-fixtures.mjs
import { writeFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from './browser.mjs';

const OUT = new URL('./fixtures/', import.meta.url).pathname;
mkdirSync(OUT, { recursive: true });

const profile = mkdtempSync(join(tmpdir(), 'qf-fixtures-'));
const ctx = await chromium.launchPersistentContext(profile, {
	executablePath: '/usr/bin/chromium',
	headless: true,
	args: CHROMIUM_ARGS,
});
const page = await ctx.newPage();
await page.setContent('<canvas id="c" width="64" height="48"></canvas>');
const images = await page.evaluate(async () => {
	const c = document.getElementById('c');
	const g = c.getContext('2d');
	g.fillStyle = '#2a6';
	g.fillRect(0, 0, 64, 48);
	g.fillStyle = '#fff';
	g.fillRect(8, 8, 20, 30);
	const get = (type) =>
		new Promise((res) =>
			c.toBlob(async (b) => res(Array.from(new Uint8Array(await b.arrayBuffer()))), type, 0.8)
		);
	return { jpeg: await get('image/jpeg'), png: await get('image/png') };
});
await ctx.close();
rmSync(profile, { recursive: true, force: true });

const ascii = (s) => Buffer.from(s, 'latin1');

// ---- Exif (big-endian TIFF) with IFD0 and a GPS IFD --------------------
function exif() {
	const make = ascii('QFTESTCAM\0');
	const model = ascii('QF-MODEL-9\0');
	// layout: header(8) IFD0 at 8: 4 entries, then GPS IFD, then data
	const ifd0Entries = 4;
	const ifd0Size = 2 + ifd0Entries * 12 + 4;
	const gpsAt = 8 + ifd0Size;
	const gpsEntries = 4;
	const gpsSize = 2 + gpsEntries * 12 + 4;
	let dataAt = gpsAt + gpsSize;
	const makeAt = dataAt;
	dataAt += make.length;
	const modelAt = dataAt;
	dataAt += model.length;
	const latAt = dataAt;
	dataAt += 24;
	const lonAt = dataAt;
	dataAt += 24;
	const t = Buffer.alloc(dataAt);
	t.write('MM', 0, 'latin1');
	t.writeUInt16BE(42, 2);
	t.writeUInt32BE(8, 4);
	let p = 8;
	t.writeUInt16BE(ifd0Entries, p);
	p += 2;
	const entry = (tag, type, count, value, isOffset = true) => {
		t.writeUInt16BE(tag, p);
		t.writeUInt16BE(type, p + 2);
		t.writeUInt32BE(count, p + 4);
		if (isOffset) t.writeUInt32BE(value, p + 8);
		else t.writeUInt16BE(value, p + 8);
		p += 12;
	};
	entry(0x010f, 2, make.length, makeAt); // Make
	entry(0x0110, 2, model.length, modelAt); // Model
	entry(0x0112, 3, 1, 6, false); // Orientation
	entry(0x8825, 4, 1, gpsAt); // GPS IFD pointer
	t.writeUInt32BE(0, p);
	p = gpsAt;
	t.writeUInt16BE(gpsEntries, p);
	p += 2;
	entry(0x0001, 2, 2, 0x4e000000); // GPSLatitudeRef "N"
	entry(0x0002, 5, 3, latAt); // GPSLatitude
	entry(0x0003, 2, 2, 0x45000000); // GPSLongitudeRef "E"
	entry(0x0004, 5, 3, lonAt); // GPSLongitude
	t.writeUInt32BE(0, p);
	make.copy(t, makeAt);
	model.copy(t, modelAt);
	[31, 1, 14, 1, 5, 1].forEach((v, i) => t.writeUInt32BE(v, latAt + 4 * i));
	[121, 1, 28, 1, 7, 1].forEach((v, i) => t.writeUInt32BE(v, lonAt + 4 * i));
	return t;
}

function segment(marker, payload) {
	const h = Buffer.alloc(4);
	h[0] = 0xff;
	h[1] = marker;
	h.writeUInt16BE(payload.length + 2, 2);
	return Buffer.concat([h, payload]);
}

const jpeg = Buffer.from(images.jpeg);
// insert after SOI and the JFIF APP0 (if any)
let at = 2;
if (jpeg[2] === 0xff && jpeg[3] === 0xe0) at = 4 + jpeg.readUInt16BE(4);
const xmp = ascii(
	'http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF ' +
		'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description ' +
		'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="31,14.08N" ' +
		'exif:Comment="QF-XMP-GPS"/></rdf:RDF></x:xmpmeta>'
);
const gpsJpeg = Buffer.concat([
	jpeg.subarray(0, at),
	segment(0xe1, Buffer.concat([ascii('Exif\0\0'), exif()])),
	segment(0xe1, xmp),
	segment(0xed, ascii('Photoshop 3.0\x008BIM\x04\x04\0\0\0\0\0\x0cQF-IPTC-KEY!')),
	segment(0xfe, ascii('QF-COMMENT written by the camera')),
	jpeg.subarray(at),
]);
writeFileSync(join(OUT, 'gps.jpg'), gpsJpeg);

// ---- PNG with text, Exif and time chunks ------------------------------
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});
function crc32(buf) {
	let c = 0xffffffff;
	for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length);
	const td = Buffer.concat([ascii(type), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(td));
	return Buffer.concat([len, td, crc]);
}
const png = Buffer.from(images.png);
const ihdrEnd = 8 + 12 + png.readUInt32BE(8);
const time = Buffer.from([0x07, 0xea, 5, 17, 9, 30, 0]);
const metaPng = Buffer.concat([
	png.subarray(0, ihdrEnd),
	chunk('tEXt', ascii('Comment\0QF-PNG-TEXT')),
	chunk('iTXt', ascii('XML:com.adobe.xmp\0\0\0\0\0QF-PNG-XMP-GPS')),
	chunk('zTXt', Buffer.concat([ascii('Author\0\0'), deflateSync(ascii('QF-PNG-ZTXT'))])),
	chunk('eXIf', exif()),
	chunk('tIME', time),
	png.subarray(ihdrEnd),
]);
writeFileSync(join(OUT, 'meta.png'), metaPng);

// ---- a one-page PDF ----------------------------------------------------
const objs = [
	'<< /Type /Catalog /Pages 2 0 R >>',
	'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
	'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R ' +
		'/Resources << /Font << /F1 5 0 R >> >> >>',
	null,
	'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
];
const text = 'BT /F1 18 Tf 20 70 Td (QF-PDF-CONTENT evidence) Tj ET';
objs[3] = `<< /Length ${text.length} >>\nstream\n${text}\nendstream`;
let pdf = '%PDF-1.4\n';
const offsets = [];
objs.forEach((o, i) => {
	offsets.push(pdf.length);
	pdf += `${i + 1} 0 obj\n${o}\nendobj\n`;
});
const xref = pdf.length;
pdf += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
for (const o of offsets) pdf += `${String(o).padStart(10, '0')} 00000 n \n`;
pdf += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
writeFileSync(join(OUT, 'doc.pdf'), ascii(pdf));
console.log('fixtures written to', OUT);
