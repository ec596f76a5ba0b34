// strip-pdf: removes who made a PDF, when and with what, before it is
// encrypted. It is loaded by the page only when a PDF is chosen
// (web/js/chunks.js) and uses pdf-lib to read the file and write it anew,
// so that nothing of earlier revisions (incremental updates keep every old
// version of a changed object) survives:
//   the document information dictionary (title, author, subject, keywords,
//   creator, producer, dates) and the file identifier (/ID) go;
//   every XMP metadata stream (/Metadata, on the document, pages or images)
//   and every /PieceInfo (private data of the program that made it) go;
//   markup annotations (comments, highlights, stamps) keep their text but
//   lose their author (/T) and dates (/M, /CreationDate);
//   JPEG images (DCTDecode streams) are cleaned like attached JPEGs;
//   objects that nothing refers to any more are not written.
// Kept: the pages, their content, fonts, images, links, forms (field names
// are /T too, but of a field, not of an annotation), bookmarks. An
// encrypted PDF cannot be rewritten here and is reported as not cleaned. A
// digital signature in the PDF no longer verifies after cleaning.
import { PDFDocument, PDFName, PDFDict, PDFArray, PDFRef, PDFStream, PDFRawStream, decodePDFRawStream } from 'pdf-lib';

const INFO_WHAT = {
	Author: 'author',
	Creator: 'software',
	Producer: 'software',
	CreationDate: 'dates',
	ModDate: 'dates',
	Title: 'props',
	Subject: 'props',
	Keywords: 'props',
};
const MARKUP = new Set(['Text', 'FreeText', 'Line', 'Square', 'Circle', 'Polygon', 'PolyLine', 'Highlight', 'Underline', 'Squiggly',
	'StrikeOut', 'Stamp', 'Caret', 'Ink', 'FileAttachment', 'Sound', 'Redact']);
const N = (s) => PDFName.of(s);

function infoWhat(dict, found) {
	for (const [k, v] of dict.entries()) {
		const key = k.decodeText ? k.decodeText() : k.toString().slice(1);
		const empty = v && typeof v.decodeText === 'function' && v.decodeText() === '';
		if (!empty && key !== 'Trapped') found.add(INFO_WHAT[key] || 'other');
	}
}

function xmpWhat(ctx, ref, found, xmpInfo) {
	found.add('other');
	try {
		const s = ctx.lookup(ref);
		if (!(s instanceof PDFRawStream)) return;
		const text = new TextDecoder('latin1').decode(decodePDFRawStream(s).decode());
		for (const c of xmpInfo(text)) found.add(c);
	} catch (e) {
		// an XMP stream that cannot be decoded is removed all the same
	}
}

// Cleans one dictionary in place (and the dictionaries written inside it).
function cleanDict(ctx, d, found, xmpInfo) {
	const meta = d.get(N('Metadata'));
	if (meta) {
		if (meta instanceof PDFRef) xmpWhat(ctx, meta, found, xmpInfo);
		else found.add('other');
		d.delete(N('Metadata'));
	}
	if (d.get(N('PieceInfo'))) {
		d.delete(N('PieceInfo'));
		found.add('other');
	}
	const sub = d.get(N('Subtype'));
	if (sub instanceof PDFName && MARKUP.has(sub.decodeText())) {
		if (d.get(N('T'))) found.add('comment_authors');
		if (d.get(N('M')) || d.get(N('CreationDate'))) found.add('dates');
		for (const k of ['T', 'M', 'CreationDate']) d.delete(N(k));
	}
	for (const [, v] of d.entries()) cleanDirect(ctx, v, found, xmpInfo);
}

function cleanDirect(ctx, o, found, xmpInfo) {
	if (o instanceof PDFDict) cleanDict(ctx, o, found, xmpInfo);
	else if (o instanceof PDFArray) for (const v of o.asArray()) cleanDirect(ctx, v, found, xmpInfo);
}

const isDct = (dict) => {
	const f = dict.get(N('Filter'));
	if (f instanceof PDFName) return f.decodeText() === 'DCTDecode';
	return f instanceof PDFArray && f.size() === 1 && f.get(0) instanceof PDFName && f.get(0).decodeText() === 'DCTDecode';
};

// The references reachable from the trailer's Root.
function reachable(ctx) {
	const seen = new Set();
	const stack = [ctx.trailerInfo.Root];
	while (stack.length) {
		const o = stack.pop();
		if (o instanceof PDFRef) {
			if (seen.has(o.tag)) continue;
			seen.add(o.tag);
			stack.push(ctx.lookup(o));
		} else if (o instanceof PDFDict) for (const [, v] of o.entries()) stack.push(v);
		else if (o instanceof PDFArray) stack.push(...o.asArray());
		else if (o instanceof PDFStream) stack.push(o.dict);
	}
	return seen;
}

// Cleans the PDF b. helpers: {fail(message) -> Error to throw, image(bytes)
// -> {data, removed} for an image or null, xmpInfo(text) -> Set}. Resolves to
// {kind: 'pdf', data, removed, cleaned}; cleaned is false for an encrypted
// PDF. Rejects with fail(...) for a file pdf-lib cannot read as a PDF with pages.
export async function stripPdf(b, { fail, image, xmpInfo }) {
	let doc;
	try {
		doc = await PDFDocument.load(b, { updateMetadata: false, ignoreEncryption: true });
		if (doc.isEncrypted) return { kind: 'pdf', cleaned: false };
		if (!(doc.getPageCount() > 0)) throw new Error('no pages');
	} catch (e) {
		throw fail('not a readable PDF');
	}
	const ctx = doc.context;
	const found = new Set();
	const info = ctx.lookup(ctx.trailerInfo.Info);
	if (info instanceof PDFDict) infoWhat(info, found);
	ctx.trailerInfo.Info = undefined;
	if (ctx.trailerInfo.ID) found.add('ids');
	ctx.trailerInfo.ID = undefined;
	cleanDict(ctx, doc.catalog, found, xmpInfo);
	// objects nothing refers to: old revisions, old Info dictionaries and XMP
	const keep = reachable(ctx);
	for (const [ref, o] of ctx.enumerateIndirectObjects()) {
		if (keep.has(ref.tag)) continue;
		const d = o instanceof PDFDict ? o : o instanceof PDFStream ? o.dict : null;
		if (d && ['Author', 'Creator', 'Producer', 'Title', 'CreationDate'].some((k) => d.get(N(k)))) infoWhat(d, found);
		if (d && d.get(N('Type')) === N('Metadata')) xmpWhat(ctx, ref, found, xmpInfo);
		ctx.delete(ref);
	}
	for (const [ref, o] of ctx.enumerateIndirectObjects()) {
		if (o instanceof PDFDict) cleanDict(ctx, o, found, xmpInfo);
		else if (o instanceof PDFStream) {
			cleanDict(ctx, o.dict, found, xmpInfo);
			if (o instanceof PDFRawStream && isDct(o.dict)) {
				const r = image(o.contents);
				if (r && r.removed.length) {
					for (const w of r.removed) found.add(w);
					ctx.assign(ref, PDFRawStream.of(o.dict, r.data));
				}
			}
		}
	}
	// an XMP stream removed above is now unreferenced: drop it too
	const still = reachable(ctx);
	for (const [ref] of ctx.enumerateIndirectObjects()) if (!still.has(ref.tag)) ctx.delete(ref);
	let data;
	try {
		data = await doc.save({ useObjectStreams: false, addDefaultPage: false, updateFieldAppearances: false });
	} catch (e) {
		throw fail('this PDF could not be written again');
	}
	return { kind: 'pdf', data, removed: [...found], cleaned: true };
}
