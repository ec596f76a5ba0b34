// The page's JavaScript crypto (web/js/qf-crypto.js) against the known-answer
// vectors in tests/vectors, plus round trips and forged inputs. Run with
// `node --test tests/web/` from the repository root.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as qf from '../../web/js/qf-crypto.js';

await qf.ready;
const sodium = qf.sodium;
const V = process.env.QF_VECTORS || new URL('../vectors', import.meta.url).pathname;
const vec = (name) => JSON.parse(readFileSync(`${V}/${name}.json`, 'utf8'));

test('receipts: parse and derive match the vectors', () => {
	const v = vec('receipts');
	for (const c of v.valid) {
		assert.equal(qf.receiptParse(c.typed), c.receipt);
		assert.equal(qf.receiptParse(c.receipt), c.receipt);
		const k = qf.receiptDerive(c.typed);
		assert.equal(qf.b64u(k.lookup), c.lookup);
		assert.equal(qf.b64u(k.auth), c.auth);
		assert.equal(qf.b64u(k.authHash), c.auth_hash);
		assert.equal(qf.b64u(k.replyPk), c.reply_pk);
		assert.equal(qf.b64u(k.replySk), c.reply_sk);
	}
	for (const bad of v.invalid) {
		assert.equal(qf.receiptParse(bad), null, bad);
		assert.throws(() => qf.receiptDerive(bad), { code: 'invalid_receipt' });
	}
});

test('receipts: typing tolerance (I, L, O, case, spaces)', () => {
	const r = qf.receiptGenerate();
	const typed = r.toLowerCase().replace(/1/g, 'l').replace(/0/g, 'o').replace(/-/g, ' ');
	assert.equal(qf.receiptParse(typed), r);
	assert.equal(qf.receiptParse(r.replace(/-/g, '')), r);
	assert.equal(qf.receiptParse(r + 'A'), null);
	assert.equal(qf.receiptParse(r.replace(/-/g, '_')), null);
});

test('receipts: generated ones are canonical, valid and distinct', () => {
	const seen = new Set();
	for (let i = 0; i < 200; i++) {
		const r = qf.receiptGenerate();
		assert.match(r, /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/);
		assert.equal(qf.receiptParse(r), r);
		seen.add(r);
	}
	assert.equal(seen.size, 200);
});

test('padme matches the vectors', () => {
	for (const [l, p] of vec('padme').cases) assert.equal(qf.padme(l), p, `padme(${l})`);
});

test('fingerprints match the vectors', () => {
	const v = vec('keys');
	const pub = v.public;
	assert.equal(
		qf.fingerprint(pub.id, qf.fromB64u(pub.box_pk, 32), qf.fromB64u(pub.sign_pk, 32)),
		pub.fingerprint
	);
	for (const f of v.more_fingerprints)
		assert.equal(qf.fingerprint(f.id, qf.fromB64u(f.box_pk), qf.fromB64u(f.sign_pk)), f.fingerprint);
	const d = qf.districtFromInfo(pub);
	assert.equal(d.fingerprint, pub.fingerprint);
	assert.throws(() => qf.districtFromInfo({ ...pub, fingerprint: v.more_fingerprints[0].fingerprint }), {
		code: 'fingerprint',
	});
});

test('proof-of-work solutions match the vectors', () => {
	const v = vec('pow');
	const ch = qf.fromB64u(v.challenge, 40);
	for (const s of v.solutions) {
		assert.ok(qf.powCheck(ch, qf.fromB64u(s.nonce, 8), s.difficulty), `difficulty ${s.difficulty}`);
		// counting up from 0 finds the same first solution
		assert.equal(qf.b64u(qf.powSolve(ch, s.difficulty)), s.nonce);
	}
	assert.equal(qf.powCheck(ch, qf.fromB64u(v.not_a_solution_at_12, 8), 12), false);
});

