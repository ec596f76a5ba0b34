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
