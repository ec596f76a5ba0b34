// pow: the proof-of-work of DESIGN.md §9, alone so that the worker that
// solves it (web/js/main-pow-worker.js) carries nothing else of qf-crypto.
// powCheck and powSolve throw only what libsodium throws (not ready yet).
import sodium from 'libsodium-wrappers';

export function leadingZeroBits(h) {
	let n = 0;
	for (const b of h) {
		if (b === 0) {
			n += 8;
			continue;
		}
		return n + Math.clz32(b) - 24;
	}
	return n;
}

export function powCheck(challenge, nonce, difficulty) {
	if (difficulty === 0) return true;
	const buf = new Uint8Array(48);
	buf.set(challenge, 0);
	buf.set(nonce, 40);
	return leadingZeroBits(sodium.crypto_generichash(32, buf, null)) >= difficulty;
}

// Counts nonces up from start (u64be) until H256(challenge || nonce) has
// difficulty leading zero bits. onProgress(tries) is called every `every`
// tries and may return true to stop (then null is returned).
export function powSolve(challenge, difficulty, onProgress, every = 8192, start = 0) {
	const buf = new Uint8Array(48);
	buf.set(challenge, 0);
	const dv = new DataView(buf.buffer);
	let hi = Math.floor(start / 2 ** 32);
	let lo = start % 2 ** 32;
	for (let tries = 1; ; tries++) {
		dv.setUint32(40, hi, false);
		dv.setUint32(44, lo, false);
		const h = sodium.crypto_generichash(32, buf, null);
		if (difficulty === 0 || leadingZeroBits(h) >= difficulty) return buf.slice(40);
		if (++lo === 2 ** 32) {
			lo = 0;
			hi++;
		}
		if (onProgress && tries % every === 0 && onProgress(tries)) return null;
	}
}
