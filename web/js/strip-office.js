// strip-office: removes who wrote, changed and commented on an Office Open
// XML document (DOCX, XLSX, PPTX, and their macro-enabled forms), when, on
// which computer and for which organisation, before it is encrypted. It is
// loaded by the page only when such a file is chosen (web/js/chunks.js), and
// unzips and re-zips with fflate. Part by part:
//   docProps/core.xml, app.xml, custom.xml: replaced by empty property
//     sets (author, last modified by, title, subject, keywords, dates,
//     company, manager, application, template, custom properties such as
//     WPS's document id all go);
//   word/people.xml: emptied; comments' w:author and w:initials become
//     "Author" and "A"; tracked changes keep the change but their w:author
//     becomes "Author"; every w:date and w16cex:dateUtc goes; every rsid
//     (editing-session id, which links drafts made on one computer) goes;
//     the attached template (a path on the author's disk) goes;
//   xl/comments*.xml: note authors (and the name Excel writes at the start
//     of the note's text) become "Author"; xl/persons/*.xml: display name,
//     user id and provider become neutral; threaded comments lose their
//     dates; the workbook's absolute path and a shared workbook's user names go;
//   ppt/commentAuthors.xml, ppt/authors.xml: names, initials and user ids
//     become neutral; comment dates go;
//   images inside (media, thumbnails): cleaned like attached images;
//   every zip entry is dated 1980-01-01 and carries no extra fields.
// The text of the document, its comments and its tracked changes are kept:
// they are the evidence. Embedded objects (an Excel sheet inside a Word
// file), custom XML parts and macros are kept as they are.
// Prefixes: Office and WPS write the w:, x15ac:, p188: ... prefixes used
// here; a part using other prefixes for these names is not cleaned by them.
import { unzipSync, zipSync } from 'fflate';

const MAX_UNZIPPED = 512 * 1024 * 1024;
const DOS_EPOCH = new Date(1980, 0, 1, 0, 0, 0);
const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n';
const VT = 'http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes';
const EMPTY = {
	core:
		XML +
		'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ' +
		'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ' +
		'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>',
	app: XML + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="${VT}"/>`,
	custom: XML + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="${VT}"/>`,
	people: XML + '<w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"/>',
};
const CORE_WHAT = { creator: 'author', lastModifiedBy: 'modifier', created: 'dates', modified: 'dates', lastPrinted: 'dates' };
const APP_WHAT = { Company: 'company', Manager: 'company', Application: 'software', AppVersion: 'software', TotalTime: 'dates', HyperlinkBase: 'path', Template: 'props' };

// Local names of the elements of a part that hold text.
const textElements = (t) => [...t.matchAll(/<(?:[\w.-]+:)?([\w.-]+)(?:\s[^>]*)?>[^<]*[^<\s][^<]*</g)].map((m) => m[1]);

