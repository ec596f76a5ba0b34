// The report page: the form of DESIGN.md §6, encryption and sending here,
// and the receipt with its confirmation step. Nothing typed leaves the page
// unencrypted, and nothing typed is lost on an error: the form is only
// hidden while sending and comes back as it was.
import { ready, manifestReport, keysWipe, SIZING_KEYS, ATTACHMENTS_MAX } from './qf-crypto.js';
import { info as getInfo } from './api.js';
import { FilePicker } from './files.js';
import { send, powPrepare } from './send.js';
import { progressUI } from './progress.js';
import { CATEGORIES } from './taxonomy.js';
import { $, el, t, lang, say, show, chars, errorMessage, wasmAvailable, cannotEncrypt, nameText } from './ui.js';

const form = $('#report-form');
const formError = $('#form-error');
const BODY_MAX = 50000;
let INFO = null;
let picker = null;
let confirmed = true;

function onLeave(e) {
	if (confirmed) return;
	e.preventDefault();
	e.returnValue = t('leave_warning');
	return e.returnValue;
}

function district() {
	const sel = $('#district');
	const id = sel ? sel.value : INFO.districts[0].id;
	return INFO.districts.find((d) => d.id === id);
}

// §14: the district's parent, when a report about a county-level cadre goes
// there (the default), else null.
function routedTo() {
	const d = district();
	if (!d.parent || val('subject_level') !== 'county') return null;
	const p = INFO.districts.find((x) => x.id === d.parent);
	return p && !$('#keep-district').checked ? p : null;
}

// The commission that will read the report: the district, or its parent.
function recipient() {
	return routedTo() || district();
}

// Says, before anything is encrypted, which commission will read the report
// and why, with the parent's fingerprint, and lets the reporter keep the district.
function updateRoute() {
	const box = $('#route-box');
	const d = district();
	const p = d.parent ? INFO.districts.find((x) => x.id === d.parent) : null;
	const applies = !!p && val('subject_level') === 'county';
	if (!applies) {
		box.hidden = true;
		return;
	}
	if (box.dataset.for !== d.id) {
		const keep = el('input', { type: 'checkbox', id: 'keep-district' });
		keep.addEventListener('change', () => box.classList.toggle('kept', keep.checked));
		box.replaceChildren(
			// the fingerprint right under the fixed heading, between fixed words:
			// the names (free text from the server) come after, never beside it
			el('p', { class: 'route-title' }, el('strong', { text: t('route_h') })),
			el('p', { class: 'fp-line' }, t('route_fp') + ' ', el('code', { id: 'route-fp', text: p.fingerprint }), el('br'),
				el('span', { class: 'hint', text: t('route_fp_check') })),
			el('p', { text: t('route_explain', { parent: nameText(p.name), district: nameText(d.name) }) }),
			el('div', { class: 'choice' }, keep, el('label', { for: 'keep-district', text: t('route_keep', { district: nameText(d.name) }) }))
		);
		box.dataset.for = d.id;
	}
	box.hidden = false;
}

function setupDistricts() {
	const box = $('#district-box');
	const ds = INFO.districts;
	if (ds.length === 1) {
		box.replaceChildren(el('p', {}, el('strong', { text: nameText(ds[0].name) })));
	} else {
		const sel = el('select', { id: 'district', name: 'district' });
		for (const d of ds) sel.append(el('option', { value: d.id, text: nameText(d.name) }));
		box.replaceChildren(el('div', { class: 'field' }, el('label', { for: 'district', text: $('legend', box.parentNode).textContent }), sel));
		sel.addEventListener('change', () => {
			$('#fp').textContent = district().fingerprint;
			updateRoute();
		});
	}
	$('#fp').textContent = district().fingerprint;
	$('#subject_level').addEventListener('change', updateRoute);
	updateRoute();
}

function setupCategories() {
	const cat = $('#category');
	const sub = $('#subcategory');
	const none = sub.options[0].textContent;
	const fill = () => {
		const c = CATEGORIES.find((x) => x.v === cat.value);
		sub.replaceChildren(el('option', { value: '', text: none }));
		for (const [zh, en] of c ? c.subs : []) sub.append(el('option', { value: zh, text: lang === 'en' ? en : zh }));
		$('#subcategory-field').hidden = !c || c.subs.length === 0;
	};
	cat.addEventListener('change', fill);
	fill();
}

function setupCounter(area, out, max) {
	const upd = () => (out.textContent = t('counter', { n: chars(area.value), max }));
	area.addEventListener('input', upd);
	upd();
}

const val = (id) => $(`#${id}`).value;

function fieldProblem(id, key) {
	const f = $(`#${id}`);
	f.setAttribute('aria-invalid', 'true');
	return { msg: t(key, { field: $(`label[for="${id}"]`).firstChild.textContent.trim() }), focus: f };
}