test('signed receipts of the chain vectors verify; altered ones do not', () => {
	const v = vec('chain');
	const pk = qf.fromB64u(v.server_sign_pk, 32);
	for (const e of v.entries) {
		const ans = {
			receipt: {
				district: v.district,
				index: e.index,
				day: e.day,
				envelope_hash: e.envelope_hash,
				chain: e.chain,
				sig: e.receipt_sig,
			},
		};
		const eh = qf.fromB64u(e.envelope_hash, 32);
		const r = qf.receiptVerify(ans, pk, v.district, eh);
		assert.equal(r.index, e.index);
		assert.equal(r.day, e.day);
		assert.throws(() => qf.receiptVerify({ receipt: { ...ans.receipt, index: e.index + 1 } }, pk, v.district, eh), {
			code: 'signature',
		});
		assert.throws(() => qf.receiptVerify(ans, pk, 'd02', eh), { code: 'district' });
		assert.throws(() => qf.receiptVerify(ans, pk, v.district, new Uint8Array(32)), { code: 'hash' });
		assert.throws(() => qf.receiptVerify({ receipt: { ...ans.receipt, sig: 'AAAA' } }, pk, v.district, eh), {
			code: 'format',
		});
	}
});

test('envelopes: the valid vectors open with the right manifest and attachments', () => {
	const v = vec('envelopes');
	const pk = qf.fromB64u(v.box_pk, 32);
	const sk = qf.fromB64u(v.box_sk, 32);
	for (const e of v.valid) {
		const env = qf.fromB64u(e.envelope);
		assert.equal(env.length, e.envelope_length);
		const o = qf.envelopeOpen(pk, sk, env);
		assert.deepEqual(o.manifest, e.manifest);
		assert.equal(o.attachments.length, e.attachment_blake2b256.length);
		o.attachments.forEach((a, i) => assert.equal(qf.b64u(qf.h256(a)), e.attachment_blake2b256[i]));
		// the manifests serialise back to the very bytes that were sealed
		assert.equal(qf.janssonJSON(o.manifest), o.manifestText);
	}
});

test('envelopes: every malformed vector is rejected', () => {
	const v = vec('envelopes');
	const pk = qf.fromB64u(v.box_pk, 32);
	const sk = qf.fromB64u(v.box_sk, 32);
	for (const [name, text] of Object.entries(v.malformed))
		assert.throws(() => qf.envelopeOpen(pk, sk, qf.fromB64u(text)), { code: 'bad_envelope' }, name);
});

test('envelopes: seal/open round trips at chunk boundaries, sizes as §6 says', async () => {
	const kp = sodium.crypto_box_keypair();
	const sizes = [0, 1, 4000, 65536 - 200, 65536, 65536 * 2 + 7, 300000];
	for (const n of sizes) {
		const att = sodium.randombytes_buf(n);
		const m = qf.manifestFollowup('d01', new Uint8Array(32), 'material', 'x', [{ name: 'a', type: '', size: n }]);
		let calls = 0;
		const env = await qf.envelopeSeal(kp.publicKey, m, [att], () => {
			calls++;
		});
		const mb = qf.utf8(m);
		assert.equal(env.length, qf.sealedSize(4 + mb.length + n));
		assert.ok(calls >= 1);
		const o = qf.envelopeOpen(kp.publicKey, kp.privateKey, env);
		assert.equal(o.manifestText, m);
		assert.deepEqual(o.attachments[0], att);
		// a flipped bit anywhere after the header fails
		const bad = env.slice();
		bad[bad.length - 1] ^= 1;
		assert.throws(() => qf.envelopeOpen(kp.publicKey, kp.privateKey, bad), { code: 'bad_envelope' });
		// truncated and extended
		assert.throws(() => qf.envelopeOpen(kp.publicKey, kp.privateKey, env.subarray(0, env.length - 1)));
		assert.throws(() => qf.envelopeOpen(kp.publicKey, kp.privateKey, qf.concat([env, new Uint8Array(1)])));
	}
	// the wrong key
	const other = sodium.crypto_box_keypair();
	const env = await qf.envelopeSeal(kp.publicKey, '{}', []);
	assert.throws(() => qf.envelopeOpen(other.publicKey, other.privateKey, env), { code: 'bad_envelope' });
});

