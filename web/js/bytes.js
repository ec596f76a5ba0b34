// bytes: byte-array helpers shared by qf-crypto (messages to sign and hash)
// and metastrip (cleaned files), which must not pull in each other.

// The Uint8Arrays of parts, one after the other, in a new Uint8Array.
export function concat(parts) {
	let n = 0;
	for (const p of parts) n += p.length;
	const out = new Uint8Array(n);
	let o = 0;
	for (const p of parts) {
		out.set(p, o);
		o += p.length;
	}
	return out;
}
