// Builds the reporter web pages into OUT (make: $(B)/web):
//   node web/build.mjs OUT
// - renders web/pages/*.html for each language (zh-CN at /, English at
//   /en/, the no-JS pages under /nojs/) from web/i18n/<lang>.json;
// - bundles each page's JavaScript module with its imports and the
//   libsodium-wrappers ESM build from node_modules (pinned by
//   package-lock.json) into one file, so that the Subresource Integrity hash
//   on its script tag covers every line the page runs;
// - bundles the parts only some reporters need (the Office and PDF metadata
//   cleaners with fflate and pdf-lib, see VENDOR) into files of their own
//   (js/strip-office.js, js/strip-pdf.js) that the page loads when they are
//   needed (web/js/chunks.js), checked against the SRI hash built into the
//   page's bundle (the generated module chunk-list.js);
// - takes the manifest's word lists and their labels from crypto/vocab.def
//   (web/js/vocab.js) and the statuses from crypto/status.def, the files C
//   reads too, for the pages, their bundles and the no-JS options;
// - writes the pieces of the no-JS answers to OUT/.nojs/<lang>.json (hidden:
//   never served as files; intake/nojs.c puts them together, see below);
// - stores next to every text file a gzip (FILE.gz) and a brotli (FILE.br)
//   copy, made with node's zlib (no other tool), that the server sends to a
//   browser asking for them (intake/web.c, docs/decisions.md).
// Build-time template syntax: {{key}} an escaped string of the page's
// language, {{key|raw}} the same unescaped (strings with markup), {{>name}}
// the partial web/pages/_name.html, {{@name}} a value computed here.
// The no-JS answers (web/pages/nojs-{report,receipt,status,error}.html) are
// cut into named pieces at each {%piece NAME%}; nojs.c writes the pieces it
// needs in its own order (an if or a loop in C, not in the page) and fills
// each hole {%name%} of a piece with a value it HTML-escapes. Beside the
// pieces, <lang>.json holds the tables nojs.c picks from: "errors" (code ->
// text), "statuses" (status -> its block) and "choices" (field -> the form's
// options, each as {value, off, on}: its HTML unselected and selected).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync, rmSync, renameSync, existsSync, readdirSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants as zc } from 'node:zlib';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tax from './js/taxonomy.js';
import { VOCAB } from './js/vocab.js';

const WEB = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(WEB, '..');
const OUT = process.argv[2];
if (!OUT) {
	console.error('usage: node web/build.mjs OUT');
	process.exit(2);
}
const TMP = `${OUT}.tmp`;
const LANGS = ['zh-CN', 'en'];
// The statuses of §9 with their names, from the one list C reads too
// (crypto/status.def: QF_STATUS(NAME, "word", "中文", "English")).
const STATUS_NAMES = Object.fromEntries(
	[...readFileSync(join(ROOT, 'crypto', 'status.def'), 'utf8').matchAll(/^QF_STATUS\(\w+, "([a-z_]+)", "([^"]+)", "([^"]+)"\)$/gm)].map((m) => [
		m[1],
		{ zh: m[2], en: m[3] },
	])
);
if (Object.keys(STATUS_NAMES).length === 0) fail('crypto/status.def lists no status');
for (const k of Object.keys(STATUS_NAMES)) if (!tax.STATUSES[k]) fail(`web/js/taxonomy.js has no description of status ${k}`);
for (const k of Object.keys(tax.STATUSES)) if (!STATUS_NAMES[k]) fail(`web/js/taxonomy.js describes ${k}, which crypto/status.def does not list`);
const I18N = Object.fromEntries(LANGS.map((l) => [l, JSON.parse(readFileSync(join(WEB, 'i18n', `${l}.json`), 'utf8'))]));

function fail(msg) {
	console.error(`web/build.mjs: ${msg}`);
	process.exit(1);
}

