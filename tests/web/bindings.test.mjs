// The page's bindings (docs/DESIGN.md §5 id 4, §6) against
// tests/vectors/bindings.json: every receipt's signing key, the follow-up's
// exact signed message and signature, each invalid variant refused, and a
// report manifest whose bind holds the receipt's values right after "lang".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as qf from '../../web/js/qf-crypto.js';

await qf.ready;
const sodium = qf.sodium;
const b64 = (x) => qf.b64u(x);
const V = process.env.QF_VECTORS || new URL('../vectors', import.meta.url).pathname;
const v = JSON.parse(readFileSync(`${V}/bindings.json`, 'utf8'));

test('bindings: every receipt gives its signing key', () => {
	for (const c of v.receipt_sign_keys) {
		const k = qf.receiptDerive(c.receipt);
		assert.equal(qf.b64u(k.rsignPk), c.sign_pk);
		qf.keysWipe(k);
		assert.ok(k.rsignSk.every((b) => b === 0), 'wiped');
	}
});

test('bindings: the follow-up signature, byte for byte, and each forgery refused', () => {
	const f = v.followup;
	const k = qf.receiptDerive(f.receipt);
	const atts = f.attachments.map((a) => qf.fromB64u(a));
	const msg = qf.followupMessage(f.district, qf.fromB64u(f.lookup, 32), f.purpose, f.body, atts);
	assert.equal(sodium.to_hex(msg), f.message_hex);
	const text = qf.manifestFollowup(f.district, k.lookup, f.purpose, f.body,
		atts.map((a, i) => ({ name: `a${i}`, type: 'application/octet-stream', size: a.length })), k, atts);
	assert.equal(JSON.parse(text).sig, f.sig, 'Ed25519 is deterministic');
	const pk = qf.fromB64u(v.receipt_sign_keys[0].sign_pk, 32);
	for (const [name, c] of Object.entries(f.invalid))
		assert.ok(!sodium.crypto_sign_verify_detached(qf.fromB64u(c.sig, 64), sodium.from_hex(c.message_hex), pk), name);
});

test('bindings: a report carries its bind right after lang', () => {
	const k = qf.receiptDerive(v.receipt_sign_keys[0].receipt);
	const text = qf.manifestReport({ district: 'd01', type: 'accusation', category: 'other', title: 't', body: 'b' }, [], k);
	assert.match(text, /^\{"v":1,"kind":"report","district":"d01","lang":"zh-CN","bind":\{"lookup":"/);
	const m = JSON.parse(text);
	assert.equal(m.bind.lookup, v.entry_lookup);
	assert.equal(m.bind.reply_pk, v.entry_reply_pk);
	assert.equal(m.bind.sign_pk, v.receipt_sign_keys[0].sign_pk);
});

// The envelopes of bindings.json, opened by the page's reader with the
// district key of envelopes.json.
function openVectors() {
	const e = JSON.parse(readFileSync(`${V}/envelopes.json`, 'utf8'));
	const pk = qf.fromB64u(e.box_pk, 32);
	const sk = qf.fromB64u(e.box_sk, 32);
	const out = {};
	for (const [name, text] of Object.entries(v.envelopes)) {
		try {
			out[name] = qf.envelopeOpen(pk, sk, qf.fromB64u(text));
		} catch (err) {
			out[name] = err;
		}
	}
	return out;
}

test('bindings: the page makes the same bind and signature the vectors carry', () => {
	const o = openVectors();
	const k = qf.receiptDerive(v.followup.receipt);
	const bound = o['report, bound'].manifest;
	assert.deepEqual(bound.bind, { lookup: b64(k.lookup), reply_pk: b64(k.replyPk), sign_pk: b64(k.rsignPk) });
	const fu = o['followup, signed'];
	const m = fu.manifest;
	const again = JSON.parse(qf.manifestFollowup(m.district, k.lookup, m.purpose, m.body, m.attachments, k, fu.attachments));
	assert.equal(again.sig, m.sig, 'the page signs the vector follow-up byte for byte');
	const f = o['followup, signature does not verify'];
	const fm = f.manifest;
	const honest = JSON.parse(qf.manifestFollowup(fm.district, k.lookup, fm.purpose, fm.body, fm.attachments, k, f.attachments));
	assert.notEqual(honest.sig, fm.sig, 'the forged one carries a signature the reporter never made');
	qf.keysWipe(k);
});

test('bindings: the page refuses what the offline tool refuses (101 attachments, a manifest over 1 MiB)', async () => {
	const o = openVectors();
	for (const [name, r] of Object.entries(o))
		if (name === 'report, 101 attachments') {
			assert.ok(r instanceof qf.QfError && r.code === 'bad_envelope', `${name} is refused`);
		} else assert.ok(!(r instanceof Error), `${name} opens: ${r && r.message}`);
	const files = (n) => Array.from({ length: n }, (_, i) => ({ name: `f${i}`, type: 'text/plain', size: 1 }));
	const r = { district: 'd01', type: 'accusation', category: 'other', title: 't', body: 'b' };
	const k = qf.receiptDerive(v.followup.receipt);
	assert.doesNotThrow(() => qf.manifestReport(r, files(100), k));
	assert.throws(() => qf.manifestReport(r, files(101), k), (e) => e.code === 'too_large');
	const blobs = (n) => Array.from({ length: n }, () => Uint8Array.of(1));
	assert.doesNotThrow(() => qf.manifestFollowup('d01', k.lookup, 'material', 'b', files(100), k, blobs(100)));
	assert.throws(() => qf.manifestFollowup('d01', k.lookup, 'material', 'b', files(101), k, blobs(101)), (e) => e.code === 'too_large');
	const pk = qf.fromB64u(JSON.parse(readFileSync(`${V}/envelopes.json`, 'utf8')).box_pk, 32);
	await assert.rejects(qf.envelopeSeal(pk, new Uint8Array(1048577).fill(0x20), []), (e) => e.code === 'too_large');
	await qf.envelopeSeal(pk, new Uint8Array(1048576).fill(0x20), []);
	qf.keysWipe(k);
});

test('bindings: the size check before sending counts the bind', () => {
	const r = { district: 'd01', type: 'accusation', category: 'other', title: 't', body: 'b' };
	const k = qf.receiptDerive(v.followup.receipt);
	assert.equal(qf.manifestReport(r, [], qf.SIZING_KEYS).length, qf.manifestReport(r, [], k).length);
	qf.keysWipe(k);
});

// Issue 21 item 5: a report's J is padded with trailing spaces to a fixed
// length (docs/decisions.md), so the body's size does not tell the district.
test('submission J: the same length for a 3- and a 32-character district id, and still JSON', () => {
	const k = 'A'.repeat(43);
	const a = qf.submissionJson({ district: 'd01', lookup: k, auth_hash: k, reply_pk: k });
	const b = qf.submissionJson({ district: 'abcdefghijklmnopqrstuvwxyz-01234', lookup: k, auth_hash: k, reply_pk: k });
	assert.equal(a.length, b.length);
	assert.equal(a.length, qf.SUBMISSION_JSON_PADDED);
	assert.equal(JSON.parse(new TextDecoder().decode(b)).district, 'abcdefghijklmnopqrstuvwxyz-01234');
	const f = qf.submissionJson({ lookup: k, auth: k });
	assert.equal(f.length, qf.SUBMISSION_JSON_PADDED);
});
