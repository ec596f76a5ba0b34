// metastrip: removes the metadata a phone or camera writes into JPEG and PNG
// files (location, camera, time, software, comments) before the file is
// encrypted, by walking the file's own structure: JPEG segments and PNG
// chunks are copied as they are, except
//   JPEG: APP1 (Exif, with GPS and camera data, and XMP), APP13 (Photoshop
//         IRB / IPTC) and COM (comments) segments, and anything after the end
//         of the image (phone "motion photos", appended previews);
//         the Exif orientation alone is kept, in a minimal Exif segment, so
//         the picture is not shown turned on its side;
//   PNG:  tEXt, iTXt, zTXt (text, XMP), eXIf (Exif) and tIME chunks, and
//         anything after IEND.
// The image data itself is never decoded or re-encoded. A file that does not
// have the structure it claims throws a StripError: the page then says so
// rather than sending something it could not clean.

export class StripError extends Error {
	constructor(message) {
		super(message);
		this.code = 'strip_failed';
	}
}

const PNG_SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const PNG_DROP = new Set(['tEXt', 'iTXt', 'zTXt', 'eXIf', 'tIME']);

// 'jpeg', 'png' or null, from the first bytes (not from the name).
export function sniff(b) {
	if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
	if (b.length >= 8 && PNG_SIG.every((v, i) => b[i] === v)) return 'png';
	return null;
}

function concat(parts) {
	let n = 0;
	for (const p of parts) n += p.length;
	const out = new Uint8Array(n);
	let o = 0;
	for (const p of parts) {
		out.set(p, o);
		o += p.length;
	}
	return out;
}

// The Exif orientation (1..8) in an APP1 payload, or 0.
function exifOrientation(p) {
	const ascii = String.fromCharCode(...p.subarray(0, 6));
	if (ascii !== 'Exif\0\0' || p.length < 14) return 0;
	const t = p.subarray(6);
	const dv = new DataView(t.buffer, t.byteOffset, t.length);
	let le;
	if (t[0] === 0x49 && t[1] === 0x49) le = true;
	else if (t[0] === 0x4d && t[1] === 0x4d) le = false;
	else return 0;
	if (dv.getUint16(2, le) !== 42) return 0;
	const ifd = dv.getUint32(4, le);
	if (ifd + 2 > t.length) return 0;
	const n = dv.getUint16(ifd, le);
	for (let i = 0; i < n; i++) {
		const e = ifd + 2 + i * 12;
		if (e + 12 > t.length) return 0;
		if (dv.getUint16(e, le) === 0x0112 && dv.getUint16(e + 2, le) === 3 && dv.getUint32(e + 4, le) === 1) {
			const v = dv.getUint16(e + 8, le);
			return v >= 1 && v <= 8 ? v : 0;
		}
	}
	return 0;
}

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

const JPEG_NAMES = { 0xe1: 'APP1', 0xed: 'APP13', 0xfe: 'COM' };

export function stripJpeg(b) {
	if (sniff(b) !== 'jpeg') throw new StripError('not a JPEG file');
	const out = [b.subarray(0, 2)];
	const removed = [];
	let orientation = 0;
	let orientAt = -1; // index in out where the kept orientation goes
	let i = 2;
	for (;;) {
		if (i + 1 >= b.length) throw new StripError('JPEG ends before its end marker');
		if (b[i] !== 0xff) throw new StripError('JPEG segment expected');
		while (i + 1 < b.length && b[i + 1] === 0xff) i++; // fill bytes
		const m = b[i + 1];
		const at = i;
		i += 2;
		if (m === 0xd9) {
			out.push(b.subarray(at, i));
			if (i < b.length) removed.push('trailer');
			break;
		}
		if ((m >= 0xd0 && m <= 0xd7) || m === 0x01) {
			out.push(b.subarray(at, i));
			continue;
		}
		if (m === 0xd8 || m === 0x00) throw new StripError('unexpected JPEG marker');
		if (i + 2 > b.length) throw new StripError('JPEG segment cut short');
		const len = (b[i] << 8) | b[i + 1];
		if (len < 2 || i + len > b.length) throw new StripError('JPEG segment cut short');
		const end = i + len;
		if (m in JPEG_NAMES) {
			if (m === 0xe1) {
				const o = exifOrientation(b.subarray(i + 2, end));
				if (o && !orientation) orientation = o;
				if (orientAt < 0) orientAt = out.length;
			}
			removed.push(JPEG_NAMES[m]);
			i = end;
			continue;
		}
		out.push(b.subarray(at, end));
		i = end;
		if (m === 0xda) {
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
			if (i >= b.length) throw new StripError('JPEG ends inside the image data');
			out.push(b.subarray(start, i));
		}
	}
	if (orientation > 1) out.splice(orientAt, 0, orientationSegment(orientation));
	return { data: concat(out), removed: [...new Set(removed)], orientation };
}

export function stripPng(b) {
	if (sniff(b) !== 'png') throw new StripError('not a PNG file');
	const out = [b.subarray(0, 8)];
	const removed = [];
	let i = 8;
	let first = true;
	for (;;) {
		if (i + 12 > b.length) throw new StripError('PNG ends before IEND');
		const len = ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
		const type = String.fromCharCode(b[i + 4], b[i + 5], b[i + 6], b[i + 7]);
		if (!/^[A-Za-z]{4}$/.test(type)) throw new StripError('bad PNG chunk type');
		const end = i + 12 + len;
		if (len > 0x7fffffff || end > b.length) throw new StripError('PNG chunk cut short');
		if (first && type !== 'IHDR') throw new StripError('PNG does not start with IHDR');
		first = false;
		if (PNG_DROP.has(type)) removed.push(type);
		else out.push(b.subarray(i, end));
		i = end;
		if (type === 'IEND') {
			if (i < b.length) removed.push('trailer');
			break;
		}
	}
	return { data: concat(out), removed: [...new Set(removed)], orientation: 0 };
}

// Strips b if it is a JPEG or PNG (by content). Returns {kind, data, removed}
// with kind null (and data b itself) for other files.
export function strip(b) {
	const kind = sniff(b);
	if (kind === 'jpeg') return { kind, ...stripJpeg(b) };
	if (kind === 'png') return { kind, ...stripPng(b) };
	return { kind: null, data: b, removed: [] };
}