test('manifests: exactly the §6 shape and key order', () => {
	const m = qf.manifestReport(
		{
			district: 'd01',
			lang: 'zh-CN',
			type: 'accusation',
			category: 'integrity',
			subcategory: '违规收受礼品礼金',
			town: '城关镇',
			title: 't',
			body: 'a "quoted" \\ line\n\t\u0001/',
			when: '2026-05',
			where: '',
			subject: { unit: '城关镇政府' },
			identity: null,
		},
		[{ name: 'a.jpg', type: 'image/jpeg', size: 12345 }]
	);
	assert.equal(
		m,
		'{"v":1,"kind":"report","district":"d01","lang":"zh-CN","report":{"type":"accusation",' +
			'"category":"integrity","subcategory":"违规收受礼品礼金","town":"城关镇","title":"t",' +
			'"body":"a \\"quoted\\" \\\\ line\\n\\t\\u0001/","when":"2026-05","where":"",' +
			'"subject":{"name":"","unit":"城关镇政府","area":"","position":"","level":"unknown",' +
			'"party_member":"unknown"},"identity":null},' +
			'"attachments":[{"name":"a.jpg","type":"image/jpeg","size":12345}]}'
	);
	const withId = JSON.parse(
		qf.manifestReport(
			{ district: 'd01', type: 'appeal', category: 'other', title: 't', body: 'b', identity: { name: '张三' } },
			[]
		)
	);
	assert.deepEqual(withId.report.identity, { name: '张三', phone: '', id_number: '', unit: '', address: '' });
	assert.throws(() => qf.manifestReport({ district: 'd01', type: 'x', category: 'other', title: 't', body: 'b' }), {
		code: 'bad_field',
	});
	assert.throws(() => qf.manifestReport({ district: 'd01', type: 'appeal', category: 'other', title: '', body: 'b' }));
	assert.throws(() => qf.manifestReport({ district: 'D01', type: 'appeal', category: 'other', title: 't', body: 'b' }));
	const f = qf.manifestFollowup('d01', new Uint8Array(32), 'objection', '异议', []);
	assert.equal(
		f,
		'{"v":1,"kind":"followup","district":"d01","lookup":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",' +
			'"purpose":"objection","body":"异议","attachments":[]}'
	);
	assert.throws(() => qf.manifestFollowup('d01', new Uint8Array(32), 'other', '', []));
	// a lone surrogate becomes U+FFFD, as UTF-8 encoding would make it
	assert.equal(qf.janssonJSON({ a: 'x\uD800y' }), '{"a":"x\uFFFDy"}');
	assert.equal(qf.janssonJSON({ a: '\\u001f' }), '{"a":"\\\\u001f"}');
});

test('b64u decoding is strict', () => {
	assert.deepEqual(qf.fromB64u('AAE', 2), Uint8Array.of(0, 1));
	for (const bad of ['AAE=', 'AA+', 'A', 'AAF', ' AAE', 'AA/'])
		assert.throws(() => qf.fromB64u(bad), { code: 'bad_b64u' }, bad);
	assert.throws(() => qf.fromB64u('AAE', 3));
});

test('reply signatures made by the C side verify; altered ones do not', () => {
	const f = JSON.parse(readFileSync(new URL('./fixtures/reply-sig.json', import.meta.url)));
	const pk = qf.fromB64u(f.sign_pk, 32);
	const lookup = qf.fromB64u(f.lookup, 32);
	const atts = f.attachments.map((a) => qf.fromB64u(a));
	assert.equal(qf.replyVerify(f.manifest, atts, lookup, pk), true);
	assert.equal(qf.replyVerify({ ...f.manifest, body: f.manifest.body + ' ' }, atts, lookup, pk), false);
	assert.equal(qf.replyVerify({ ...f.manifest, status: 'concluded' }, atts, lookup, pk), false);
	assert.equal(qf.replyVerify({ ...f.manifest, district: 'd02' }, atts, lookup, pk), false);
	assert.equal(qf.replyVerify(f.manifest, [], lookup, pk), false);
	assert.equal(qf.replyVerify(f.manifest, atts, new Uint8Array(32), pk), false);
	assert.equal(qf.replyVerify(f.manifest, atts, lookup, new Uint8Array(32)), false);
	const { sig, ...unsigned } = f.manifest;
	assert.equal(qf.replyVerify(unsigned, atts, lookup, pk), false);
	assert.ok(sig);
});
