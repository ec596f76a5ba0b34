// metastrip: removes what a file says about who made it, where, when and
// with what (location, camera or phone model, time, author, "modified by",
// software, thumbnails, content credentials, colour profiles naming the
// device) before it is encrypted. It works by allow-list: a file is rebuilt
// from the parts needed to show it, and everything else is left out.
//   JPEG: SOI, DQT, SOFn, DHT, DAC, DRI, DNL, SOS with its entropy-coded
//         data, RSTn and EOI are kept; a fresh minimal JFIF APP0 is written,
//         an Adobe APP14 is rewritten with its colour transform only, and
//         the Exif orientation alone is kept, in a minimal Exif APP1 (the
//         picture is not re-encoded, so it is neither rotated nor degraded).
//         Every other APPn (Exif, XMP, ICC, MPF, C2PA/JUMBF, IPTC, JFXX
//         thumbnails, vendor segments), COM and anything after EOI go.
//   PNG:  IHDR, PLTE, IDAT, IEND, tRNS, sRGB, gAMA, cHRM, cICP, pHYs and
//         the APNG chunks acTL, fcTL, fdAT are kept, byte for byte; every
//         other ancillary chunk goes (caBX, eXIf, iCCP, text, tIME, private),
//         but an eXIf orientation is kept in a minimal eXIf of its own;
//         an unknown critical chunk makes the file refused.
//   WebP: VP8, VP8L, VP8X, ALPH, ANIM and ANMF are kept; ICCP, EXIF, XMP and
//         unknown chunks go, and the VP8X flags and RIFF size are fixed.
//   DOCX, XLSX, PPTX and PDF are cleaned by strip-office.js and strip-pdf.js,
//   which carry a zip or PDF library and are loaded only when such a file is
//   chosen (opts.load).
// The lists of what is kept are in metastrip-allow.js, which the reporter
// CLI's C stripper (report/metastrip.c) is built from too.
// The image data itself is never decoded or re-encoded. A file that does not
// have the structure it claims throws a StripError: the page then says so
// rather than sending something it could not clean. A file of a kind this
// module does not clean comes back unchanged with cleaned: false and the
// kinds of information it may carry (mayContain), never as "clean".
//
// What was removed is reported as plain categories, translated by the page:
// location, time, device, author, modifier, software, thumbnail, c2pa,
// colour, comment, trailer, other, and for documents dates, company, props,
// custom, comment_authors, revision_authors, path, ids.

import { concat } from './bytes.js';
import { JPEG_KEEP as JPEG_KEEP_LIST, PNG_KEEP as PNG_KEEP_LIST, WEBP_KEEP as WEBP_KEEP_LIST } from './metastrip-allow.js';

export class StripError extends Error {
	constructor(message) {
		super(message);
		this.code = 'strip_failed';
	}
}

const fail = (message) => new StripError(message);

const PNG_SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const latin1 = (b, from, to) => String.fromCharCode(...b.subarray(from, to));

// The kind of file from its first bytes (never from its name): 'jpeg',
// 'png', 'webp', 'pdf', 'zip', 'heic', 'video', 'gif', 'tiff', 'office-old'
// or null.
export function sniff(b) {
	if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
	if (b.length >= 8 && PNG_SIG.every((v, i) => b[i] === v)) return 'png';
	if (b.length >= 12 && latin1(b, 0, 4) === 'RIFF' && latin1(b, 8, 12) === 'WEBP') return 'webp';
	if (b.length >= 4 && latin1(b, 0, 4) === 'PK\x03\x04') return 'zip';
	if (latin1(b, 0, Math.min(b.length, 1024)).includes('%PDF-')) return 'pdf';
	if (b.length >= 12 && latin1(b, 4, 8) === 'ftyp') {
		const brand = latin1(b, 8, 12);
		return /^(hei[cmsx]|hev[cx]|mif1|msf1|avi[fs]|crx )$/.test(brand) ? 'heic' : 'video';
	}
	if (b.length >= 8 && /^(moov|mdat|wide|free|skip)$/.test(latin1(b, 4, 8))) return 'video';
	if (b.length >= 6 && /^GIF8[79]a$/.test(latin1(b, 0, 6))) return 'gif';
	if (b.length >= 4 && /^(II\*\0|MM\0\*)$/.test(latin1(b, 0, 4))) return 'tiff';
	if (b.length >= 8 && [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1].every((v, i) => b[i] === v)) return 'office-old';
	return null;
}

