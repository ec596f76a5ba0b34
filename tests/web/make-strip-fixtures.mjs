// Makes the fixtures of the allow-list metadata tests (tests/web/metastrip.test.mjs)
// in tests/web/fixtures/, shaped the way phones and office suites write them:
//   phone.jpg    a chromium-encoded JPEG with what a phone adds: a JFIF APP0
//                and a JFXX APP0 thumbnail (itself a JPEG with a comment), an
//                Exif APP1 (make, model, software, artist, date, orientation 8,
//                an Exif IFD with the time taken and a body serial number, a
//                GPS IFD), XMP and extended-XMP APP1s, an ICC profile APP2
//                naming the device, an MPF APP2, a vendor APP5, two APP11
//                C2PA/JUMBF segments, an APP13 IPTC, a COM, and a "motion
//                photo" after the end of the image
//   phone.png    a chromium PNG with caBX (C2PA), iCCP, tEXt, iTXt, zTXt, eXIf,
//                tIME and a private chunk; sRGB, gAMA, cHRM, pHYs kept; a trailer
//   phone.webp   a chromium WebP (VP8X, ALPH, VP8) with ICCP, EXIF, XMP and an
//                unknown chunk added
//   author.docx  a Word document: core/app/custom properties, a comment, a
//                tracked insertion and deletion, people.xml, rsids, an attached
//                template on the author's disk, a photo (phone.jpg) inside
//   author.xlsx  an Excel workbook: properties, a note's author, a threaded
//                comment's person, the absolute path of the workbook
//   author.pptx  a PowerPoint deck: properties, comment authors (classic and modern)
//   author.pdf   a PDF with an Info dictionary, an XMP stream, a comment
//                annotation's author, PieceInfo, a photo (phone.jpg) as an
//                image, and an incremental update that replaced the Info (so the
//                old one is still in the file)
// Every marker the tests look for starts with "QF-" (or is the photo's time,
// "2026:03:01 14:35:22") and sits in the metadata only; the documents' visible
// text says "QF-BODY-TEXT" / "QF-PDF-CONTENT", which must survive.
// Run once: node tests/web/make-strip-fixtures.mjs
import { writeFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { zipSync, strToU8 } from 'fflate';
import { PDFDocument, PDFName, PDFString, PDFHexString, StandardFonts } from 'pdf-lib';
import { CHROMIUM_ARGS } from './browser.mjs';

const OUT = new URL('./fixtures/', import.meta.url).pathname;
mkdirSync(OUT, { recursive: true });
const ascii = (s) => Buffer.from(s, 'latin1');
const utf8 = (s) => Buffer.from(s, 'utf8');

// ---- images drawn and encoded by chromium ---------------------------------
const profile = mkdtempSync(join(tmpdir(), 'qf-fixtures-'));
const ctx = await chromium.launchPersistentContext(profile, {
	executablePath: process.env.QF_CHROMIUM || '/usr/bin/chromium',
	headless: true,
	args: CHROMIUM_ARGS,
});
const page = await ctx.newPage();
const images = await page.evaluate(async () => {
	const draw = (w, h, alpha) => {
		const c = document.createElement('canvas');
		c.width = w;
		c.height = h;
		const g = c.getContext('2d');
		if (!alpha) {
			g.fillStyle = '#2a6';
			g.fillRect(0, 0, w, h);
		}
		g.fillStyle = '#fff';
		g.fillRect(w / 8, h / 6, w / 3, h / 2);
		g.fillStyle = '#c33';
		g.fillRect(w / 2, h / 3, w / 3, h / 3);
		return c;
	};
	const get = (c, type) =>
		new Promise((res) => c.toBlob(async (b) => res(Array.from(new Uint8Array(await b.arrayBuffer()))), type, 0.8));
	return {
		jpeg: await get(draw(64, 48, false), 'image/jpeg'),
		thumb: await get(draw(16, 12, false), 'image/jpeg'),
		png: await get(draw(64, 48, false), 'image/png'),
		webp: await get(draw(64, 48, true), 'image/webp'),
	};
});
await ctx.close();
rmSync(profile, { recursive: true, force: true });

// ---- Exif: a big-endian TIFF with IFD0, an Exif IFD and a GPS IFD -----------
// ifds: {ifd0: [[tag, type, value]], exif: [...], gps: [...]}; value is a
// string (ASCII), a number (SHORT/LONG) or [[num, den], ...] (RATIONAL).
function tiff({ ifd0, exif = [], gps = [] }) {
	const lists = [ifd0.slice(), exif, gps];
	if (exif.length) lists[0].push([0x8769, 4, 'EXIF']);
	if (gps.length) lists[0].push([0x8825, 4, 'GPS']);
	lists[0].sort((a, b) => a[0] - b[0]);
	const size = (l) => (l.length ? 2 + 12 * l.length + 4 : 0);
	const at = [8, 8 + size(lists[0]), 8 + size(lists[0]) + size(lists[1])];
	let data = at[2] + size(lists[2]);
	const extra = [];
	const t = Buffer.alloc(4096);
	t.write('MM', 0, 'latin1');
	t.writeUInt16BE(42, 2);
	t.writeUInt32BE(8, 4);
	lists.forEach((list, k) => {
		if (!list.length) return;
		let p = at[k];
		t.writeUInt16BE(list.length, p);
		p += 2;
		for (const [tag, type, v] of list) {
			t.writeUInt16BE(tag, p);
			t.writeUInt16BE(type, p + 2);
			if (v === 'EXIF' || v === 'GPS') {
				t.writeUInt32BE(1, p + 4);
				t.writeUInt32BE(at[v === 'EXIF' ? 1 : 2], p + 8);
			} else if (typeof v === 'string') {
				const s = ascii(v + '\0');
				t.writeUInt32BE(s.length, p + 4);
				if (s.length <= 4) s.copy(t, p + 8);
				else {
					t.writeUInt32BE(data, p + 8);
					extra.push([data, s]);
					data += s.length + (s.length & 1);
				}
			} else if (typeof v === 'number') {
				t.writeUInt32BE(1, p + 4);
				if (type === 3) t.writeUInt16BE(v, p + 8);
				else t.writeUInt32BE(v, p + 8);
			} else {
				const s = Buffer.alloc(8 * v.length);
				v.forEach(([n, d], i) => {
					s.writeUInt32BE(n, 8 * i);
					s.writeUInt32BE(d, 8 * i + 4);
				});
				t.writeUInt32BE(v.length, p + 4);
				t.writeUInt32BE(data, p + 8);
				extra.push([data, s]);
				data += s.length;
			}
			p += 12;
		}
		t.writeUInt32BE(0, p);
	});
	for (const [o, s] of extra) s.copy(t, o);
	return t.subarray(0, data);
}

const WHEN = '2026:03:01 14:35:22';
const phoneExif = (make, model) =>
	tiff({
		ifd0: [
			[0x010f, 2, make],
			[0x0110, 2, model],
			[0x0112, 3, 8],
			[0x0131, 2, 'QF-SOFTWARE 14.2'],
			[0x0132, 2, WHEN],
			[0x013b, 2, 'QF-ARTIST'],
		],
		exif: [
			[0x9003, 2, WHEN],
			[0xa431, 2, 'QF-SERIAL-0042'],
		],
		gps: [
			[0x0001, 2, 'N'],
			[0x0002, 5, [[31, 1], [14, 1], [5, 1]]],
			[0x0003, 2, 'E'],
			[0x0004, 5, [[121, 1], [28, 1], [7, 1]]],
		],
	});

// A small ICC profile (v2 display class) whose description names the device.
function icc(desc) {
	const text = ascii(desc + '\0');
	const descTag = Buffer.alloc(12 + text.length + 12 + 67);
	descTag.write('desc', 0, 'latin1');
	descTag.writeUInt32BE(text.length, 8);
	text.copy(descTag, 12);
	const size = 128 + 4 + 12 + descTag.length;
	const p = Buffer.alloc(size);
	p.writeUInt32BE(size, 0);
	p.write('QFCM', 4, 'latin1');
	p.writeUInt32BE(0x02100000, 8);
	p.write('mntrRGB XYZ ', 12, 'latin1');
	p.write('acsp', 36, 'latin1');
	p.write('QFDV', 48, 'latin1'); // device manufacturer
	p.writeUInt32BE(1, 128);
	p.write('desc', 132, 'latin1');
	p.writeUInt32BE(144, 136);
	p.writeUInt32BE(descTag.length, 140);
	descTag.copy(p, 144);
	return p;
}

// A JUMBF superbox labelled c2pa, as C2PA content credentials are stored.
function jumbf(text) {
	const box = (type, body) => {
		const h = Buffer.alloc(8);
		h.writeUInt32BE(8 + body.length);
		h.write(type, 4, 'latin1');
		return Buffer.concat([h, body]);
	};
	const jumd = box(
		'jumd',
		Buffer.concat([Buffer.from('6332706100110010800000aa00389b71', 'hex'), Buffer.from([3]), ascii('c2pa\0')])
	);
	const claim = box('cbor', utf8(text));
	return box('jumb', Buffer.concat([jumd, claim]));
}

function segment(marker, payload) {
	const h = Buffer.alloc(4);
	h[0] = 0xff;
	h[1] = marker;
	h.writeUInt16BE(payload.length + 2, 2);
	return Buffer.concat([h, payload]);
}

// ---- phone.jpg --------------------------------------------------------------
const jpeg = Buffer.from(images.jpeg);
let at = 2;
if (jpeg[2] === 0xff && jpeg[3] === 0xe0) at = 4 + jpeg.readUInt16BE(4);
const thumbJpeg = Buffer.concat([
	Buffer.from(images.thumb).subarray(0, 2),
	segment(0xfe, ascii('QF-THUMB-ORIGINAL uncropped')),
	Buffer.from(images.thumb).subarray(2),
]);
const c2pa = jumbf('{"claim_generator":"QF-C2PA-DEVICE camera app","author":"QF-C2PA-AUTHOR","when":"2026-03-01T14:35:22Z"}');
const half = c2pa.indexOf('"author"'); // C2PA spans two APP11 segments
const xmp = (extra) =>
	ascii(
		'http://ns.adobe.com/xap/1.0/\0<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">' +
			'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description ' +
			'xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:tiff="http://ns.adobe.com/tiff/1.0/" ' +
			'xmlns:dc="http://purl.org/dc/elements/1.1/" exif:GPSLatitude="31,14.08N" tiff:Model="QF-XMP-MODEL" ' +
			`dc:creator="QF-XMP-CREATOR"${extra}/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`
	);
const phoneJpeg = Buffer.concat([
	jpeg.subarray(0, at),
	segment(0xe0, Buffer.concat([ascii('JFXX\0'), Buffer.from([0x10]), thumbJpeg])),
	segment(0xe1, Buffer.concat([ascii('Exif\0\0'), phoneExif('QF-MAKE-CAM', 'QF-MODEL-PHONE')])),
	segment(0xe1, xmp('')),
	segment(0xe1, ascii('http://ns.adobe.com/xmp/extension/\0' + '0'.repeat(32) + '\0\0\0\x40\0\0\0\0<x:xmpmeta>QF-XMP-EXT</x:xmpmeta>')),
	segment(0xe2, Buffer.concat([ascii('ICC_PROFILE\0'), Buffer.from([1, 1]), icc('QF-ICC-DEVICE Phone X display')])),
	segment(0xe2, ascii('MPF\0MM\0\x2a\0\0\0\x08QF-MPF-INDEX')),
	segment(0xe5, ascii('QF-VENDOR-APP5 serial 9001')),
	segment(0xeb, Buffer.concat([ascii('JP\0\x01\0\0\0\x01'), c2pa.subarray(0, half)])),
	segment(0xeb, Buffer.concat([ascii('JP\0\x01\0\0\0\x02'), c2pa.subarray(half)])),
	segment(0xed, ascii('Photoshop 3.0\x008BIM\x04\x04\0\0\0\0\0\x14\x1c\x02\x50\0\x0eQF-IPTC-BYLINE')),
	segment(0xfe, ascii('QF-COMMENT-2 written by the camera')),
	jpeg.subarray(at),
	ascii('QF-TRAILER-MOTION ftypmp42 a video of the moments before'),
]);
writeFileSync(join(OUT, 'phone.jpg'), phoneJpeg);

// ---- phone.png ----------------------------------------------------------------
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
const u32 = (...v) => {
	const b = Buffer.alloc(4 * v.length);
	v.forEach((x, i) => b.writeUInt32BE(x, 4 * i));
	return b;
};
const png = Buffer.from(images.png);
const ihdrEnd = 8 + 12 + png.readUInt32BE(8);
// everything but IHDR and IEND as chromium wrote it
const pngBody = png.subarray(ihdrEnd, png.length - 12);
const phonePng = Buffer.concat([
	png.subarray(0, ihdrEnd),
	chunk('iCCP', Buffer.concat([ascii('QF-ICC-PNG-NAME\0\0'), deflateSync(icc('QF-ICC-PNG-DESC'))])),
	chunk('sRGB', Buffer.from([0])),
	chunk('gAMA', u32(45455)),
	chunk('cHRM', u32(31270, 32900, 64000, 33000, 30000, 60000, 15000, 6000)),
	chunk('pHYs', Buffer.concat([u32(2835, 2835), Buffer.from([1])])),
	chunk('caBX', c2pa),
	chunk('eXIf', phoneExif('QF-PNG-EXIF-CAM', 'QF-PNG-EXIF-MODEL')),
	chunk('tEXt', ascii('Author\0QF-PNG-AUTHOR')),
	chunk('iTXt', Buffer.concat([ascii('XML:com.adobe.xmp\0\0\0\0\0'), xmp(' xmp:Note="QF-PNG-XMP"')])),
	chunk('zTXt', Buffer.concat([ascii('Comment\0\0'), deflateSync(ascii('QF-PNG-ZTXT'))])),
	chunk('tIME', Buffer.from([0x07, 0xea, 3, 1, 14, 35, 22])),
	chunk('prVt', ascii('QF-PNG-PRIVATE device id 77')),
	pngBody,
	chunk('IEND', Buffer.alloc(0)),
	ascii('QF-PNG-TRAILER'),
]);
writeFileSync(join(OUT, 'phone.png'), phonePng);

// ---- phone.webp ---------------------------------------------------------------
function riffChunk(type, data) {
	const h = Buffer.alloc(8);
	h.write(type, 0, 'latin1');
	h.writeUInt32LE(data.length, 4);
	return Buffer.concat([h, data, data.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}
const webp = Buffer.from(images.webp);
if (webp.toString('latin1', 12, 16) !== 'VP8X') throw new Error('chromium wrote a simple WebP: expected VP8X with ALPH');
const chunksIn = [];
for (let i = 12; i < webp.length; ) {
	const n = webp.readUInt32LE(i + 4);
	chunksIn.push([webp.toString('latin1', i, i + 4), webp.subarray(i + 8, i + 8 + n)]);
	i += 8 + n + (n & 1);
}
const vp8x = Buffer.from(chunksIn[0][1]);
vp8x[0] |= 0x20 | 0x08 | 0x04; // ICC, EXIF, XMP
const webpBody = Buffer.concat([
	ascii('WEBP'),
	riffChunk('VP8X', vp8x),
	riffChunk('ICCP', icc('QF-WEBP-ICC')),
	...chunksIn.slice(1).filter(([t]) => t !== 'ICCP').map(([t, d]) => riffChunk(t, d)), // chromium's own sRGB profile
	riffChunk('EXIF', phoneExif('QF-WEBP-EXIF-CAM', 'QF-WEBP-MODEL')),
	riffChunk('XMP ', xmp(' xmp:Note="QF-WEBP-XMP"').subarray(29)),
	riffChunk('QFUK', ascii('QF-WEBP-UNKNOWN')),
]);
const riffHead = Buffer.alloc(8);
riffHead.write('RIFF', 0, 'latin1');
riffHead.writeUInt32LE(webpBody.length, 4);
writeFileSync(join(OUT, 'phone.webp'), Buffer.concat([riffHead, webpBody]));

// ---- Office documents ---------------------------------------------------------
const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n';
const NS_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
const NS_ODR = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const rels = (list) =>
	XML +
	`<Relationships xmlns="${NS_REL}">` +
	list
		.map(([id, type, target, ext]) => `<Relationship Id="${id}" Type="${NS_ODR}/${type}" Target="${target}"${ext ? ' TargetMode="External"' : ''}/>`)
		.join('') +
	'</Relationships>';
const contentTypes = (overrides) =>
	XML +
	'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
	'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
	'<Default Extension="xml" ContentType="application/xml"/><Default Extension="jpeg" ContentType="image/jpeg"/>' +
	overrides.map(([p, t]) => `<Override PartName="/${p}" ContentType="${t}"/>`).join('') +
	'</Types>';
const CT = 'application/vnd.openxmlformats-officedocument';
const core = (who) =>
	XML +
	'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ' +
	'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ' +
	'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
	`<dc:title>QF-TITLE ${who}</dc:title><dc:subject>QF-SUBJECT</dc:subject><dc:creator>QF-AUTHOR 张三</dc:creator>` +
	'<cp:keywords>QF-KEYWORDS</cp:keywords><dc:description>QF-DESCRIPTION</dc:description>' +
	'<cp:lastModifiedBy>QF-MODIFIER zhangsan</cp:lastModifiedBy><cp:revision>7</cp:revision>' +
	'<cp:lastPrinted>2026-02-27T09:12:00Z</cp:lastPrinted>' +
	'<dcterms:created xsi:type="dcterms:W3CDTF">2026-02-26T08:01:00Z</dcterms:created>' +
	'<dcterms:modified xsi:type="dcterms:W3CDTF">2026-03-01T06:35:00Z</dcterms:modified></cp:coreProperties>';
const app = (application) =>
	XML +
	'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" ' +
	'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">' +
	`<Template>Normal.dotm</Template><TotalTime>42</TotalTime><Application>${application}</Application>` +
	'<Manager>QF-MANAGER 李四</Manager><Company>QF-COMPANY 某县财政局</Company><AppVersion>16.0000</AppVersion></Properties>';
const custom =
	XML +
	'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" ' +
	'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">' +
	'<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="KSOProductBuildVer"><vt:lpwstr>2052-12.1.0.16120</vt:lpwstr></property>' +
	'<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="3" name="ICV"><vt:lpwstr>QF-CUSTOM-ICV-5F3A</vt:lpwstr></property></Properties>';
const packageRels = (main) =>
	rels([
		['rId1', 'officeDocument', main],
		['rId2', 'extended-properties', 'docProps/app.xml'],
		['rId3', 'custom-properties', 'docProps/custom.xml'],
	]).replace('</Relationships>', `<Relationship Id="rId4" Type="${NS_REL.replace('relationships', 'relationships/metadata/core-properties')}" Target="docProps/core.xml"/></Relationships>`);
const zip = (files) =>
	zipSync(
		Object.fromEntries(Object.entries(files).map(([k, v]) => [k, [typeof v === 'string' ? strToU8(v) : v, { mtime: new Date(2026, 2, 1, 14, 35, 22) }]]))
	);

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const docx = {
	'[Content_Types].xml': contentTypes([
		['word/document.xml', `${CT}.wordprocessingml.document.main+xml`],
		['word/comments.xml', `${CT}.wordprocessingml.comments+xml`],
		['word/people.xml', `${CT}.wordprocessingml.people+xml`],
		['word/settings.xml', `${CT}.wordprocessingml.settings+xml`],
		['docProps/core.xml', 'application/vnd.openxmlformats-package.core-properties+xml'],
		['docProps/app.xml', `${CT}.extended-properties+xml`],
		['docProps/custom.xml', `${CT}.custom-properties+xml`],
	]),
	'_rels/.rels': packageRels('word/document.xml'),
	'docProps/core.xml': core('docx'),
	'docProps/app.xml': app('Microsoft Office Word'),
	'docProps/custom.xml': custom,
	'word/document.xml':
		XML +
		`<w:document xmlns:w="${W}" xmlns:r="${NS_ODR}" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" ` +
		'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" ' +
		'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"><w:body>' +
		'<w:p w:rsidR="00A1B2C3" w:rsidRDefault="00D4E5F6" w14:paraId="1A2B3C4D"><w:r w:rsidRPr="00A1B2C3"><w:t xml:space="preserve">QF-BODY-TEXT 材料正文 </w:t></w:r>' +
		'<w:ins w:id="1" w:author="QF-REVISOR 王五" w:date="2026-03-01T14:30:00Z"><w:r><w:t>inserted</w:t></w:r></w:ins>' +
		"<w:del w:id='2' w:author='QF-DELETER' w:date='2026-03-01T14:31:00Z'><w:r><w:delText>deleted</w:delText></w:r></w:del>" +
		'<w:commentRangeStart w:id="0"/><w:r><w:t>commented</w:t></w:r><w:commentRangeEnd w:id="0"/>' +
		'<w:r><w:commentReference w:id="0"/></w:r></w:p>' +
		'<w:p><w:r><w:drawing><wp:inline><wp:extent cx="609600" cy="457200"/><wp:docPr id="1" name="Picture 1"/>' +
		'<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>' +
		'<pic:nvPicPr><pic:cNvPr id="1" name="IMG_20260301_143522.jpg"/><pic:cNvPicPr/></pic:nvPicPr>' +
		'<pic:blipFill><a:blip r:embed="rId9"/></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="609600" cy="457200"/></a:xfrm>' +
		'<a:prstGeom prst="rect"/></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>' +
		'<w:sectPr w:rsidR="00A1B2C3"/></w:body></w:document>',
	'word/_rels/document.xml.rels': rels([
		['rId1', 'comments', 'comments.xml'],
		['rId2', 'settings', 'settings.xml'],
		['rId8', 'people', 'people.xml'],
		['rId9', 'image', 'media/image1.jpeg'],
	]).replace(`${NS_ODR}/people`, 'http://schemas.microsoft.com/office/2011/relationships/people'),
	'word/comments.xml':
		XML +
		`<w:comments xmlns:w="${W}"><w:comment w:id="0" w:author="QF-COMMENTER 赵六" w:date="2026-03-01T14:32:00Z" w:initials="QFC">` +
		'<w:p><w:r><w:t>QF-BODY-TEXT a comment</w:t></w:r></w:p></w:comment></w:comments>',
	'word/people.xml':
		XML +
		'<w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"><w15:person w15:author="QF-REVISOR 王五">' +
		'<w15:presenceInfo w15:providerId="AD" w15:userId="S-1-5-21-QF-PEOPLE-SID"/></w15:person></w15:people>',
	'word/settings.xml':
		XML +
		`<w:settings xmlns:w="${W}" xmlns:r="${NS_ODR}"><w:attachedTemplate r:id="rId1"/><w:trackRevisions/>` +
		'<w:rsids><w:rsidRoot w:val="00A1B2C3"/><w:rsid w:val="00A1B2C3"/><w:rsid w:val="00D4E5F6"/></w:rsids></w:settings>',
	'word/_rels/settings.xml.rels': rels([
		['rId1', 'attachedTemplate', 'file:///C:\\Users\\QF-WINUSER\\AppData\\Roaming\\Microsoft\\Templates\\Normal.dotm', true],
	]),
	'word/media/image1.jpeg': phoneJpeg,
};
writeFileSync(join(OUT, 'author.docx'), zip(docx));

const S = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const xlsx = {
	'[Content_Types].xml': contentTypes([
		['xl/workbook.xml', `${CT}.spreadsheetml.sheet.main+xml`],
		['xl/worksheets/sheet1.xml', `${CT}.spreadsheetml.worksheet+xml`],
		['xl/comments1.xml', `${CT}.spreadsheetml.comments+xml`],
		['xl/threadedComments/threadedComment1.xml', 'application/vnd.ms-excel.threadedcomments+xml'],
		['xl/persons/person.xml', 'application/vnd.ms-excel.person+xml'],
		['docProps/core.xml', 'application/vnd.openxmlformats-package.core-properties+xml'],
		['docProps/app.xml', `${CT}.extended-properties+xml`],
		['docProps/custom.xml', `${CT}.custom-properties+xml`],
	]),
	'_rels/.rels': packageRels('xl/workbook.xml'),
	'docProps/core.xml': core('xlsx'),
	'docProps/app.xml': app('Microsoft Excel'),
	'docProps/custom.xml': custom,
	'xl/workbook.xml':
		XML +
		`<workbook xmlns="${S}" xmlns:r="${NS_ODR}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" ` +
		'xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac" mc:Ignorable="x15ac">' +
		'<mc:AlternateContent><mc:Choice Requires="x15ac"><x15ac:absPath url="C:\\Users\\QF-XLUSER\\Desktop\\账目\\"/></mc:Choice></mc:AlternateContent>' +
		'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
	'xl/_rels/workbook.xml.rels': rels([
		['rId1', 'worksheet', 'worksheets/sheet1.xml'],
		['rId2', 'person', 'persons/person.xml'],
	]).replace(`${NS_ODR}/person`, 'http://schemas.microsoft.com/office/2017/10/relationships/person'),
	'xl/worksheets/sheet1.xml':
		XML +
		`<worksheet xmlns="${S}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>QF-BODY-TEXT 4800</t></is></c></row></sheetData></worksheet>`,
	'xl/worksheets/_rels/sheet1.xml.rels': rels([
		['rId1', 'comments', '../comments1.xml'],
		['rId2', 'threadedComment', '../threadedComments/threadedComment1.xml'],
	]).replace(`${NS_ODR}/threadedComment`, 'http://schemas.microsoft.com/office/2017/10/relationships/threadedComment'),
	'xl/comments1.xml':
		XML +
		`<comments xmlns="${S}"><authors><author>QF-XL-COMMENTER</author><author>tc={11111111-2222-3333-4444-555555555555}</author></authors>` +
		'<commentList><comment ref="A1" authorId="0"><text><r><t>QF-XL-COMMENTER:\nQF-BODY-TEXT note</t></r></text></comment></commentList></comments>',
	'xl/threadedComments/threadedComment1.xml':
		XML +
		'<ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments">' +
		'<threadedComment ref="A1" dT="2026-03-01T14:35:22.00" personId="{AAAAAAAA-0000-0000-0000-000000000001}" id="{11111111-2222-3333-4444-555555555555}">' +
		'<text>QF-BODY-TEXT thread</text></threadedComment></ThreadedComments>',
	'xl/persons/person.xml':
		XML +
		'<personList xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments">' +
		'<person displayName="QF-XL-PERSON 孙七" id="{AAAAAAAA-0000-0000-0000-000000000001}" userId="qf-xl-user@example.gov.cn" providerId="AD"/></personList>',
};
writeFileSync(join(OUT, 'author.xlsx'), zip(xlsx));

const P = 'http://schemas.openxmlformats.org/presentationml/2006/main';
const pptx = {
	'[Content_Types].xml': contentTypes([
		['ppt/presentation.xml', `${CT}.presentationml.presentation.main+xml`],
		['ppt/slides/slide1.xml', `${CT}.presentationml.slide+xml`],
		['ppt/commentAuthors.xml', `${CT}.presentationml.commentAuthors+xml`],
		['ppt/authors.xml', 'application/vnd.ms-powerpoint.authors+xml'],
		['docProps/core.xml', 'application/vnd.openxmlformats-package.core-properties+xml'],
		['docProps/app.xml', `${CT}.extended-properties+xml`],
		['docProps/custom.xml', `${CT}.custom-properties+xml`],
	]),
	'_rels/.rels': packageRels('ppt/presentation.xml'),
	'docProps/core.xml': core('pptx'),
	'docProps/app.xml': app('Microsoft Office PowerPoint'),
	'docProps/custom.xml': custom,
	'ppt/presentation.xml':
		XML + `<p:presentation xmlns:p="${P}" xmlns:r="${NS_ODR}"><p:sldIdLst><p:sldId id="256" r:id="rId2"/></p:sldIdLst></p:presentation>`,
	'ppt/_rels/presentation.xml.rels': rels([
		['rId2', 'slide', 'slides/slide1.xml'],
		['rId3', 'commentAuthors', 'commentAuthors.xml'],
		['rId4', 'authors', 'authors.xml'],
	]).replace(`${NS_ODR}/authors`, 'http://schemas.microsoft.com/office/2018/10/relationships/authors'),
	'ppt/slides/slide1.xml':
		XML +
		`<p:sld xmlns:p="${P}" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><p:cSld><p:spTree>` +
		'<p:sp><p:txBody><a:bodyPr/><a:p><a:r><a:t>QF-BODY-TEXT slide</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>',
	'ppt/commentAuthors.xml':
		XML +
		`<p:cmAuthorLst xmlns:p="${P}"><p:cmAuthor id="1" name="QF-PPT-AUTHOR 周八" initials="QFP" lastIdx="1" clrIdx="0"/></p:cmAuthorLst>`,
	'ppt/authors.xml':
		XML +
		'<p188:authorLst xmlns:p188="http://schemas.microsoft.com/office/powerpoint/2018/8/main">' +
		'<p188:author id="{BBBBBBBB-0000-0000-0000-000000000002}" name="QF-PPT-MODERN" initials="QFM" userId="qf-ppt-user@example.gov.cn" providerId="AD"/></p188:authorLst>',
};
writeFileSync(join(OUT, 'author.pptx'), zip(pptx));

// ---- author.pdf -----------------------------------------------------------------
const pdf = await PDFDocument.create({ updateMetadata: false });
pdf.setTitle('QF-PDF-TITLE');
pdf.setAuthor('QF-PDF-AUTHOR 张三');
pdf.setSubject('QF-PDF-SUBJECT');
pdf.setKeywords(['QF-PDF-KEYWORDS']);
pdf.setCreator('QF-PDF-CREATOR WPS Writer');
pdf.setProducer('QF-PDF-PRODUCER');
pdf.setCreationDate(new Date('2026-03-01T06:35:22Z'));
pdf.setModificationDate(new Date('2026-03-01T06:35:22Z'));
const pg = pdf.addPage([300, 200]);
const font = await pdf.embedFont(StandardFonts.Helvetica);
pg.drawText('QF-PDF-CONTENT evidence', { x: 20, y: 150, size: 14, font });
const photo = await pdf.embedJpg(new Uint8Array(phoneJpeg)); // a copy: pdf-lib reads .buffer from offset 0
pg.drawImage(photo, { x: 20, y: 20, width: 64, height: 48 });
const c = pdf.context;
const xmpPdf =
	'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
	'<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/">' +
	'<dc:creator><rdf:Seq><rdf:li>QF-PDF-XMP-AUTHOR</rdf:li></rdf:Seq></dc:creator><xmp:CreatorTool>QF-PDF-XMP-TOOL</xmp:CreatorTool>' +
	'<xmp:CreateDate>2026-03-01T14:35:22+08:00</xmp:CreateDate></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>';
const meta = c.register(c.stream(xmpPdf, { Type: 'Metadata', Subtype: 'XML' }));
pdf.catalog.set(PDFName.of('Metadata'), meta);
const annot = c.register(
	c.obj({
		Type: 'Annot',
		Subtype: 'Text',
		Rect: [250, 150, 270, 170],
		Contents: PDFHexString.fromText('QF-BODY-TEXT note'),
		T: PDFHexString.fromText('QF-PDF-ANNOT-AUTHOR 张三'),
		M: PDFString.of("D:20260301143522+08'00'"),
	})
);
pg.node.set(PDFName.of('Annots'), c.obj([annot]));
pg.node.set(PDFName.of('PieceInfo'), c.obj({ Illustrator: { Private: PDFString.of('QF-PDF-PIECEINFO') } }));
let bytes = Buffer.from(await pdf.save({ useObjectStreams: false }));
// an incremental update: a new Info object; the old one stays in the file
const tail = bytes.toString('latin1', bytes.length - 64);
const prev = Number(/startxref\s+(\d+)/.exec(tail)[1]);
const num = c.largestObjectNumber + 1;
const rootRef = /\/Root (\d+ \d+ R)/.exec(bytes.toString('latin1'))[1];
const obj = `${num} 0 obj\n<< /Author (QF-PDF-NEW-AUTHOR) /Producer (QF-PDF-NEW-PRODUCER) >>\nendobj\n`;
const objAt = bytes.length;
const xrefAt = objAt + obj.length;
const update =
	obj +
	`xref\n${num} 1\n${String(objAt).padStart(10, '0')} 00000 n \n` +
	`trailer\n<< /Size ${num + 1} /Root ${rootRef} /Info ${num} 0 R /Prev ${prev} ` +
	'/ID [<51462d4f524947494e414c2d4944> <51462d4f524947494e414c2d4944>] >>\n' +
	`startxref\n${xrefAt}\n%%EOF\n`;
bytes = Buffer.concat([bytes, ascii(update)]);
writeFileSync(join(OUT, 'author.pdf'), bytes);
console.log('strip fixtures written to', OUT);
