// The proof-of-work worker: says {ready: true} once it runs (its libsodium
// is imported before its module body runs, and a message posted before then
// would be lost: web/js/send.js waits for it), then gets {challenge (b64u),
// difficulty}, answers
// {progress: tries} now and then and finally {nonce (b64u), tries, ms}. It
// sees only the server's public challenge, never anything of the report.
import sodium from 'libsodium-wrappers';
import { powSolve } from './pow.js';

self.onmessage = async (ev) => {
	try {
		await sodium.ready;
		const { challenge, difficulty } = ev.data;
		const ch = sodium.from_base64(challenge, sodium.base64_variants.URLSAFE_NO_PADDING);
		if (ch.length !== 40) throw new Error('challenge of the wrong length');
		const t0 = performance.now();
		let tries = 0;
		const nonce = powSolve(ch, difficulty, (n) => {
			tries = n;
			self.postMessage({ progress: n });
			return false;
		}, 16384);
		self.postMessage({ nonce: sodium.to_base64(nonce, sodium.base64_variants.URLSAFE_NO_PADDING), tries, ms: performance.now() - t0 });
	} catch (e) {
		self.postMessage({ error: String((e && e.message) || e) });
	}
};
self.postMessage({ ready: true });