function validate() {
	for (const f of form.querySelectorAll('[aria-invalid]')) f.removeAttribute('aria-invalid');
	if (!val('title').trim()) return fieldProblem('title', 'required');
	if (!val('body').trim()) return fieldProblem('body', 'required');
	if (chars(val('body')) > BODY_MAX) return fieldProblem('body', 'too_long');
	if ($('#real_name').checked && !val('id_name').trim()) {
		const f = $('#id_name');
		f.setAttribute('aria-invalid', 'true');
		return { msg: t('real_name_needed'), focus: f };
	}
	return null;
}

// The report's manifest; with keys (the receipt's, made by send) it carries its bind.
function manifest(keys) {
	const real = $('#real_name').checked;
	const to = routedTo();
	return manifestReport(
		{
			district: recipient().id,
			concerns: to ? district().id : undefined,
			lang,
			type: form.querySelector('input[name=type]:checked').value,
			category: val('category'),
			subcategory: val('subcategory'),
			town: val('town').trim(),
			title: val('title').trim(),
			body: val('body'),
			when: val('when').trim(),
			where: val('where').trim(),
			subject: {
				name: val('subject_name').trim(),
				unit: val('subject_unit').trim(),
				area: val('subject_area').trim(),
				position: val('subject_position').trim(),
				level: val('subject_level'),
				party_member: val('subject_party'),
			},
			identity: real
				? {
						name: val('id_name').trim(),
						phone: val('id_phone').trim(),
						id_number: val('id_number').trim(),
						unit: val('id_unit').trim(),
						address: val('id_address').trim(),
					}
				: null,
		},
		picker.manifestEntries(),
		keys
	);
}

// The receipt of a send the server did not confirm: sending the form again
// files a second report with a second receipt, so it takes a tick first.
let UNSURE = null;

// Leaves an unconfirmed receipt for the form (kept as it was): the receipt
// view goes, and the form says what sending again means.
function backToForm(receipt) {
	UNSURE = receipt;
	show($('#receipt-view'), false);
	$('#resend-note').textContent = t('resend_note', { last: receipt.slice(-4) });
	$('#resend-ok').checked = false;
	show($('#resend-box'), true);
	show(form, true);
	form.scrollIntoView();
}

let SENT = null;
function showReceipt(receipt, verified, warning, sent) {
	SENT = sent || null;
	const box = $('#receipt');
	const groups = receipt.split('-');
	box.replaceChildren();
	groups.forEach((g, i) => {
		if (i) box.append(el('span', { class: 'sep', 'aria-hidden': 'true', text: '-' }));
		box.append(el('span', { class: 'grp', text: g }));
	});
	box.dataset.receipt = receipt;
	// the heading tells the truth: a receipt the server has not confirmed is not "sent"
	$('#rc-h').textContent = t(warning ? 'rc_title_unsure' : 'rc_title');
	say($('#rc-warning'), warning || '');
	if (warning) {
		const again = el('button', { type: 'button', id: 'back-to-form', text: t('e_back_to_form') });
		$('#rc-warning').append(' ', again);
		again.addEventListener('click', () => backToForm(receipt));
	}
	if (verified) {
		$('#rc-district').textContent = `${nameText(sent.name)} (${verified.district})`;
		$('#rc-fp').textContent = sent.fingerprint;
		$('#rc-index').textContent = String(verified.index);
		$('#rc-day').textContent = verified.day;
	}
	show($('#rc-signed'), !!verified);
	say($('#rc-routed'), sent && sent.concerns ? t('rc_routed', { district: nameText(sent.concerns), parent: nameText(sent.name) }) : '');
	show($('#receipt-view'), true);
	confirmed = false;
	window.addEventListener('beforeunload', onLeave);
	$('#receipt-view').focus();
}

async function copyReceipt() {
	const r = $('#receipt').dataset.receipt;
	const msg = $('#copy-msg');
	try {
		await navigator.clipboard.writeText(r);
		msg.textContent = t('copied');
	} catch (e) {
		const ta = el('textarea', { class: 'visually-hidden-file', 'aria-hidden': 'true' });
		ta.value = r;
		document.body.append(ta);
		ta.select();
		const ok = document.execCommand && document.execCommand('copy');
		ta.remove();
		msg.textContent = ok ? t('copied') : t('copy_failed');
	}
}

