// The status page: the receipt (typing-tolerant, checked here before
// anything is sent) gives lookup and auth for POST /api/v1/status; the
// status in words, delivery confirmation, the replies decrypted here with
// the receipt's reply key, and a follow-up (补充材料 / 异议) with
// attachments, sealed and sent like a report.
import { ready, receiptParse, receiptDerive, envelopeOpen, replyVerify, statementCheck, fromB64u, b64u, manifestFollowup, keysWipe, QfError, ATTACHMENTS_MAX } from './qf-crypto.js';
import { info as getInfo, request, answerError } from './api.js';
import { FilePicker } from './files.js';
import { send } from './send.js';
import { progressUI } from './progress.js';
import { STATUSES } from './taxonomy.js';
import { STATUS_NAMES } from './strings.js';
import { $, el, t, lang, say, show, chars, errorMessage, size, wasmAvailable, cannotEncrypt } from './ui.js';

let KEYS = null;
let STATUS = null;
let INFO = null;
let picker = null;
// The fingerprint the reporter's receipt file records (or typed), normalised; null: none given.
let EXPECT_FP = null;
// The district the server names, from /api/v1/info (its fingerprint recomputed).
let DISTRICT = null;
const BODY_MAX = 50000;

function statusLabel(s) {
	const e = STATUS_NAMES[s];
	return e ? (lang === 'en' ? e.en : e.zh) : s;
}

async function fetchStatus() {
	const body = JSON.stringify({ lookup: b64u(KEYS.lookup), auth: b64u(KEYS.auth) });
	const ans = await request('POST', 'api/v1/status', body);
	if (ans.status !== 200) throw answerError(ans);
	const j = ans.json;
	if (!j || typeof j.status !== 'string' || !Array.isArray(j.replies) || typeof j.district !== 'string')
		throw new QfError('unexpected');
	return j;
}

