// send: the way a report or follow-up leaves the page (DESIGN.md §6, §9):
// seal the envelope here, solve the proof-of-work (at the difficulty the
// body's size needs) in a Web Worker, POST the binary submission body
// (u32be(len(J)) || J || envelope: the envelope's bytes as they are, no
// base64) with the proof in the Qingfeng-PoW header and upload progress,
// and check the server's signed receipt. A
// pow_expired or pow_reused answer gets a fresh challenge (three tries); a
// lookup_in_use answer (a report whose receipt collided) a fresh receipt.
import { QfError, b64u, envelopeSeal, submissionJson, h256, receiptDerive, receiptGenerate, receiptVerify, keysWipe } from './qf-crypto.js';
import { pow, request, answerError } from './api.js';
import { siteURL } from './ui.js';

const ATTEMPTS = 3;

// The difficulty a write of length bytes needs (DESIGN.md §9):
// base + max(0, ceil(log2(length / 1 MiB))); base 0 stays 0.
export function powRequired(base, length) {
	if (base === 0) return 0;
	let extra = 0;
	while (extra < 44 && length > 1048576 * 2 ** extra) extra++;
	return base + extra;
}

// The submission body u32be(len(J)) || J || envelope, J the UTF-8 JSON of
// fields padded to a fixed length (qf-crypto.js submissionJson).
export function submissionBody(fields, env) {
	const j = submissionJson(fields);
	const body = new Uint8Array(4 + j.length + env.length);
	new DataView(body.buffer).setUint32(0, j.length);
	body.set(j, 4);
	body.set(env, 4 + j.length);
	j.fill(0);
	return body;
}

// Solves a challenge in a worker; onProgress(tries, expected).
export function solvePow(challenge, difficulty, onProgress) {
	if (difficulty === 0) return Promise.resolve({ nonce: 'AAAAAAAAAAA', ms: 0 });
	return new Promise((resolve, reject) => {
		const w = new Worker(siteURL('js/pow-worker.js'), { type: 'module' });
		w.onmessage = (ev) => {
			if (ev.data.progress !== undefined) onProgress && onProgress(ev.data.progress, 2 ** difficulty);
			else if (ev.data.nonce) {
				w.terminate();
				resolve(ev.data);
			} else {
				w.terminate();
				reject(new QfError('pow_failed', ev.data.error || 'worker failed'));
			}
		};
		w.onerror = (e) => {
			w.terminate();
			reject(new QfError('pow_failed', e.message || 'worker failed'));
		};
		w.postMessage({ challenge, difficulty });
	});
}

// opts: {kind: 'report'|'followup', district: {id, boxPk}, serverSignPk,
//        keys (follow-ups: the receipt's keys), manifest: (keys) => string
//        (built once the receipt's keys exist: a report binds them, a
//        follow-up is signed with them, §6), attachments: [Uint8Array],
//        step(name, fraction, text)}
// Returns {receipt (reports: the canonical receipt), keys, verified, timings}.
export async function send(opts) {
	const { kind, district, step } = opts;
	const timings = {};
	let t0;
	let keys = opts.keys;
	let receipt = null;
	let body = null;
	let env = null;
	let ehash = null;
	if (kind === 'report') {
		receipt = receiptGenerate();
		keys = receiptDerive(receipt);
	}
	// the receipt first: the sealed manifest binds what derives from it (§6)
	const seal = async () => {
		t0 = performance.now();
		env = await envelopeSeal(district.boxPk, opts.manifest(keys), opts.attachments, (done, total) => {
			step('seal', done / total, { done, total });
			return new Promise((r) => setTimeout(r, 0));
		});
		timings.seal = performance.now() - t0;
		ehash = h256(env);
	};
	await seal();
	const makeBody = () =>
		submissionBody(
			kind === 'report'
				? {
						district: district.id,
						lookup: b64u(keys.lookup),
						auth_hash: b64u(keys.authHash),
						reply_pk: b64u(keys.replyPk),
					}
				: { lookup: b64u(keys.lookup), auth: b64u(keys.auth) },
			env
		);
	try {
		body = makeBody();
		for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
			t0 = performance.now();
			const ch = await pow();
			const difficulty = powRequired(ch.difficulty, body.length);
			step('pow', 0, { tries: 0, expected: 2 ** difficulty });
			const sol = await solvePow(ch.challenge, difficulty, (tries, expected) =>
				step('pow', Math.min(1 - Math.exp(-tries / expected), 0.99), { tries, expected })
			);
			timings.pow = performance.now() - t0;
			timings.difficulty = difficulty;
			step('pow', 1, null);
			const headers = difficulty > 0 ? { 'Qingfeng-PoW': `${ch.challenge}.${sol.nonce}` } : {};
			t0 = performance.now();
			let ans;
			try {
				ans = await request(
					'POST',
					kind === 'report' ? 'api/v1/reports' : 'api/v1/followups',
					body,
					(f) => step('send', f, { pct: Math.round(f * 100) }),
					headers
				);
			} catch (e) {
				throw new QfError('maybe_stored', e.code || 'network');
			}
			timings.send = performance.now() - t0;
			if (ans.status === 201) {
				step('send', 1, { pct: 100 });
				let verified;
				try {
					verified = receiptVerify(ans.json, opts.serverSignPk, district.id, ehash);
				} catch (e) {
					throw new QfError('maybe_stored', e.code);
				}
				return { receipt, keys, verified, timings };
			}
			const err = answerError(ans);
			if (err.code === 'pow_expired' || err.code === 'pow_reused') continue;
			if (err.code === 'lookup_in_use' && kind === 'report') {
				keysWipe(keys);
				receipt = receiptGenerate();
				keys = receiptDerive(receipt);
				body.fill(0);
				await seal(); /* the new receipt's bind */
				body = makeBody();
				continue;
			}
			throw err;
		}
		throw new QfError('pow_expired');
	} catch (e) {
		if (e.code === 'maybe_stored') {
			e.receipt = receipt;
			e.keys = keys;
		} else if (kind === 'report') keysWipe(keys);
		throw e;
	} finally {
		if (body) body.fill(0); /* J holds auth for a follow-up */
		env.fill(0);
	}
}
