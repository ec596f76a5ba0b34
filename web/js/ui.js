// ui: what every page shares: its language and strings, where the site's
// root is (pages may live under a path prefix), small DOM helpers, sizes in
// words, and the error messages for every answer of DESIGN.md §9.
import { STRINGS } from './strings.js';

export const lang = document.documentElement.lang === 'en' ? 'en' : 'zh-CN';

export function t(key, vars = {}) {
	const s = (STRINGS[lang] && STRINGS[lang][key]) || STRINGS['zh-CN'][key] || key;
	return s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
}

// A URL relative to the site root (data-root on <html> is the path from
// this page up to the root, e.g. "../" under /en/).
export function siteURL(path) {
	return new URL((document.documentElement.dataset.root || '') + path, location.href).href;
}

export const $ = (sel, root = document) => root.querySelector(sel);

export function el(tag, attrs = {}, ...children) {
	const e = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs)) {
		if (v === undefined || v === null || v === false) continue;
		if (k === 'class') e.className = v;
		else if (k === 'text') e.textContent = v;
		else e.setAttribute(k, v === true ? '' : v);
	}
	for (const c of children) if (c !== null && c !== undefined) e.append(c);
	return e;
}

export function show(node, on = true) {
	node.hidden = !on;
}

// Shows msg in an error element (role=alert) or hides it when msg is empty.
export function say(node, msg) {
	node.textContent = msg || '';
	node.hidden = !msg;
}

// Text from the server (a commission's name) as one line: C0/C1 controls,
// line and paragraph separators and runs of spaces become one space; bidi
// controls and zero-width characters go, so it cannot break a line or show
// itself in another order than it is.
export function oneLine(s) {
	return String(s)
		.replace(/[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g, '')
		.replace(/[\s\u0000-\u001f\u007f-\u009f]+/g, ' ')
		.trim();
}

// A commission's name as the server states it, for showing: one line, and a
// run of 16 or more hex digits (in groups, as a fingerprint is written) shown
// as "[…]", since no real name holds one and a fake "fingerprint ✓" in a
// name must not pass for the real one (docs/decisions.md).
export function nameText(s) {
	return oneLine(s).replace(/[0-9a-f]{4}(?:[\s:.-]*[0-9a-f]{4}){3,}/gi, '[…]');
}

export function size(n) {
	if (n < 1024) return t('bytes', { n });
	if (n < 1024 * 1024) return t('kib', { n: (n / 1024).toFixed(n < 10240 ? 1 : 0) });
	return t('mib', { n: (n / 1048576).toFixed(1) });
}

export function chars(s) {
	return [...s].length;
}

// The string of each error code from the API or the pipeline; {code} in it
// is the code itself.
const ERROR_KEYS = new Map(
	Object.entries({
		network: 'e_network',
		bad_json: 'e_bad_request',
		bad_envelope: 'e_bad_request',
		unsupported_media_type: 'e_bad_request',
		method_not_allowed: 'e_bad_request',
		bad_request: 'e_bad_request',
		bad_field: 'e_bad_field',
		unknown_district: 'e_unknown_district',
		not_found: 'e_not_found',
		lookup_in_use: 'e_lookup_in_use',
		too_large: 'e_too_large',
		pow_required: 'e_pow',
		pow_invalid: 'e_pow',
		pow_expired: 'e_pow',
		pow_reused: 'e_pow',
		rate_limited: 'e_rate_limited',
		storage_full: 'e_storage_full',
		overloaded: 'e_overloaded',
		fingerprint: 'fingerprint_bad',
		invalid_receipt: 'invalid_receipt',
	})
);

// The message for an error from the API or the pipeline (a QfError, or
// {code, status}); followup: the send was a follow-up, which has no receipt
// of its own to keep.
export function errorMessage(e, followup = false) {
	const code = (e && e.code) || 'unexpected';
	if (code === 'maybe_stored')
		return t(followup ? 'fu_maybe_stored' : 'e_maybe_stored', {
			detail: t(e.message === 'network' || !e.message ? 'why_network' : 'why_unverified'),
		});
	if (code === 'files_too_large') return e.message;
	if (ERROR_KEYS.has(code)) return t(ERROR_KEYS.get(code), { code });
	return t('e_unexpected', { status: (e && e.status) || '?' });
}

// True when this browser can run the WebAssembly libsodium needs (Tor
// Browser's "Safer" and "Safest" levels turn it off).
export function wasmAvailable() {
	return typeof WebAssembly === 'object' && typeof WebAssembly.instantiate === 'function';
}

// A message with a link to the no-JS pages, for when this page cannot work.
export function cannotEncrypt(box, text) {
	const link = el('a', { href: siteURL(lang === 'en' ? 'nojs/en/' : 'nojs/'), text: siteURL(lang === 'en' ? 'nojs/en/' : 'nojs/') });
	box.replaceChildren(el('p', { class: 'error', role: 'alert' }, text, ' ', link));
}