// What a file this module cannot clean may carry, by kind.
const MAY_CONTAIN = {
	heic: ['location', 'time', 'device', 'software'],
	tiff: ['location', 'time', 'device', 'software', 'author'],
	video: ['location', 'time', 'device'],
	gif: ['software', 'comment'],
	'office-old': ['author', 'modifier', 'company', 'dates', 'software'],
	pdf: ['author', 'dates', 'software'],
	zip: ['author', 'modifier', 'location', 'time', 'device'],
	null: ['author', 'modifier', 'location', 'time', 'device'],
};

// ---- Exif and XMP: what they held, as categories ---------------------------

const EXIF_TAGS = {
	0x010f: 'device', // Make
	0x0110: 'device', // Model
	0x0131: 'software',
	0x0132: 'time', // DateTime
	0x013b: 'author', // Artist
	0x8298: 'author', // Copyright
	0x9c9d: 'author', // XPAuthor
	0x9c9c: 'comment', // XPComment
	0x010e: 'comment', // ImageDescription
	0x8825: 'location', // GPS IFD
	0x9003: 'time', // DateTimeOriginal
	0x9004: 'time', // DateTimeDigitized
	0x9010: 'time', // OffsetTime
	0x9011: 'time',
	0x9012: 'time',
	0x9286: 'comment', // UserComment
	0x927c: 'device', // MakerNote
	0xa420: 'other', // ImageUniqueID
	0xa430: 'author', // CameraOwnerName
	0xa431: 'device', // BodySerialNumber
	0xa433: 'device', // LensMake
	0xa434: 'device', // LensModel
	0xa435: 'device', // LensSerialNumber
};

// Reads a TIFF (the body of Exif): its orientation and the categories of
// what it holds. Anything unreadable counts as 'other'.
export function exifInfo(t) {
	const found = new Set();
	let orientation = 0;
	try {
		const dv = new DataView(t.buffer, t.byteOffset, t.length);
		let le;
		if (t[0] === 0x49 && t[1] === 0x49) le = true;
		else if (t[0] === 0x4d && t[1] === 0x4d) le = false;
		else throw fail('not a TIFF');
		if (dv.getUint16(2, le) !== 42) throw fail('not a TIFF');
		const seen = new Set();
		const ifd = (at, first) => {
			if (!at || seen.has(at) || seen.size > 8) return;
			seen.add(at);
			const n = dv.getUint16(at, le);
			for (let i = 0; i < n; i++) {
				const e = at + 2 + i * 12;
				const tag = dv.getUint16(e, le);
				if (tag === 0x0112 && first) {
					const v = dv.getUint16(e + 8, le);
					if (dv.getUint16(e + 2, le) === 3 && v >= 1 && v <= 8) orientation = v;
				} else if (tag === 0x8769) ifd(dv.getUint32(e + 8, le), false);
				else if (EXIF_TAGS[tag]) found.add(EXIF_TAGS[tag]);
			}
			const next = dv.getUint32(at + 2 + n * 12, le);
			if (first && next) found.add('thumbnail');
		};
		ifd(dv.getUint32(4, le), true);
	} catch (e) {
		found.add('other');
	}
	return { orientation, found };
}

// Categories of an XMP packet, from the names it uses; XMP can hold much
// more (editing history, document ids), so it always counts as 'other' too.
export function xmpInfo(text) {
	const found = new Set(['other']);
	const rules = [
		[/GPS/, 'location'],
		[/tiff:Make|tiff:Model|aux:SerialNumber|aux:Lens|exifEX:(Body|Lens)/, 'device'],
		[/CreateDate|DateTimeOriginal|ModifyDate|MetadataDate|DateCreated/, 'time'],
		[/dc:creator|photoshop:Author|xmpRights:Owner|Iptc4xmpCore:Creator/, 'author'],
		[/CreatorTool|softwareAgent/, 'software'],
	];
	for (const [re, what] of rules) if (re.test(text)) found.add(what);
	return found;
}

const EXIF_HEAD = 'Exif\0\0';

// ---- JPEG --------------------------------------------------------------------