// Every key must exist in every language.
for (const sec of ['page', 'js'])
	for (const k of Object.keys(I18N['zh-CN'][sec]))
		for (const l of LANGS) if (!(k in I18N[l][sec])) fail(`i18n ${l}.${sec}.${k} is missing`);

const esc = (s) =>
	String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const sri = (buf) => 'sha384-' + createHash('sha384').update(buf).digest('base64');

// ---- the bundler -----------------------------------------------------------

function vendorSodium() {
	const nm = join(ROOT, 'node_modules');
	const core = readFileSync(join(nm, 'libsodium/dist/modules-esm/libsodium.mjs'), 'utf8');
	const wrap = readFileSync(join(nm, 'libsodium-wrappers/dist/modules-esm/libsodium-wrappers.mjs'), 'utf8');
	const once = (s, needle, what) => {
		if (s.split(needle).length !== 2) fail(`unexpected ${what} in node_modules (expected one "${needle}")`);
	};
	once(core, 'export default A;', 'libsodium.mjs');
	if (!core.trimEnd().endsWith('export default A;')) fail('libsodium.mjs: export is not at the end');
	once(wrap, 'import e from"libsodium";', 'libsodium-wrappers.mjs import');
	once(wrap, 'export default t;', 'libsodium-wrappers.mjs export');
	if (/\bimport\s*[({"']/.test(core.replace('import.meta.url', ''))) fail('libsodium.mjs imports something');
	const coreBody = core.trimEnd().slice(0, -'export default A;'.length);
	const wrapBody = wrap.replace('import e from"libsodium";', 'const e=__qf_libsodium;');
	const cut = wrapBody.indexOf('export default t;');
	return (
		`// libsodium ${pkgVersion('libsodium')} (ISC licence, https://github.com/jedisct1/libsodium.js)\n` +
		`const __qf_libsodium=(()=>{${coreBody}\nreturn A;})();\n` +
		`// libsodium-wrappers ${pkgVersion('libsodium-wrappers')} (ISC licence)\n` +
		`const __qf_sodium=(()=>{${wrapBody.slice(0, cut)}\nreturn t;})();\n`
	);
}

// libsodium is one file, js/sodium.js, shared by the pages and the
// proof-of-work worker so that a visit downloads it once (Cache-Control:
// no-store forbids keeping it). A page's bundle fetches it with the SRI hash
// built into the bundle (fetch(url, {integrity}): the browser refuses bytes
// that do not match, and the module then never runs), and imports the
// verified bytes from a blob: URL that it keeps in globalThis.__qf_sodium_url
// for the worker. The worker, itself started from a blob: URL of its own
// verified bytes (web/js/send.js), is given that URL as its name: it runs
// exactly the bytes the page verified and fetches nothing.
let SODIUM = null;
const SODIUM_USERS = new Set(); // the page bundles (js/NAME) that load it
function sodiumLoader(entry) {
	if (!SODIUM) fail(`${entry}: js/sodium.js is not built yet`);
	SODIUM_USERS.add(entry.replace(/^js\/main-/, ''));
	if (entry === 'js/main-pow-worker.js')
		return `const __qf_sodium = (await import(self.name)).default;\n`;
	return (
		`const __qf_sodium = await (async () => {\n` +
		`const r = await fetch(new URL(${JSON.stringify(SODIUM.file)}, import.meta.url), { integrity: ${JSON.stringify(SODIUM.integrity)}, credentials: 'same-origin' });\n` +
		`if (!r.ok) throw new Error('${SODIUM.file}: ' + r.status);\n` +
		`const url = URL.createObjectURL(new Blob([await r.arrayBuffer()], { type: 'text/javascript' }));\n` +
		`globalThis.__qf_sodium_url = url;\n` +
		`return (await import(url)).default;\n})();\n`
	);
}

function pkgVersion(name) {
	return JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
}

const modName = (p) => '__qf_m_' + p.replace(/[^A-Za-z0-9]/g, '_');

// npm packages a module may import by name: their UMD build, pinned by
// package-lock.json, is wrapped so that its exports stay inside the bundle.
const VENDOR = {
	fflate: { file: 'fflate/umd/index.js', licence: 'MIT licence, https://github.com/101arrowz/fflate' },
	'pdf-lib': { file: 'pdf-lib/dist/pdf-lib.min.js', licence: 'MIT licence, https://github.com/Hopding/pdf-lib' },
};
const vendorName = (n) => '__qf_v_' + n.replace(/[^A-Za-z0-9]/g, '_');

function vendorUmd(name) {
	const code = readFileSync(join(ROOT, 'node_modules', VENDOR[name].file), 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
	if (/^\s*(import|export)\b/m.test(code)) fail(`${VENDOR[name].file} is not a UMD build`);
	return (
		`// ${name} ${pkgVersion(name)} (${VENDOR[name].licence})\n` +
		`const ${vendorName(name)} = (() => {\nconst module = { exports: {} };\nconst exports = module.exports;\n${code}\nreturn module.exports;\n})();\n`
	);
}

// Our modules follow simple conventions the bundler relies on: imports on
// their own lines at the top, `export` before function/class/const/let
// declarations, relative specifiers ending in .js, and as bare specifiers
// only libsodium (a default import) and the packages in VENDOR (named imports).
function transform(file, source, deps) {
	const exportsList = [];
	const lines = source.split('\n').map((line) => {
		let m = line.match(/^import (\w+) from '([^']+)';$/);
		if (m) {
			if (m[2] !== 'libsodium-wrappers') fail(`${file}: default import of ${m[2]}`);
			deps.sodium = true;
			return `const ${m[1]} = __qf_sodium;`;
		}
		m = line.match(/^import \* as (\w+) from '(\.[^']+)';$/);
		if (m) {
			const dep = resolve(dirname(file), m[2]);
			deps.files.push(dep);
			return `const ${m[1]} = ${modName(rel(dep))};`;
		}
		m = line.match(/^import \{([^}]+)\} from '([^'.][^']*)';$/);
		if (m) {
			if (!VENDOR[m[2]]) fail(`${file}: import of unknown package ${m[2]}`);
			deps.vendor.add(m[2]);
			return `const { ${m[1].trim()} } = ${vendorName(m[2])};`;
		}
		m = line.match(/^import \{([^}]+)\} from '(\.[^']+)';$/);
		if (m) {
			const dep = resolve(dirname(file), m[2]);
			deps.files.push(dep);
			const names = m[1]
				.split(',')
				.map((s) => s.trim())
				.filter(Boolean)
				.map((s) => s.replace(/^([\w$]+) as ([\w$]+)$/, '$1: $2'));
			return `const { ${names.join(', ')} } = ${modName(rel(dep))};`;
		}
		if (/^import\b/.test(line)) fail(`${file}: unsupported import: ${line}`);
		m = line.match(/^export (?:async )?(?:function\*? |class |const |let )([\w$]+)/);
		if (m) {
			exportsList.push(m[1]);
			return line.replace(/^export /, '');
		}
		m = line.match(/^export \{([^}]+)\};$/);
		if (m) {
			for (const n of m[1].split(',').map((s) => s.trim()).filter(Boolean)) {
				const a = n.match(/^([\w$]+) as ([\w$]+)$/);
				exportsList.push(a ? `${a[2]}: ${a[1]}` : n);
			}
			return '';
		}
		if (/^export\b/.test(line)) fail(`${file}: unsupported export: ${line}`);
		return line;
	});
	return { body: lines.join('\n'), exportsList };
}

