// The page's check of the district's signed case statements (docs/DESIGN.md
// §15) against tests/vectors/statements.json: the exact signed message, every
// valid statement verifies, every invalid one does not, every replies_hash,
// and statementCheck on answers a lying server could give.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as qf from '../../web/js/qf-crypto.js';

await qf.ready;
const sodium = qf.sodium;
const V = process.env.QF_VECTORS || new URL('../vectors', import.meta.url).pathname;
const v = JSON.parse(readFileSync(`${V}/statements.json`, 'utf8'));
const pk = qf.fromB64u(v.sign_pk, 32);
const lookup = qf.fromB64u(v.lookup, 32);

test('statements: exact messages, valid ones verify, invalid ones do not', () => {
	for (const st of v.valid) {
		const m = qf.statementMessage(v.district, lookup, st);
		assert.equal(sodium.to_hex(m), st.message_hex);
		assert.ok(sodium.crypto_sign_verify_detached(qf.fromB64u(st.sig, 64), m, pk));
	}
	let n = 0;
	for (const [name, st] of Object.entries(v.invalid)) {
		const m = qf.statementMessage(v.district, lookup, st);
		assert.ok(!sodium.crypto_sign_verify_detached(qf.fromB64u(st.sig, 64), m, pk), name);
		n++;
	}
	assert.ok(n >= 8);
});

test('statements: replies_hash over the first n replies', () => {
	const envs = v.reply_envelopes.map((e) => qf.fromB64u(e));
	for (let k = 0; k <= envs.length; k++) assert.equal(qf.b64u(qf.repliesHash(envs.slice(0, k))), v.replies_hash[k]);
});

// A status answer as an honest server gives it for the vector's statement n.
function answer(n) {
	const st = { ...v.valid[n] };
	delete st.message_hex;
	return {
		district: v.district,
		index: st.index,
		status: st.status,
		replies: v.reply_envelopes.slice(0, st.replies).map((e, i) => ({ seq: i + 1, day: st.status_day, envelope: e })),
		statement: st,
	};
}

test('statementCheck: an honest answer, and each lie', () => {
	const none = { sig: false, missing: false, different: false, stale: false, status: false };
	for (let n = 0; n < v.valid.length; n++) assert.deepEqual(qf.statementCheck(answer(n), lookup, pk), none);
	assert.equal(qf.statementCheck({ ...answer(0), statement: undefined }, lookup, pk), null);
	let j = answer(1);
	j.replies.pop();
	assert.equal(qf.statementCheck(j, lookup, pk).missing, true, 'a hidden reply');
	j = answer(1);
	[j.replies[0].envelope, j.replies[1].envelope] = [j.replies[1].envelope, j.replies[0].envelope];
	assert.equal(qf.statementCheck(j, lookup, pk).different, true, 'replies in another order');
	j = answer(1);
	j.status = 'concluded';
	assert.equal(qf.statementCheck(j, lookup, pk).status, true, 'a false status');
	j = answer(0);
	j.replies = answer(1).replies; // an old statement next to newer replies
	assert.equal(qf.statementCheck(j, lookup, pk).stale, true, 'an old statement');
	const other = sodium.crypto_sign_keypair();
	assert.equal(qf.statementCheck(answer(1), lookup, other.publicKey).sig, true, 'another key');
	j = answer(1);
	j.index = 2;
	assert.equal(qf.statementCheck(j, lookup, pk).sig, true, 'a statement of another report');
});