// A minimal APP1 Exif segment holding only the orientation.
export function orientationSegment(v) {
	const seg = new Uint8Array(36);
	const dv = new DataView(seg.buffer);
	seg.set([0xff, 0xe1], 0);
	dv.setUint16(2, 34);
	seg.set([0x45, 0x78, 0x69, 0x66, 0, 0], 4); // "Exif\0\0"
	seg.set([0x4d, 0x4d, 0x00, 0x2a], 10); // big-endian TIFF
	dv.setUint32(14, 8);
	dv.setUint16(18, 1); // one entry
	dv.setUint16(20, 0x0112); // Orientation
	dv.setUint16(22, 3); // SHORT
	dv.setUint32(24, 1);
	dv.setUint16(28, v);
	dv.setUint32(32, 0); // no next IFD
	return seg;
}

// JFIF 1.01, no density (aspect 1:1), no thumbnail
const JFIF = Uint8Array.of(0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0);
const adobeSegment = (transform) => Uint8Array.of(0xff, 0xee, 0, 14, 0x41, 0x64, 0x6f, 0x62, 0x65, 0, 100, 0, 0, 0, 0, transform);

// markers whose segments decoding needs: DQT, DHT, DAC, DRI, DNL, DHP, EXP
// and every SOFn (the list is shared with the CLI: metastrip-allow.js)
const JPEG_KEEP = new Set(JPEG_KEEP_LIST);

// What an APPn segment held.
function appInfo(m, p, removed) {
	const head = (s) => p.length >= s.length && latin1(p, 0, s.length) === s;
	if (m === 0xe0) {
		if (head('JFXX\0')) removed.add('thumbnail');
		else if (!head('JFIF\0')) removed.add('other');
	} else if (m === 0xe1) {
		if (head(EXIF_HEAD)) for (const c of exifInfo(p.subarray(6)).found) removed.add(c);
		else if (head('http://ns.adobe.com/xap/1.0/\0') || head('http://ns.adobe.com/xmp/extension/\0'))
			for (const c of xmpInfo(latin1(p, 0, Math.min(p.length, 65535)))) removed.add(c);
		else removed.add('other');
	} else if (m === 0xe2 && head('ICC_PROFILE\0')) removed.add('colour');
	else if (m === 0xeb) removed.add('c2pa');
	else if (m !== 0xee || !head('Adobe')) removed.add('other');
}

export function stripJpeg(b) {
	if (sniff(b) !== 'jpeg') throw fail('not a JPEG file');
	const body = [];
	const removed = new Set();
	let orientation = 0;
	let exifSeen = false;
	let adobe = -1;
	let components = 0;
	let scans = 0;
	let i = 2;
	for (;;) {
		if (i + 1 >= b.length) throw fail('JPEG ends before its end marker');
		if (b[i] !== 0xff) throw fail('JPEG segment expected');
		while (i + 1 < b.length && b[i + 1] === 0xff) i++; // fill bytes
		const m = b[i + 1];
		const at = i;
		i += 2;
		if (m === 0xd9) {
			body.push(b.subarray(at, i));
			if (i < b.length) removed.add('trailer');
			break;
		}
		if ((m >= 0xd0 && m <= 0xd7) || m === 0x01) {
			body.push(b.subarray(at, i));
			continue;
		}
		const app = m >= 0xe0 && m <= 0xef;
		if (!app && m !== 0xfe && m !== 0xda && !JPEG_KEEP.has(m)) throw fail(`JPEG marker ${m.toString(16)} is not one this page knows`);
		if (i + 2 > b.length) throw fail('JPEG segment cut short');
		const len = (b[i] << 8) | b[i + 1];
		if (len < 2 || i + len > b.length) throw fail('JPEG segment cut short');
		const end = i + len;
		const p = b.subarray(i + 2, end);
		i = end;
		if (app) {
			appInfo(m, p, removed);
			if (m === 0xe1 && !exifSeen && p.length >= 6 && latin1(p, 0, 6) === EXIF_HEAD) {
				exifSeen = true;
				orientation = exifInfo(p.subarray(6)).orientation;
			}
			if (m === 0xee && adobe < 0 && p.length >= 12 && latin1(p, 0, 5) === 'Adobe') adobe = p[11];
			continue;
		}
		if (m === 0xfe) {
			removed.add('comment');
			continue;
		}
		if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xcc) {
			if (p.length < 6) throw fail('JPEG frame header cut short');
			components = p[5];
		}
		body.push(b.subarray(at, end));
		if (m === 0xda) {
			scans++;
			// entropy-coded data up to the next marker that is not a stuffed
			// byte (FF00), a restart marker (FFD0-D7) or fill (FFFF)
			const start = i;
			while (i < b.length) {
				if (b[i] === 0xff && i + 1 < b.length) {
					const n = b[i + 1];
					if (n !== 0x00 && !(n >= 0xd0 && n <= 0xd7) && n !== 0xff) break;
				}
				i++;
			}
			if (i >= b.length) throw fail('JPEG ends inside the image data');
			body.push(b.subarray(start, i));
		}
	}
	if (!components || !scans) throw fail('JPEG has no image in it');
	const head = [b.subarray(0, 2)];
	if (components !== 4) head.push(JFIF); // JFIF allows grey and YCbCr only
	if (adobe >= 0) head.push(adobeSegment(adobe));
	if (orientation > 1) head.push(orientationSegment(orientation));
	return { data: concat([...head, ...body]), removed: [...removed], orientation };
}