const rel = (p) => p.slice(WEB.length + 1);

// chunk: the name under which a lazily loaded file registers its entry
// module's exports (globalThis.__qf_chunks[chunk], read by web/js/chunks.js).
function bundle(entry, extraModules = {}, chunk = null) {
	extraModules = { [VOCAB_JS]: vocabModule(), ...extraModules };
	const order = [];
	const seen = new Set();
	let sodium = false;
	const vendor = new Set();
	const mods = {};
	const visit = (file, stack) => {
		if (seen.has(file)) return;
		if (stack.includes(file)) fail(`import cycle through ${rel(file)}`);
		const src = extraModules[file] ?? readFileSync(file, 'utf8');
		const deps = { files: [], sodium: false, vendor };
		const t = transform(file, src, deps);
		sodium ||= deps.sodium;
		for (const d of deps.files) visit(d, [...stack, file]);
		seen.add(file);
		mods[file] = t;
		order.push(file);
	};
	visit(resolve(WEB, entry), []);
	let out = `// Qingfeng reporter pages: ${entry}, bundled by web/build.mjs. Do not edit.\n`;
	if (sodium) out += sodiumLoader(entry);
	for (const v of vendor) out += vendorUmd(v);
	for (const f of order) {
		const { body, exportsList } = mods[f];
		out += `// ---- ${rel(f)}\nconst ${modName(rel(f))} = (() => {\n${body}\nreturn { ${exportsList.join(', ')} };\n})();\n`;
	}
	if (chunk) out += `(globalThis.__qf_chunks ||= {})[${JSON.stringify(chunk)}] = ${modName(entry)};\n`;
	return out;
}

