// The proof-of-work worker: says {ready: true} once it runs (its libsodium
// is imported before its module body runs, and a message posted before then
// would be lost: web/js/send.js waits for it), then gets {challenge (b64u),
// difficulty}, answers
// {progress: tries} now and then and finally {nonce (b64u), tries, ms}. It
// sees only the server's public challenge, never anything of the report.
import { ready, powSolve, fromB64u, b64u } from './qf-crypto.js';

self.onmessage = async (ev) => {
	try {
		await ready;
		const { challenge, difficulty } = ev.data;
		const ch = fromB64u(challenge, 40);
		const t0 = performance.now();
		let tries = 0;
		const nonce = powSolve(ch, difficulty, (n) => {
			tries = n;
			self.postMessage({ progress: n });
			return false;
		}, 16384);
		self.postMessage({ nonce: b64u(nonce), tries, ms: performance.now() - t0 });
	} catch (e) {
		self.postMessage({ error: String((e && e.message) || e) });
	}
};
self.postMessage({ ready: true });