// ---- PNG ---------------------------------------------------------------------

const PNG_KEEP = new Set(PNG_KEEP_LIST);
// ancillary chunks that only describe how to show the picture: dropped without a word
const PNG_QUIET = new Set(['sBIT', 'bKGD', 'hIST', 'oFFs', 'sCAL', 'sTER', 'mDCv', 'cLLi']);
const PNG_TEXT_KEYS = [
	[/^(Author|Copyright|Disclaimer)$/i, 'author'],
	[/^(Creation Time)$/i, 'time'],
	[/^(Software|Source)$/i, 'software'],
	[/^(Comment|Description|Title|Warning)$/i, 'comment'],
];

function pngChunkInfo(type, d, removed) {
	if (type === 'iCCP') removed.add('colour');
	else if (type === 'caBX') removed.add('c2pa');
	else if (type === 'tIME') removed.add('time');
	else if (type === 'eXIf') for (const c of exifInfo(d).found) removed.add(c);
	else if (type === 'tEXt' || type === 'zTXt' || type === 'iTXt') {
		const nul = d.indexOf(0);
		const key = latin1(d, 0, Math.min(nul < 0 ? d.length : nul, 80)); // keywords are 1-79 bytes
		if (key === 'XML:com.adobe.xmp') {
			const compressed = type === 'iTXt' && d[nul + 1] === 1;
			for (const c of compressed ? ['other'] : xmpInfo(latin1(d, 0, Math.min(d.length, 65535)))) removed.add(c);
		} else removed.add((PNG_TEXT_KEYS.find(([re]) => re.test(key)) || [0, 'other'])[1]);
	} else if (!PNG_QUIET.has(type)) removed.add('other');
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

// A PNG chunk: length, type, data, CRC-32 of type and data.
function pngChunk(type, data) {
	const c = new Uint8Array(12 + data.length);
	const dv = new DataView(c.buffer);
	dv.setUint32(0, data.length);
	for (let k = 0; k < 4; k++) c[4 + k] = type.charCodeAt(k);
	c.set(data, 8);
	let crc = 0xffffffff;
	for (let k = 4; k < 8 + data.length; k++) crc = CRC_TABLE[(crc ^ c[k]) & 0xff] ^ (crc >>> 8);
	dv.setUint32(8 + data.length, (crc ^ 0xffffffff) >>> 0);
	return c;
}

export function stripPng(b) {
	if (sniff(b) !== 'png') throw fail('not a PNG file');
	const out = [b.subarray(0, 8)];
	const removed = new Set();
	let orientation = 0;
	let i = 8;
	let first = true;
	for (;;) {
		if (i + 12 > b.length) throw fail('PNG ends before IEND');
		const len = ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
		const type = latin1(b, i + 4, i + 8);
		if (!/^[A-Za-z]{4}$/.test(type)) throw fail('bad PNG chunk type');
		const end = i + 12 + len;
		if (len > 0x7fffffff || end > b.length) throw fail('PNG chunk cut short');
		if (first && type !== 'IHDR') throw fail('PNG does not start with IHDR');
		first = false;
		if (PNG_KEEP.has(type)) out.push(b.subarray(i, end));
		else if (type[0] >= 'A' && type[0] <= 'Z') throw fail(`PNG chunk ${type} is needed to show the image and not one this page knows`);
		else {
			pngChunkInfo(type, b.subarray(i + 8, end - 4), removed);
			if (type === 'eXIf' && !orientation) orientation = exifInfo(b.subarray(i + 8, end - 4)).orientation || -1;
		}
		i = end;
		if (type === 'IEND') {
			if (i < b.length) removed.add('trailer');
			break;
		}
	}
	// browsers turn a PNG by its eXIf orientation: keep that alone, as for JPEG
	if (orientation > 1) out.splice(2, 0, pngChunk('eXIf', orientationSegment(orientation).subarray(10)));
	return { data: concat(out), removed: [...removed], orientation: Math.max(orientation, 0) };
}

// ---- WebP --------------------------------------------------------------------

const WEBP_KEEP = new Set(WEBP_KEEP_LIST);

export function stripWebp(b) {
	if (sniff(b) !== 'webp') throw fail('not a WebP file');
	const dv = new DataView(b.buffer, b.byteOffset, b.length);
	const size = dv.getUint32(4, true);
	if (size < 4 || size + 8 > b.length) throw fail('WebP cut short');
	const end = 8 + size;
	const removed = new Set();
	if (end < b.length) removed.add('trailer');
	const kept = [];
	let image = false;
	for (let i = 12; i < end; ) {
		if (i + 8 > end) throw fail('WebP chunk cut short');
		const type = latin1(b, i, i + 4);
		const n = dv.getUint32(i + 4, true);
		const next = i + 8 + n + (n & 1);
		if (i + 8 + n > end) throw fail('WebP chunk cut short');
		const d = b.subarray(i + 8, i + 8 + n);
		if (WEBP_KEEP.has(type)) {
			if (type === 'VP8X') {
				if (n < 10) throw fail('WebP header cut short');
				const x = b.slice(i, Math.min(next, end));
				x[8] &= ~0x2c; // no ICC profile, Exif or XMP any more
				kept.push(x);
			} else kept.push(b.subarray(i, Math.min(next, end)));
			if (type !== 'VP8X' && type !== 'ALPH' && type !== 'ANIM') image = true;
		} else if (type === 'ICCP') removed.add('colour');
		else if (type === 'EXIF') for (const c of exifInfo(latin1(d, 0, 6) === EXIF_HEAD ? d.subarray(6) : d).found) removed.add(c);
		else if (type === 'XMP ') for (const c of xmpInfo(latin1(d, 0, Math.min(d.length, 65535)))) removed.add(c);
		else removed.add('other');
		i = next;
	}
	if (!image) throw fail('WebP has no image in it');
	const body = concat(kept);
	const head = new Uint8Array(12);
	head.set(b.subarray(0, 12));
	new DataView(head.buffer).setUint32(4, body.length + 4, true);
	return { data: concat([head, body]), removed: [...removed], orientation: 0 };
}

// ---- every kind ------------------------------------------------------------

// Cleans an image found inside a document; null when b is not a JPEG, PNG or WebP.
export function stripImage(b) {
	const kind = sniff(b);
	if (kind === 'jpeg') return stripJpeg(b);
	if (kind === 'png') return stripPng(b);
	if (kind === 'webp') return stripWebp(b);
	return null;
}

// The categories, in the order the page lists them.
const ORDER = ['location', 'time', 'device', 'author', 'modifier', 'comment_authors', 'revision_authors', 'dates', 'company', 'path',
	'props', 'custom', 'software', 'thumbnail', 'c2pa', 'colour', 'comment', 'ids', 'trailer', 'other'];

const uncleaned = (kind, b) => ({ kind, data: b, removed: [], cleaned: false, mayContain: MAY_CONTAIN[kind] });

// Cleans b by its content. Resolves to {kind, data, removed, cleaned} and,
// for a file it could not clean, mayContain (data is then b itself).
// opts.load(name) resolves to the module strip-<name>.js ('office', 'pdf');
// opts.maxUnzipped caps what an Office file may unpack to. Rejects with a
// StripError when the file does not have the structure of its kind.
export async function strip(b, opts = {}) {
	const kind = sniff(b);
	const done = (r) => ({ kind, cleaned: true, ...r, removed: ORDER.filter((w) => r.removed.includes(w)) });
	if (kind === 'jpeg') return done(stripJpeg(b));
	if (kind === 'png') return done(stripPng(b));
	if (kind === 'webp') return done(stripWebp(b));
	if ((kind === 'zip' || kind === 'pdf') && opts.load) {
		const mod = await opts.load(kind === 'zip' ? 'office' : 'pdf');
		const helpers = { fail, image: stripImage, xmpInfo, maxUnzipped: opts.maxUnzipped };
		const r = kind === 'zip' ? await mod.stripOffice(b, helpers) : await mod.stripPdf(b, helpers);
		return r.cleaned ? done(r) : uncleaned(r.kind, b);
	}
	return uncleaned(kind, b);
}