// The manifest word lists (crypto/vocab.def) go into a bundle as data, in
// place of web/js/vocab.js, which reads the file (node only).
const VOCAB_JS = join(WEB, 'js', 'vocab.js');
function vocabModule() {
	return `// generated by web/build.mjs from crypto/vocab.def\nexport const VOCAB = ${JSON.stringify(VOCAB)};\n`;
}

// ---- pages -----------------------------------------------------------------

function jsStrings() {
	const s = Object.fromEntries(LANGS.map((l) => [l, I18N[l].js]));
	return (
		`// generated by web/build.mjs from web/i18n/*.json and crypto/status.def\nexport const STRINGS = ${JSON.stringify(s)};\n` +
		`export const STATUS_NAMES = ${JSON.stringify(STATUS_NAMES)};\n`
	);
}

// What {{@name}} expands to, for one page.
function pageVars(p, assets) {
	const zh = p.lang === 'zh-CN';
	const L = (o) => (zh ? o.zh : o.en);
	const srv = p.server; // pieces for nojs.c: the choices go to its "choices" table
	// the no-JS form's choices all post the same number of bytes: values padded
	// with trailing spaces to the longest of their list (nojs.c trims them)
	const padv = (list, v) => (srv ? v.padEnd(Math.max(...list.map((o) => o.v.length)), ' ') : v);
	const option = (list, o, on) => `<option value="${padv(list, o.v)}"${on ? ' selected' : ''}>${esc(L(o))}</option>`;
	const radio = (t, on) =>
		`<div class="choice"><input type="radio" autocomplete="off" name="type" id="type-${t.v}" value="${padv(tax.TYPES, t.v)}"${on ? ' checked' : ''} aria-describedby="type-${t.v}-h">` +
		`<label for="type-${t.v}">${esc(L(t))}</label> <span class="hint" id="type-${t.v}-h">${esc(zh ? t.hzh : t.hen)}</span></div>`;
	// a list of choices: on the static page with def chosen; for nojs.c both forms of each
	const choices = (list, html, def) =>
		srv ? '' : list.map((o) => html(list, o, o.v === def)).join('\n');
	const nojsChoices = (list, html) =>
		list.map((o, i) => ({ value: o.v, off: (i ? '\n' : '') + html(list, o, false), on: (i ? '\n' : '') + html(list, o, true) }));
	const v = {
		lang: p.lang,
		root: p.root,
		home: p.home,
		other: p.other,
		fileid: 'att',
		footer: esc(I18N[p.lang].page[p.nav === 'nojs' ? 'footer_nojs_mode' : 'footer']),
		no_district: esc(I18N[p.lang].js.no_district),
		delivered_yes: esc(I18N[p.lang].js.delivered_yes),
		delivered_no: esc(I18N[p.lang].js.delivered_no),
		reply_bad: esc(I18N[p.lang].js.reply_bad),
		progid: 'prog',
		otherlang: zh ? 'en' : 'zh-CN',
		nojs: p.nojsHome,
		// the no-JS status handler: where a receipt form posts when no script runs (§9)
		nojs_status: `${p.root}nojs/status`,
		std: p.stdHome,
		title: esc(I18N[p.lang].page[p.titleKey]),
		css: `<link rel="stylesheet" href="${p.root}css/qf.css" integrity="${assets['css/qf.css']}">`,
		icon: `<link rel="icon" href="${p.root}favicon.svg" type="image/svg+xml">`,
		// the footer points to the other version, never to the page the reader is on
		foot_alt:
			p.nav === 'nojs'
				? `${esc(I18N[p.lang].page.footer_std)} <a href="${p.stdHome}report.html">${esc(I18N[p.lang].page.nj_trust_link)}</a>${esc(I18N[p.lang].page.dot)}`
				: `${esc(I18N[p.lang].page.footer_nojs)} <a href="${p.nojsHome}">${esc(I18N[p.lang].page.nav_nojs)}</a>${esc(I18N[p.lang].page.dot)}`,
		// a page whose bundle fetches js/sodium.js (sodiumLoader) asks for it at
		// once, with the same hash, so that it comes down beside the bundle, not
		// after it: the bundle's fetch() then takes the preloaded response
		scripts: (p.scripts || [])
			.map(
				(s) =>
					(SODIUM_USERS.has(s)
						? `<link rel="preload" href="${p.root}js/${SODIUM.file}" as="fetch" crossorigin="anonymous" integrity="${SODIUM.integrity}">\n`
						: '') + `<script type="module" src="${p.root}js/${s}" integrity="${assets[`js/${s}`]}"></script>`
			)
			.join('\n'),
		type_radios: choices(tax.TYPES, (list, t, on) => radio(t, on), 'accusation'),
		category_options: choices(tax.CATEGORIES, option, 'other'),
		level_options: choices(tax.LEVELS, option, 'unknown'),
		party_options: choices(tax.PARTY, option, 'unknown'),
		purpose_radios: tax.PURPOSES.map(
			(t) =>
				`<div class="choice"><input type="radio" autocomplete="off" name="purpose" id="purpose-${t.v}" value="${t.v}"${t.v === 'material' ? ' checked' : ''}>` +
				`<label for="purpose-${t.v}">${esc(L(t))}</label></div>`
		).join('\n'),
		// every second-level item, for the no-JS form's <datalist>
		subcat_datalist: tax.CATEGORIES.flatMap((c) => c.subs.map((s) => `<option value="${esc(s[0])}">${zh ? '' : esc(s[1])}</option>`)).join('\n'),
	};
	v.cur = (k) => (k === p.nav ? ' aria-current="page"' : '');
	if (srv)
		v.nojsTables = {
			errors: Object.fromEntries(ERROR_CODES.map((c) => [c, esc(nojsError(p.lang, c))])),
			statuses: Object.fromEntries(
				Object.entries(tax.STATUSES).map(([k, s]) => [
					k,
					`<p class="status-word"><strong>${esc(L(STATUS_NAMES[k]))}</strong></p><p class="hint">${esc(zh ? s.dzh : s.den)}</p>`,
				])
			),
			choices: {
				type: nojsChoices(tax.TYPES, (list, t, on) => radio(t, on)),
				category: nojsChoices(tax.CATEGORIES, option),
				subject_level: nojsChoices(tax.LEVELS, option),
				subject_party: nojsChoices(tax.PARTY, option),
			},
		};
	return v;
}