function safeName(n) {
	const base = String(n || '').split(/[\\/]/).pop().replace(/[\u0000-\u001f\u007f:*?"<>|]/g, '_');
	return base && !base.startsWith('.') ? base : 'attachment';
}

// The district's signing key, from /api/v1/info with its fingerprint recomputed.
let SIGN_PK = null;

function fpNorm(s) {
	const h = String(s || '').toLowerCase().replace(/[^0-9a-f]/g, '');
	return h.length === 32 ? h : null;
}

// The receipt and the fingerprint in what was typed or pasted: a bare
// receipt, or the whole receipt file's text (its labelled fingerprint line).
function receiptText(text) {
	const fp = /(?:fingerprint|指纹)[^:：\n]*[:：]\s*([0-9a-fA-F ]{32,48})/.exec(text);
	let canon = receiptParse(text);
	if (!canon)
		for (const m of text.matchAll(/[0-9A-Za-z]{4}(?:[- ][0-9A-Za-z]{4}){4}/g)) if ((canon = receiptParse(m[0]))) break;
	return { canon, fp: fp ? fpNorm(fp[1]) : null };
}

// Is the district the server names the one the receipt records? (true when none recorded)
function districtMatches() {
	return !EXPECT_FP || (!!DISTRICT && fpNorm(DISTRICT.fingerprint) === EXPECT_FP);
}

// The fingerprint shown under its own label, and the warning when it is not the receipt's.
function renderDistrictCheck() {
	$('#fu-fp').textContent = DISTRICT ? DISTRICT.fingerprint : '?';
	const box = $('#st-district-check');
	if (districtMatches()) {
		box.replaceChildren();
		return;
	}
	const expected = EXPECT_FP.match(/.{4}/g).join(' ');
	box.replaceChildren(
		el('div', { class: 'error district-warning', role: 'alert' },
			el('h3', { text: t('st_fp_mismatch_h') }),
			el('p', { text: t('st_fp_mismatch', { expected, shown: DISTRICT ? DISTRICT.fingerprint : '?' }) }))
	);
}

function renderReply(r) {
	const art = el('article', { class: 'reply' }, el('h3', { text: t('reply_n', { n: r.seq, day: r.day }) }));
	let o;
	try {
		o = envelopeOpen(KEYS.replyPk, KEYS.replySk, fromB64u(r.envelope));
		const m = o.manifest;
		if (m.kind !== 'reply' || m.district !== STATUS.district || m.lookup !== b64u(KEYS.lookup))
			throw new QfError('not_ours');
	} catch (e) {
		art.append(el('p', { class: 'error', text: t('reply_bad') }));
		return art;
	}
	const m = o.manifest;
	if (SIGN_PK && replyVerify(m, o.attachments, KEYS.lookup, SIGN_PK))
		art.append(el('p', { class: 'hint signed', text: t('reply_signed') }));
	else
		art.append(el('p', { class: 'error unsigned', text: t('reply_unsigned') }));
	if (typeof m.status === 'string') art.append(el('p', { class: 'hint', text: t('reply_status', { status: statusLabel(m.status) }) }));
	art.append(el('div', { class: 'reply-body', text: typeof m.body === 'string' ? m.body : '' }));
	(m.attachments || []).forEach((a, i) => {
		const name = safeName(a.name);
		const b = el('button', { type: 'button', text: t('reply_att', { name, size: size(o.attachments[i].length) }) });
		b.addEventListener('click', () => {
			const url = URL.createObjectURL(new Blob([o.attachments[i]], { type: 'application/octet-stream' }));
			const link = el('a', { href: url, download: name });
			document.body.append(link);
			link.click();
			link.remove();
			setTimeout(() => URL.revokeObjectURL(url), 10000);
		});
		art.append(el('p', {}, b));
	});
	return art;
}

// The district's signed statement (§15): its word, checked here against the
// replies and the status the server shows; any disagreement is said loudly.
function renderStatement(j) {
	const box = $('#st-statement');
	const p = SIGN_PK ? statementCheck(j, KEYS.lookup, SIGN_PK) : null;
	if (!j.statement) {
		box.replaceChildren(el('p', { class: 'hint unsigned-status', text: t('st_unsigned') }));
		return;
	}
	const warnings = [];
	if (!p || p.sig) warnings.push(t('st_warn_sig'));
	else {
		const st = j.statement;
		if (p.missing) warnings.push(t('st_warn_missing', { replies: st.replies, shown: j.replies.length }));
		if (p.different) warnings.push(t('st_warn_different'));
		if (p.status) warnings.push(t('st_warn_status', { shown: statusLabel(j.status), signed: statusLabel(st.status) }));
		if (p.stale) warnings.push(t('st_warn_stale', { day: st.status_day }));
	}
	const parts = [];
	if (warnings.length > 0)
		parts.push(
			el('div', { class: 'error statement-warning', role: 'alert' },
				el('h3', { text: t('st_warn_h') }),
				...warnings.map((w) => el('p', { text: w })),
				el('p', { text: t('st_warn_what') }))
		);
	if (p && !p.sig) {
		const st = j.statement;
		parts.push(
			el('div', { class: 'signed-statement' },
				el('h3', { text: t('st_signed_h') }),
				el('p', { text: t('st_signed', { status: statusLabel(st.status), day: st.status_day, replies: st.replies, followups: st.followups_verified }) }),
				el('p', { class: 'hint', text: t('st_followups_note') }))
		);
	}
	box.replaceChildren(...parts);
}

function render(j) {
	STATUS = j;
	const s = STATUSES[j.status];
	$('#st-status').textContent = statusLabel(j.status);
	$('#st-desc').textContent = s ? (lang === 'en' ? s.den : s.dzh) : '';
	$('#st-created').textContent = String(j.created_day);
	$('#st-since').textContent = String(j.status_day);
	$('#st-index').textContent = String(j.index); /* the entry number; the district id is no word for a reporter */
	$('#st-followups').textContent = String(j.followups);
	$('#st-delivered').textContent = j.delivered ? t('delivered_yes') : t('delivered_no');
	$('#st-delivered').dataset.delivered = j.delivered ? '1' : '0';
	const box = $('#replies');
	if (j.replies.length === 0) box.replaceChildren(el('p', { text: $('#replies').dataset.none }));
	else box.replaceChildren(...j.replies.map(renderReply));
	renderStatement(j);
	show($('#status-view'), true);
}

// The fingerprint (and receipt) of a receipt file the reporter opens.
let FILE_FP = null;
async function onReceiptFile() {
	const f = $('#receipt-file').files[0];
	if (!f || f.size > 65536) return;
	const got = receiptText(await f.text());
	FILE_FP = got.fp;
	if (got.canon) {
		$('#receipt-input').value = got.canon;
		$('#status-form').requestSubmit();
	}
}

async function onStatus(e) {
	e.preventDefault();
	const err = $('#status-error');
	const input = $('#receipt-input');
	say(err, '');
	const got = receiptText(input.value);
	const canon = got.canon;
	if (!canon) {
		input.setAttribute('aria-invalid', 'true');
		say(err, t('invalid_receipt'));
		input.focus();
		return;
	}
	input.removeAttribute('aria-invalid');
	input.value = canon;
	EXPECT_FP = fpNorm($('#expect-fp').value) || got.fp || FILE_FP;
	if (KEYS) keysWipe(KEYS);
	KEYS = receiptDerive(canon);
	try {
		const j = await fetchStatus();
		SIGN_PK = null;
		// replies and the statement are checked against the district's own signing key,
		// and only when it is the one the receipt records
		if (!INFO) INFO = await getInfo();
		DISTRICT = INFO.districts.find((x) => x.id === j.district) || null;
		if (DISTRICT && districtMatches()) SIGN_PK = DISTRICT.signPk;
		render(j);
		renderDistrictCheck();
		$('#status-view').focus();
	} catch (ex) {
		show($('#status-view'), false);
		say(err, errorMessage(ex));
	}
}

async function onFollowup(e) {
	e.preventDefault();
	const err = $('#fu-error');
	const form = $('#fu-form');
	say(err, '');
	say($('#fu-result'), '');
	const body = $('#fu-body').value;
	if (!body.trim() && picker.files.length === 0) {
		say(err, t('fu_empty'));
		$('#fu-body').focus();
		return;
	}
	if (chars(body) > BODY_MAX) {
		say(err, t('too_long', { field: $('label[for="fu-body"]').textContent, max: BODY_MAX }));
		return;
	}
	let d;
	try {
		if (!INFO) INFO = await getInfo();
		d = INFO.districts.find((x) => x.id === STATUS.district);
		if (!d) throw new QfError('unknown_district');
		DISTRICT = d;
		if (!districtMatches()) {
			/* never sealed to a commission the receipt does not record */
			renderDistrictCheck();
			say(err, t('fu_fp_refused'));
			return;
		}
	} catch (ex) {
		say(err, errorMessage(ex));
		return;
	}
	const n = picker.files.length;
	if (n > ATTACHMENTS_MAX) {
		/* the offline tool would quarantine it (§6) */
		say(err, t('too_many_files', { max: ATTACHMENTS_MAX, n, extra: n - ATTACHMENTS_MAX }));
		return;
	}
	const purpose = form.querySelector('input[name=purpose]:checked').value;
	const blobs = picker.blobs();
	let m;
	try {
		/* signed with the receipt's key over the text and the attachments (§6) */
		m = manifestFollowup(d.id, KEYS.lookup, purpose, body, picker.manifestEntries(), KEYS, blobs);
	} catch (ex) {
		say(err, errorMessage(ex));
		return;
	}
	const big = picker.tooLarge(m, INFO.maxEnvelope);
	if (big) {
		say(err, big);
		return;
	}
	const prog = progressUI($('.progress'));
	prog.reset();
	show(form, false);
	show(prog.section, true);
	try {
		const r = await send({
			kind: 'followup',
			district: d,
			serverSignPk: INFO.serverSignPk,
			keys: KEYS,
			manifest: () => m,
			attachments: blobs,
			step: prog.step,
		});
		show(prog.section, false);
		picker.clear();
		$('#fu-body').value = '';
		$('#fu-body').dispatchEvent(new Event('input'));
		show(form, true);
		say($('#fu-result'), t('fu_sent', { index: r.verified.index, day: r.verified.day }));
		try {
			const j = await fetchStatus();
			render(j);
		} catch (ex) {
			/* the follow-up is in; the refreshed status can wait */
		}
		$('#fu-result').focus();
	} catch (ex) {
		show(prog.section, false);
		show(form, true);
		say(err, errorMessage(ex, true));
		err.setAttribute('tabindex', '-1');
		err.focus();
	}
}

async function main() {
	if (!wasmAvailable()) {
		$('#status-form').hidden = true;
		const box = el('div');
		$('#status-form').before(box);
		cannotEncrypt(box, t('no_wasm'));
		return;
	}
	await ready;
	$('#replies').dataset.none = $('#replies').textContent.trim();
	$('#status-form').addEventListener('submit', onStatus);
	$('#receipt-file').addEventListener('change', onReceiptFile);
	$('#fu-form').addEventListener('submit', onFollowup);
	const count = () => ($('#fu-count').textContent = t('counter', { n: chars($('#fu-body').value), max: BODY_MAX }));
	$('#fu-body').addEventListener('input', count);
	count();
	$('#fu-result').setAttribute('tabindex', '-1');
	try {
		INFO = await getInfo();
	} catch (e) {
		INFO = null; /* retried when a follow-up is sent */
	}
	picker = new FilePicker($('#files-followup .files'), INFO ? INFO.maxEnvelope : 20 * 1024 * 1024);
	window.addEventListener('pagehide', () => KEYS && keysWipe(KEYS));
	// only now can the receipt be handled here: before this no submission at all (§9)
	$('#status-submit').disabled = false;
	$('#status-form').dataset.ready = '1';
}

main();