// Rewrites every attribute whose (prefixed) name matches nameRe: fn(value)
// gives the new value, or null to drop the attribute; returns [text, changed].
function attrs(t, nameRe, fn) {
	let changed = false;
	const re = new RegExp(`\\s(${nameRe})\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'g');
	const out = t.replace(re, (all, name, dq, sq) => {
		const v = dq ?? sq;
		const nv = fn(v, name);
		if (nv === v) return all;
		changed = true;
		return nv === null ? '' : ` ${name}="${nv}"`;
	});
	return [out, changed];
}

// Cleans one XML part; adds what it removed to found. Returns the new text.
function cleanPart(name, t, found) {
	const lower = name.toLowerCase();
	const set = (re, what, fn) => {
		const [out, changed] = attrs(t, re, fn);
		if (changed) found.add(what);
		t = out;
	};
	const to = (v) => () => v;
	if (lower === 'docprops/core.xml') {
		for (const n of textElements(t)) found.add(CORE_WHAT[n] || 'props');
		return EMPTY.core;
	}
	if (lower === 'docprops/app.xml') {
		for (const n of textElements(t)) if (APP_WHAT[n]) found.add(APP_WHAT[n]);
		return EMPTY.app;
	}
	if (lower === 'docprops/custom.xml') {
		if (/<(\w+:)?property\b/.test(t)) found.add('custom');
		return EMPTY.custom;
	}
	if (/^word\/people\.xml$/.test(lower)) {
		if (/<(\w+:)?person\b/.test(t)) found.add('revision_authors');
		return EMPTY.people;
	}
	if (lower.endsWith('.rels')) {
		const before = t;
		t = t.replace(/<Relationship\b[^>]*Type="[^"]*\/attachedTemplate"[^>]*\/>/g, '');
		if (t !== before) found.add('path');
		return t;
	}
	if (lower.startsWith('word/')) {
		const comments = /^word\/comments/.test(lower);
		set('w:author', comments ? 'comment_authors' : 'revision_authors', to('Author'));
		set('w:initials', 'comment_authors', to('A'));
		set('w:date|w16cex:dateUtc', 'dates', to(null));
		set('w:rsid\\w*', 'ids', to(null));
		const before = t;
		t = t.replace(/<w:rsids>[\s\S]*?<\/w:rsids>|<w:rsids\/>/g, '');
		if (t !== before) found.add('ids');
		const tpl = t.replace(/<w:attachedTemplate\b[^>]*\/>/g, '');
		if (tpl !== t) found.add('path');
		return tpl;
	}
	if (lower.startsWith('xl/')) {
		if (/^xl\/comments\d*\.xml$/.test(lower)) {
			const names = [...t.matchAll(/<author>([^<]*)<\/author>/g)].map((m) => m[1]).filter((n) => n !== 'Author' && !/^tc=\{/.test(n));
			for (const n of new Set(names)) if (n) t = t.split(`>${n}<`).join('>Author<').split(`>${n}:`).join('>Author:');
			if (names.length) found.add('comment_authors');
		}
		if (lower.startsWith('xl/persons/')) {
			set('displayName|userId', 'comment_authors', to('Author'));
			set('providerId', 'comment_authors', to('None'));
		}
		if (lower.startsWith('xl/threadedcomments/')) set('dT', 'dates', to(null));
		if (lower === 'xl/revisions/usernames.xml') set('name', 'revision_authors', to('Author'));
		const abs = t.replace(/(<x15ac:absPath\b[^>]*\surl=)("[^"]+"|'[^']+')/g, '$1""');
		if (abs !== t) found.add('path');
		t = abs;
		set('userName', 'author', to(''));
		return t;
	}
	if (lower.startsWith('ppt/')) {
		if (lower === 'ppt/commentauthors.xml' || lower === 'ppt/authors.xml') {
			set('name|userId', 'comment_authors', to('Author'));
			set('initials', 'comment_authors', to('A'));
			set('providerId', 'comment_authors', to('None'));
		}
		if (lower.startsWith('ppt/comments/')) set('dt|created', 'dates', to(null));
		return t;
	}
	return t;
}

// The kind of Office file a set of parts makes, or null.
function officeKind(z) {
	if (!z['[Content_Types].xml']) return null;
	if (z['word/document.xml']) return 'docx';
	if (z['xl/workbook.xml']) return 'xlsx';
	if (z['ppt/presentation.xml']) return 'pptx';
	return null;
}

// Cleans the zip b. helpers: {fail(message) -> Error to throw, image(bytes)
// -> {data, removed} for an image or null, maxUnzipped}. Resolves to
// {kind, data, removed, cleaned}; a zip that is not an Office file comes
// back with cleaned false. Throws fail(...) for an unreadable or too large zip.
export function stripOffice(b, { fail, image, maxUnzipped = MAX_UNZIPPED }) {
	let total = 0;
	let z;
	const tooLarge = {};
	try {
		z = unzipSync(b, {
			filter: (f) => {
				total += f.originalSize;
				if (total > (maxUnzipped || MAX_UNZIPPED)) throw tooLarge;
				return true;
			},
		});
	} catch (e) {
		if (e === tooLarge) throw fail(`it unpacks to more than ${Math.round((maxUnzipped || MAX_UNZIPPED) / 1048576)} MiB`);
		throw fail('not a readable zip file');
	}
	const kind = officeKind(z);
	if (!kind) return { kind: 'zip', cleaned: false };
	const found = new Set();
	const dec = new TextDecoder('utf-8', { fatal: true });
	const enc = new TextEncoder();
	const out = {};
	for (const [name, data] of Object.entries(z)) {
		let d = data;
		let level = 6;
		if (/\.(xml|rels)$/i.test(name)) {
			let t;
			try {
				t = dec.decode(d);
			} catch (e) {
				throw fail(`${name} is not UTF-8 text`);
			}
			const c = cleanPart(name, t, found);
			if (c !== t) d = enc.encode(c);
		} else {
			const r = image(d);
			if (r) {
				d = r.data;
				level = 0;
				for (const w of r.removed) found.add(w);
			}
		}
		out[name] = [d, { level, mtime: DOS_EPOCH }];
	}
	return { kind, data: zipSync(out), removed: [...found], cleaned: true };
}