// The pieces of a no-JS answer: {name: html} cut at each {%piece NAME%}; what
// is left between {% %} are the holes nojs.c fills (lower-case names).
function nojsPieces(html, out) {
	const parts = html.split(/\{%piece ([a-z_]+)%\}/);
	if (parts[0] !== '') fail(`${out}: text before the first {%piece%}`);
	const pieces = {};
	for (let i = 1; i < parts.length; i += 2) {
		if (parts[i] in pieces) fail(`${out}: piece ${parts[i]} twice`);
		pieces[parts[i]] = parts[i + 1];
		for (const m of parts[i + 1].matchAll(/\{%([^%]*)%\}/g))
			if (!/^[a-z_0-9]+$/.test(m[1])) fail(`${out}: {%${m[1]}%} is not a hole`);
	}
	return pieces;
}

const ERROR_CODES = ['bad_field', 'title', 'body', 'real_name', 'unknown_district', 'rate_limited', 'too_fast',
	'form_expired', 'nojs_quota', 'too_large', 'unsupported_media_type', 'invalid_receipt', 'not_found',
	'status_rate_limited', 'storage_full', 'overloaded', 'once_gone'];

function nojsError(lang, code) {
	const j = I18N[lang].js;
	const p = I18N[lang].page;
	const zh = lang === 'zh-CN';
	switch (code) {
		case 'bad_field':
			return zh ? '提交的内容中有一项格式不对，请检查后重试。' : 'A field of the form is malformed; check it and try again.';
		case 'title':
			return j.required.replace('{field}', p.r_title_f);
		case 'body':
			return j.required.replace('{field}', p.r_body);
		case 'real_name':
			return j.real_name_needed;
		case 'unknown_district':
			return j.e_unknown_district;
		case 'rate_limited':
			return zh
				? '无脚本版本此刻收到的举报太多，请一分钟后再次点击提交（您填写的内容保留在下面）。'
				: 'The no-JavaScript version is taking too many reports right now; press send again in a minute (what you typed is kept below).';
		case 'too_fast':
			return zh
				? '表单打开后请稍等片刻再提交（防止自动程序刷单）。您填写的内容保留在下面，请稍后再次点击提交。'
				: 'Please wait a moment after opening the form before sending it (this keeps automated floods out). What you typed is kept below; press send again shortly.';
		case 'form_expired':
			return zh
				? '此表单已过期或已提交过（服务器可能已重启）。您填写的内容保留在下面，请稍等片刻后再次点击提交。'
				: 'This form has expired or was already sent (the server may have restarted). What you typed is kept below; wait a moment and press send again.';
		case 'nojs_quota':
			return zh
				? '今天无脚本版本可接收的举报已满。请明天再试，或使用启用 JavaScript 的版本（您填写的内容保留在下面）。'
				: 'The no-JavaScript version has taken as many reports for this district as it can today. Try again tomorrow, or use the JavaScript version (what you typed is kept below).';
		case 'too_large':
			return zh ? '内容太长，请删减后重试。' : 'The text is too long; shorten it and try again.';
		case 'unsupported_media_type':
			return j.e_bad_request.replace('{code}', code);
		case 'invalid_receipt':
			return j.invalid_receipt;
		case 'not_found':
			return j.e_not_found;
		case 'status_rate_limited':
			return j.e_rate_limited;
		case 'storage_full':
			return j.e_storage_full;
		case 'once_gone':
			// the one-time page of a post (intake/nojs.c) keeps no language: both
			return '此页面只显示一次，已经删除（返回或刷新不会再显示回执或您填写的内容，也不会重新提交）。如果您没有记下回执，举报已经提交，但回执无法再次显示。 · This page is shown only once and is gone (going back or reloading shows neither the receipt nor what you typed, and sends nothing again). If you did not write down your receipt, the report was filed, but its receipt cannot be shown again.';
		default:
			return j.e_overloaded;
	}
}