function downloadReceipt() {
	const r = $('#receipt').dataset.receipt;
	// the commission on labelled lines, its fingerprint on its own (the status page checks it)
	const facts =
		(SENT ? `\n区纪委监委编号 / Commission id: ${SENT.id}\n公钥指纹 / Key fingerprint: ${SENT.fingerprint}\n` +
			`单位名称（服务器所称）/ Commission name (as the server states it):\n    ${nameText(SENT.name)}\n` : '') +
		($('#rc-signed').hidden
			? ''
			: `登记编号 / Entry number: ${$('#rc-index').textContent}\n登记日期 / Day registered: ${$('#rc-day').textContent}\n`);
	const text =
		`清风举报回执 / Qingfeng receipt\n\n回执 / Receipt:\n    ${r}\n${facts}\n` +
		'回执是查询办理情况、阅读答复、补充材料的唯一凭证，丢失无法找回。请妥善保管，切勿告诉他人。\n' +
		'This receipt is the only way back to your report. Keep it secret and safe.\n';
	const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
	const a = el('a', { href: url, download: 'qingfeng-receipt.txt' });
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function normalise(s) {
	return s.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
}

function setupReceiptView() {
	$('#copy').addEventListener('click', copyReceipt);
	$('#download').addEventListener('click', downloadReceipt);
	$('#confirm-form').addEventListener('submit', (e) => {
		e.preventDefault();
		const last = $('#receipt').dataset.receipt.split('-').pop();
		const input = $('#confirm-input');
		if (normalise(input.value) !== last) {
			input.setAttribute('aria-invalid', 'true');
			say($('#confirm-msg'), t('confirm_wrong'));
			input.focus();
			return;
		}
		input.removeAttribute('aria-invalid');
		say($('#confirm-msg'), '');
		confirmed = true;
		window.removeEventListener('beforeunload', onLeave);
		show($('#confirm-form'), false);
		show($('#rc-done'), true);
		$('#rc-done').focus();
	});
}

async function onSubmit(e) {
	e.preventDefault();
	say(formError, '');
	if (UNSURE && !$('#resend-ok').checked) {
		say(formError, t('resend_tick'));
		$('#resend-ok').focus();
		return;
	}
	const bad = validate();
	if (bad) {
		say(formError, bad.msg);
		bad.focus.focus();
		return;
	}
	const n = picker.files.length;
	if (n > ATTACHMENTS_MAX) {
		/* the offline tool would quarantine it (§6) */
		say(formError, t('too_many_files', { max: ATTACHMENTS_MAX, n, extra: n - ATTACHMENTS_MAX }));
		return;
	}
	let m;
	try {
		/* checks the fields and sizes the envelope as it will be: send binds it to the
		   receipt, and a bind of the same shape has exactly the same length */
		m = manifest(SIZING_KEYS);
	} catch (err) {
		say(formError, errorMessage(err));
		return;
	}
	const big = picker.tooLarge(m, INFO.maxEnvelope);
	if (big) {
		say(formError, big);
		return;
	}
	// who reads it, fixed now: the receipt names it even after the form is reset
	const to = recipient();
	const sent = { name: to.name, id: to.id, fingerprint: to.fingerprint, concerns: routedTo() ? district().name : null };
	const prog = progressUI($('.progress'));
	prog.reset();
	show(form, false);
	show(prog.section, true);
	prog.section.scrollIntoView();
	try {
		const r = await send({
			kind: 'report',
			district: to,
			serverSignPk: INFO.serverSignPk,
			manifest, /* called with the receipt's keys while the form is still as it was */
			attachments: picker.blobs(),
			step: prog.step,
		});
		keysWipe(r.keys);
		window.qfTimings = r.timings; // read by the benchmark script
		powPrepare(); /* for a next report */
		show(prog.section, false);
		picker.clear();
		form.reset();
		updateRoute();
		UNSURE = null;
		show($('#resend-box'), false);
		showReceipt(r.receipt, r.verified, null, sent);
	} catch (err) {
		show(prog.section, false);
		if (err.code === 'maybe_stored' && err.receipt) {
			keysWipe(err.keys);
			showReceipt(err.receipt, null, errorMessage(err), sent);
			return;
		}
		show(form, true);
		say(formError, errorMessage(err));
		formError.setAttribute('tabindex', '-1');
		formError.focus();
	}
}

async function main() {
	const msg = $('#info-msg');
	if (!wasmAvailable()) {
		cannotEncrypt(msg, t('no_wasm'));
		return;
	}
	try {
		await ready;
		INFO = await getInfo();
	} catch (e) {
		msg.replaceChildren(
			el('p', { class: 'error', text: e.code === 'fingerprint' ? t('fingerprint_bad') : t('info_failed', { detail: t(!e.code || e.code === 'network' ? 'why_network' : 'why_server') }) })
		);
		return;
	}
	if (INFO.districts.length === 0) {
		msg.replaceChildren(el('p', { class: 'warn', text: t('no_district') }));
		return;
	}
	msg.replaceChildren();
	setupDistricts();
	setupCategories();
	setupCounter($('#body'), $('#body-count'), BODY_MAX);
	$('#real_name').addEventListener('change', () => show($('#identity'), $('#real_name').checked));
	picker = new FilePicker($('#files-report .files'), INFO.maxEnvelope);
	setupReceiptView();
	form.addEventListener('submit', onSubmit);
	form.addEventListener('input', (e) => {
		if (e.target.getAttribute('aria-invalid') && e.target.value.trim()) {
			e.target.removeAttribute('aria-invalid');
			say(formError, '');
		}
	});
	show(form, true);
	form.dataset.ready = '1';
	powPrepare(); /* the proof-of-work is solved while the reporter types */
}

main().catch((e) => {
	$('#info-msg').replaceChildren(el('p', { class: 'error', text: String(e && e.message) }));
	throw e;
});