function render(text, p, vars, depth = 0) {
	if (depth > 5) fail('partials nest too deep');
	const page = I18N[p.lang].page;
	return text.replace(/\{\{([^}]+)\}\}/g, (_, expr) => {
		expr = expr.trim();
		if (expr.startsWith('>')) {
			const f = join(WEB, 'pages', `_${expr.slice(1).trim()}.html`);
			return render(readFileSync(f, 'utf8'), p, vars, depth + 1);
		}
		if (expr.startsWith('@cur:')) return vars.cur(expr.slice(5));
		if (expr.startsWith('@')) {
			const k = expr.slice(1);
			if (!(k in vars)) fail(`${p.src}: unknown build variable ${k}`);
			return vars[k];
		}
		const [key, flag] = expr.split('|');
		if (!(key in page)) fail(`${p.src}: unknown string ${key}`);
		return flag === 'raw' ? page[key] : esc(page[key]);
	});
}

// The pages: source template, output path, and where it sits.
function pages() {
	const list = [];
	for (const lang of LANGS) {
		const zh = lang === 'zh-CN';
		const dir = zh ? '' : 'en/';
		const root = zh ? '' : '../';
		const common = { lang, root, home: '', stdHome: '', nojsHome: `${root}nojs/${dir}` };
		for (const [name, titleKey, nav, scripts] of [
			['index', 'notice_title', 'notice', ['notice.js']],
			['report', 'r_title', 'report', ['report.js']],
			['status', 's_title', 'status', ['status.js']],
		])
			list.push({
				...common,
				src: `${name}.html`,
				out: `${dir}${name}.html`,
				other: zh ? `en/${name}.html` : `../${name}.html`,
				titleKey,
				nav,
				scripts,
			});
		// the static no-JS start page: /nojs/ and /nojs/en/
		const nroot = zh ? '../' : '../../';
		list.push({
			lang,
			root: nroot,
			home: '',
			stdHome: `${nroot}${dir}`,
			nojsHome: '',
			src: 'nojs-index.html',
			out: `nojs/${dir}index.html`,
			other: zh ? 'en/' : '../',
			titleKey: 'nj_title',
			nav: 'nojs',
			report: zh ? 'report' : '../report?lang=en',
			statusAction: zh ? 'status' : '../status',
		});
		// the pieces nojs.c puts together; they answer at /nojs/report and /nojs/status
		for (const [name, titleKey] of [
			['report', 'nj_report'],
			['receipt', 'rc_title'],
			['status', 'nj_status'],
			['error', 'nj_error_h'],
		])
			list.push({
				lang,
				root: '../',
				home: zh ? '' : 'en/',
				stdHome: `../${dir}`,
				nojsHome: zh ? './' : 'en/',
				src: `nojs-${name}.html`,
				out: `.nojs/${lang}.json`,
				piece: name,
				other: name === 'report' ? (zh ? 'report?lang=en' : 'report') : zh ? 'en/' : './',
				titleKey,
				nav: 'nojs',
				server: true,
				report: zh ? 'report' : 'report?lang=en',
				statusAction: 'status',
			});
	}
	return list;
}

// ---- main --------------------------------------------------------------------

rmSync(TMP, { recursive: true, force: true });
mkdirSync(join(TMP, 'js'), { recursive: true });
mkdirSync(join(TMP, 'css'), { recursive: true });
mkdirSync(join(TMP, 'en'), { recursive: true });
mkdirSync(join(TMP, 'nojs', 'en'), { recursive: true });
mkdirSync(join(TMP, '.nojs'), { recursive: true });

const assets = {};
const put = (path, data) => {
	writeFileSync(join(TMP, path), data);
	assets[path] = sri(Buffer.from(data));
};
put('css/qf.css', readFileSync(join(WEB, 'css', 'qf.css')));
put('favicon.svg', readFileSync(join(WEB, 'favicon.svg'))); /* linked from every page: no /favicon.ico 404 */
const stringsFile = join(WEB, 'js', 'strings.js');
const chunks = {};
for (const name of ['office', 'pdf']) {
	const file = `strip-${name}.js`;
	put(`js/${file}`, bundle(`js/${file}`, {}, name));
	chunks[name] = { file, integrity: assets[`js/${file}`] };
}
put('js/sodium.js', `// Qingfeng reporter pages: libsodium, shared by the pages and the worker (web/build.mjs). Do not edit.\n${vendorSodium()}export default __qf_sodium;\n`);
SODIUM = { file: 'sodium.js', integrity: assets['js/sodium.js'] };
const gen = (extra) => ({
	[stringsFile]: jsStrings(),
	[join(WEB, 'js', 'chunk-list.js')]: `// generated by web/build.mjs\nexport const CHUNKS = ${JSON.stringify(chunks)};\n${extra}`,
});
put('js/pow-worker.js', bundle('js/main-pow-worker.js', gen('export const WORKER = null;\n')));
const worker = `export const WORKER = ${JSON.stringify({ file: 'pow-worker.js', integrity: assets['js/pow-worker.js'] })};\n`;
for (const entry of ['notice.js', 'report.js', 'status.js']) put(`js/${entry}`, bundle(`js/main-${entry}`, gen(worker)));

const nojs = {}; // lang -> what nojs.c reads from .nojs/<lang>.json
for (const p of pages()) {
	const vars = pageVars(p, assets);
	Object.assign(vars, { report: p.report || '', status_action: p.statusAction || '' });
	const html = render(readFileSync(join(WEB, 'pages', p.src), 'utf8'), p, vars);
	if (/<script(?![^>]*\bsrc=)/i.test(html)) fail(`${p.out}: inline script`);
	for (const m of html.matchAll(/<script\b[^>]*>/gi))
		if (!/\bintegrity="sha384-/.test(m[0])) fail(`${p.out}: script without integrity`);
	if (/\son[a-z]+=/i.test(html)) fail(`${p.out}: inline event handler`);
	if (/(src|href|action)="(https?:)?\/\//i.test(html)) fail(`${p.out}: external resource`);
	if (p.server) {
		nojs[p.lang] ||= { ...vars.nojsTables };
		nojs[p.lang][p.piece] = nojsPieces(html, `${p.src} (${p.lang})`);
	} else writeFileSync(join(TMP, p.out), html);
}
for (const [lang, t] of Object.entries(nojs)) writeFileSync(join(TMP, '.nojs', `${lang}.json`), JSON.stringify(t));
// Pre-compressed copies of every text file outside hidden directories (the
// no-JS pieces are put together per request and never sent compressed).
const COMPRESS = /\.(html|js|css|json|svg|txt)$/;
(function compressTree(dir) {
	for (const e of readdirSync(dir, { withFileTypes: true })) {
		if (e.name.startsWith('.')) continue;
		const f = join(dir, e.name);
		if (e.isDirectory()) compressTree(f);
		else if (e.isFile() && COMPRESS.test(e.name)) {
			const data = readFileSync(f);
			writeFileSync(`${f}.gz`, gzipSync(data, { level: 9 }));
			writeFileSync(
				`${f}.br`,
				brotliCompressSync(data, {
					params: {
						[zc.BROTLI_PARAM_MODE]: zc.BROTLI_MODE_TEXT,
						[zc.BROTLI_PARAM_QUALITY]: 11,
						[zc.BROTLI_PARAM_SIZE_HINT]: data.length,
					},
				}),
			);
		}
	}
})(TMP);
writeFileSync(join(TMP, '.built'), new Date(0).toISOString() + '\n');
rmSync(OUT, { recursive: true, force: true });
renameSync(TMP, OUT);
if (!existsSync(join(OUT, 'index.html'))) fail('no index.html written');
