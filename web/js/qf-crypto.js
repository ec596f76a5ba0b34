// qf-crypto: the reporter's side of the Qingfeng protocol in the browser
// (DESIGN.md §4-§9), on libsodium-wrappers: receipts and what derives from
// them, envelopes (seal and open), Padmé, proof-of-work, district key
// fingerprints, the server's signed receipts, and the §6 manifests serialised
// exactly as the C tools serialise them (Jansson, compact).
//
// Every function throws a QfError with a stable code on bad input; nothing
// here touches the DOM or the network, so node runs the same code against
// tests/vectors.
import sodium from 'libsodium-wrappers';
import { leadingZeroBits, powCheck, powSolve } from './pow.js';
import { VOCAB } from './vocab.js';
import { concat } from './bytes.js';

export const ready = sodium.ready;

export class QfError extends Error {
	constructor(code, message) {
		super(message || code);
		this.code = code;
	}
}

export const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CHUNK = 65536;
export const CHUNK_OVERHEAD = 17;
export const HEADER_BYTES = 4 + 80 + 24;
export const MIN_PADDED = 4096;
// §6: a manifest over 1 MiB or listing more than 100 attachments is
// malformed (crypto/envelope.h): the page neither makes nor opens one, so
// nothing it sends is quarantined for its size.
export const MANIFEST_MAX = 1024 * 1024;
export const ATTACHMENTS_MAX = 100;
const MAGIC = [0x51, 0x46, 0x45, 0x31]; // "QFE1"
const enc = new TextEncoder();

// ---- encodings (§4) ----------------------------------------------------

export function b64u(bytes) {
	return sodium.to_base64(bytes, sodium.base64_variants.URLSAFE_NO_PADDING);
}

// Strict b64u (libsodium rejects padding, other alphabets and non-zero
// trailing bits); n, when given, is the exact decoded length required.
export function fromB64u(text, n) {
	if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*$/.test(text))
		throw new QfError('bad_b64u', 'not base64url');
	let out;
	try {
		out = sodium.from_base64(text, sodium.base64_variants.URLSAFE_NO_PADDING);
	} catch (e) {
		throw new QfError('bad_b64u', 'not base64url');
	}
	if (n !== undefined && out.length !== n)
		throw new QfError('bad_b64u', 'wrong length');
	return out;
}

export function utf8(s) {
	return enc.encode(s);
}

export { concat };

export function u64be(x) {
	const b = new Uint8Array(8);
	const v = BigInt(x);
	new DataView(b.buffer).setBigUint64(0, v, false);
	return b;
}

function u32be(x) {
	const b = new Uint8Array(4);
	new DataView(b.buffer).setUint32(0, x, false);
	return b;
}

// lp(s): one length byte then the bytes (s <= 255 bytes).
function lp(s) {
	const b = typeof s === 'string' ? utf8(s) : s;
	if (b.length > 255) throw new QfError('bad_arg', 'lp: too long');
	return concat([Uint8Array.of(b.length), b]);
}

export function h256(bytes) {
	return sodium.crypto_generichash(32, bytes, null);
}

export function wipe(buf) {
	if (buf && buf.fill) buf.fill(0);
}

export function districtValid(id) {
	return typeof id === 'string' && /^[a-z0-9][a-z0-9-]{0,31}$/.test(id);
}

// ---- receipts (§5) -----------------------------------------------------

function checkSymbols(data) {
	const h = h256(utf8('qingfeng-receipt-check-v1:' + data));
	return ALPHABET[h[0] >> 3] + ALPHABET[h[1] >> 3];
}

function group(s) {
	return s.match(/.{4}/g).join('-');
}

// A fresh receipt in canonical form "XXXX-XXXX-XXXX-XXXX-XXXX".
export function receiptGenerate() {
	const r = sodium.randombytes_buf(18);
	let d = '';
	for (let i = 0; i < 18; i++) d += ALPHABET[r[i] & 31]; // 256 = 8 * 32: uniform
	wipe(r);
	return group(d + checkSymbols(d));
}

// What a person typed -> canonical receipt, or null ("invalid receipt").
export function receiptParse(typed) {
	if (typeof typed !== 'string') return null;
	const s = typed
		.toUpperCase()
		.replace(/[- ]/g, '')
		.replace(/[IL]/g, '1')
		.replace(/O/g, '0');
	if (s.length !== 20) return null;
	for (const c of s) if (!ALPHABET.includes(c)) return null;
	const d = s.slice(0, 18);
	if (checkSymbols(d) !== s.slice(18)) return null;
	return group(s);
}

// lookup, auth, authHash, replyPk, replySk, and the reporter's signing pair
// rsignPk, rsignSk (§5 id 4) (Uint8Array) from a receipt.
export function receiptDerive(receipt) {
	const canon = receiptParse(receipt);
	if (canon === null) throw new QfError('invalid_receipt', 'invalid receipt');
	const d = canon.replace(/-/g, '').slice(0, 18);
	const master = h256(utf8('qingfeng-receipt-v1:' + d));
	const lookup = sodium.crypto_kdf_derive_from_key(32, 1, 'QFRCPT01', master);
	const auth = sodium.crypto_kdf_derive_from_key(32, 2, 'QFRCPT01', master);
	const seed = sodium.crypto_kdf_derive_from_key(32, 3, 'QFRCPT01', master);
	const kp = sodium.crypto_box_seed_keypair(seed);
	const signSeed = sodium.crypto_kdf_derive_from_key(32, 4, 'QFRCPT01', master);
	const sp = sodium.crypto_sign_seed_keypair(signSeed);
	wipe(master);
	wipe(seed);
	wipe(signSeed);
	return {
		receipt: canon,
		lookup,
		auth,
		authHash: h256(auth),
		replyPk: kp.publicKey,
		replySk: kp.privateKey,
		rsignPk: sp.publicKey,
		rsignSk: sp.privateKey,
	};
}

export function keysWipe(k) {
	if (!k) return;
	for (const f of ['lookup', 'auth', 'authHash', 'replyPk', 'replySk', 'rsignPk', 'rsignSk']) wipe(k[f]);
}

// ---- fingerprints (§7) -------------------------------------------------

export function fingerprint(id, boxPk, signPk) {
	if (!districtValid(id)) throw new QfError('bad_district', 'bad district id');
	const h = h256(concat([utf8('qingfeng-district-v1'), lp(id), boxPk, signPk]));
	const hex = sodium.to_hex(h.subarray(0, 16));
	return hex.match(/.{4}/g).join(' ');
}

// The district entry of /api/v1/info with its keys decoded and its
// fingerprint recomputed; throws 'fingerprint' when the server's differs.
export function districtFromInfo(d) {
	if (!d || !districtValid(d.id) || typeof d.name !== 'string')
		throw new QfError('bad_info', 'malformed district entry');
	const boxPk = fromB64u(d.box_pk, 32);
	const signPk = fromB64u(d.sign_pk, 32);
	const fp = fingerprint(d.id, boxPk, signPk);
	if (fp !== d.fingerprint)
		throw new QfError('fingerprint', 'the fingerprint does not match the keys');
	// §14: where the commission stands (the server's word; routing shows the parent's fingerprint)
	const level = ['district', 'city', 'province'].includes(d.level) ? d.level : 'district';
	const parent = districtValid(d.parent) && d.parent !== d.id ? d.parent : null;
	return { id: d.id, name: d.name, boxPk, signPk, fingerprint: fp, level, parent };
}

// ---- Padmé and sizes (§6) ----------------------------------------------

function bitLength(n) {
	return n === 0 ? 0 : n.toString(2).length;
}

export function padme(len) {
	const L = Math.max(len, MIN_PADDED);
	const E = bitLength(L) - 1; // floor(log2 L), exact below 2^53
	const S = bitLength(E); // floor(log2 E) + 1
	const unit = 2 ** (E - S);
	return Math.ceil(L / unit) * unit;
}

// A write's J (§9), UTF-8, padded with trailing spaces (JSON whitespace) to
// SUBMISSION_JSON_PADDED bytes so that the body's size does not tell the
// district id's length (docs/decisions.md); the CLI pads the same way.
export const SUBMISSION_JSON_PADDED = 256;
export function submissionJson(fields) {
	const j = new TextEncoder().encode(JSON.stringify(fields));
	if (j.length >= SUBMISSION_JSON_PADDED) return j;
	const out = new Uint8Array(SUBMISSION_JSON_PADDED).fill(0x20);
	out.set(j);
	j.fill(0);
	return out;
}

export function sealedSize(unpadded) {
	const p = padme(unpadded);
	const chunks = Math.ceil(p / CHUNK);
	return HEADER_BYTES + p + chunks * CHUNK_OVERHEAD;
}

// ---- manifests (§6), serialised like Jansson's JSON_COMPACT -------------

// Lone surrogates become U+FFFD (what UTF-8 encoding would do anyway).
function wellFormed(s) {
	return s.replace(
		/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
		'\uFFFD'
	);
}

function clean(v) {
	if (typeof v === 'string') return wellFormed(v);
	if (Array.isArray(v)) return v.map(clean);
	if (v && typeof v === 'object') {
		const o = {};
		for (const k of Object.keys(v)) o[k] = clean(v[k]);
		return o;
	}
	return v;
}

// JSON text as Jansson writes it: compact, UTF-8 as is, '/' unescaped,
// control characters as \b \f \n \r \t or \u00XX with upper-case hex.
export function janssonJSON(obj) {
	return JSON.stringify(clean(obj)).replace(/\\(?:\\|u([0-9a-f]{4}))/g, (m, hex) =>
		hex ? '\\u' + hex.toUpperCase() : m
	);
}

// The words of §6's lists (crypto/vocab.def, through web/js/vocab.js).
const words = (list) => list.map((e) => e.v);
const TYPES = words(VOCAB.type);
const CATEGORIES = words(VOCAB.category);
const LEVELS = words(VOCAB.level);
const PARTY = words(VOCAB.party);
export const ENUMS = { TYPES, CATEGORIES, LEVELS, PARTY, PURPOSES: words(VOCAB.purpose) };

function str(v) {
	return typeof v === 'string' ? v : '';
}

function attachmentList(files) {
	if ((files || []).length > ATTACHMENTS_MAX) throw new QfError('too_large', 'more than 100 attachments');
	return (files || []).map((f) => {
		if (!Number.isSafeInteger(f.size) || f.size < 0)
			throw new QfError('bad_field', 'attachment size');
		return { name: str(f.name), type: str(f.type) || 'application/octet-stream', size: f.size };
	});
}

// Keys of the right shapes for sizing a bound report before its receipt
// exists: every bind member is 32 bytes, so the manifest is exactly as long.
export const SIZING_KEYS = Object.freeze({
	lookup: new Uint8Array(32),
	replyPk: new Uint8Array(32),
	rsignPk: new Uint8Array(32),
});

// The report manifest of §6 (key order as there). r holds the fields;
// files are {name, type, size}; keys (the receipt's) give the sealed "bind"
// (§6: the lookup and reply key sent beside it, and the signing key).
// Throws bad_field naming the field.
export function manifestReport(r, files, keys) {
	const bad = (f) => {
		throw new QfError('bad_field', f);
	};
	if (!districtValid(r.district)) bad('district');
	if (r.concerns !== undefined && r.concerns !== null && !districtValid(r.concerns)) bad('concerns');
	if (!TYPES.includes(r.type)) bad('type');
	if (!CATEGORIES.includes(r.category)) bad('category');
	const s = r.subject || {};
	const level = s.level || 'unknown';
	const party = s.party_member || 'unknown';
	if (!LEVELS.includes(level)) bad('level');
	if (!PARTY.includes(party)) bad('party_member');
	if (!str(r.title)) bad('title');
	if (!str(r.body)) bad('body');
	let identity = null;
	if (r.identity) {
		const i = r.identity;
		identity = {
			name: str(i.name),
			phone: str(i.phone),
			id_number: str(i.id_number),
			unit: str(i.unit),
			address: str(i.address),
		};
	}
	return janssonJSON({
		v: 1,
		kind: 'report',
		district: r.district,
		lang: r.lang || 'zh-CN',
		...(keys ? { bind: { lookup: b64u(keys.lookup), reply_pk: b64u(keys.replyPk), sign_pk: b64u(keys.rsignPk) } } : {}),
		report: {
			type: r.type,
			category: r.category,
			subcategory: str(r.subcategory),
			town: str(r.town),
			title: r.title,
			body: r.body,
			when: str(r.when),
			where: str(r.where),
			subject: {
				name: str(s.name),
				unit: str(s.unit),
				area: str(s.area),
				position: str(s.position),
				level,
				party_member: party,
			},
			identity,
			// §14: routed to the level above; absent otherwise (the last key of report)
			...(r.concerns ? { concerns: r.concerns } : {}),
		},
		attachments: attachmentList(files),
	});
}

// The follow-up's signed bytes (§6): "qingfeng-followup-v1" || lp(district) ||
// lookup || lp(purpose) || H256(body) || H256(H256(att 1) || ... || H256(att n)).
export function followupMessage(district, lookup, purpose, body, attachments) {
	const atts = h256(concat((attachments || []).map((a) => h256(a))));
	return concat([utf8('qingfeng-followup-v1'), lp(district), lookup, lp(purpose), h256(utf8(body)), atts]);
}

// The follow-up manifest of §6; with keys (the receipt's) and the
// attachments' bytes it carries "sig", the reporter's signature, so that
// the server, which knows auth, cannot write a follow-up as the reporter.
export function manifestFollowup(district, lookup, purpose, body, files, keys, attachments) {
	if (!districtValid(district)) throw new QfError('bad_field', 'district');
	if (!ENUMS.PURPOSES.includes(purpose)) throw new QfError('bad_field', 'purpose');
	const m = {
		v: 1,
		kind: 'followup',
		district,
		lookup: b64u(lookup),
		purpose,
		body: str(body),
		attachments: attachmentList(files),
	};
	if (keys) {
		const msg = followupMessage(district, lookup, purpose, m.body, attachments || []);
		m.sig = b64u(sodium.crypto_sign_detached(msg, keys.rsignSk));
	}
	return janssonJSON(m);
}

// ---- envelopes (§6) ----------------------------------------------------

// Unpadded plaintext length for a manifest text and attachment sizes.
export function unpaddedLength(manifestBytes, sizes) {
	let l = 4 + manifestBytes.length;
	for (const s of sizes) l += s;
	return l;
}

// Seals manifest (string or UTF-8 bytes) and attachments (Uint8Arrays, in
// manifest order) to recipientPk. onProgress(done, total) is awaited now and
// then so a page stays responsive. Every plaintext chunk is wiped.
export async function envelopeSeal(recipientPk, manifest, attachments, onProgress) {
	const m = typeof manifest === 'string' ? utf8(manifest) : manifest;
	if (m.length > MANIFEST_MAX) throw new QfError('too_large', 'manifest too large');
	const parts = [u32be(m.length), m, ...attachments];
	const unpadded = unpaddedLength(m, attachments.map((a) => a.length));
	const padded = padme(unpadded);
	const total = sealedSize(unpadded);
	const out = new Uint8Array(total);
	const fileKey = sodium.crypto_secretstream_xchacha20poly1305_keygen();
	out.set(MAGIC, 0);
	const sealedKey = sodium.crypto_box_seal(fileKey, recipientPk);
	out.set(sealedKey, 4);
	const init = sodium.crypto_secretstream_xchacha20poly1305_init_push(fileKey);
	wipe(fileKey);
	out.set(init.header, 84);
	let o = HEADER_BYTES;
	let part = 0;
	let partOff = 0;
	const chunk = new Uint8Array(CHUNK);
	const nchunks = Math.ceil(padded / CHUNK);
	for (let c = 0; c < nchunks; c++) {
		const len = c === nchunks - 1 ? padded - c * CHUNK : CHUNK;
		chunk.fill(0);
		let fill = 0;
		while (fill < len && part < parts.length) {
			const p = parts[part];
			const k = Math.min(len - fill, p.length - partOff);
			chunk.set(p.subarray(partOff, partOff + k), fill);
			fill += k;
			partOff += k;
			if (partOff === p.length) {
				part++;
				partOff = 0;
			}
		}
		const tag =
			c === nchunks - 1
				? sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL
				: sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
		const ct = sodium.crypto_secretstream_xchacha20poly1305_push(
			init.state,
			len === CHUNK ? chunk : chunk.subarray(0, len),
			null,
			tag
		);
		out.set(ct, o);
		o += ct.length;
		if (onProgress && (c % 16 === 15 || c === nchunks - 1)) await onProgress(c + 1, nchunks);
	}
	chunk.fill(0);
	if (o !== total) throw new QfError('internal', 'sealed size mismatch');
	return out;
}

function envErr(what) {
	return new QfError('bad_envelope', what);
}

// Opens an envelope with a key pair: {manifestText, manifest, attachments}.
// Throws QfError('bad_envelope', reason) for everything §6 says a reader
// rejects.
export function envelopeOpen(pk, sk, env) {
	if (!(env instanceof Uint8Array) || env.length < HEADER_BYTES + CHUNK_OVERHEAD)
		throw envErr('short');
	for (let i = 0; i < 4; i++) if (env[i] !== MAGIC[i]) throw envErr('magic');
	let key;
	try {
		key = sodium.crypto_box_seal_open(env.subarray(4, 84), pk, sk);
	} catch (e) {
		throw envErr('key');
	}
	let state;
	try {
		state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(env.subarray(84, 108), key);
	} catch (e) {
		throw envErr('auth');
	} finally {
		wipe(key);
	}
	const FINAL = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL;
	const MESSAGE = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
	const pieces = [];
	let off = HEADER_BYTES;
	let final = false;
	while (off < env.length) {
		if (final) throw envErr('trailing bytes or early final tag');
		const clen = Math.min(CHUNK + CHUNK_OVERHEAD, env.length - off);
		if (clen <= CHUNK_OVERHEAD) throw envErr('truncated');
		let r;
		try {
			r = sodium.crypto_secretstream_xchacha20poly1305_pull(state, env.subarray(off, off + clen), null);
		} catch (e) {
			r = false;
		}
		if (!r) throw envErr('authentication');
		if (r.tag === FINAL) final = true;
		else if (r.tag !== MESSAGE) throw envErr('bad tag');
		else if (clen < CHUNK + CHUNK_OVERHEAD) throw envErr('final tag missing');
		pieces.push(r.message);
		off += clen;
	}
	if (!final) throw envErr('final tag missing');
	const P = concat(pieces);
	pieces.forEach(wipe);
	try {
		if (P.length < 4) throw envErr('sizes');
		const mlen = new DataView(P.buffer, P.byteOffset, 4).getUint32(0, false);
		if (mlen > MANIFEST_MAX || 4 + mlen > P.length) throw envErr('sizes');
		let text;
		let manifest;
		try {
			text = new TextDecoder('utf-8', { fatal: true }).decode(P.subarray(4, 4 + mlen));
			manifest = JSON.parse(text);
		} catch (e) {
			throw envErr('manifest');
		}
		if (!manifest || typeof manifest !== 'object' || Array.isArray(manifest))
			throw envErr('manifest');
		let atts = manifest.attachments;
		if (atts === undefined) atts = [];
		if (!Array.isArray(atts) || atts.length > ATTACHMENTS_MAX) throw envErr('manifest');
		let l = 4 + mlen;
		for (const a of atts) {
			if (!a || typeof a !== 'object' || !Number.isSafeInteger(a.size) || a.size < 0)
				throw envErr('manifest');
			l += a.size;
		}
		if (padme(l) !== P.length) throw envErr('sizes');
		for (let i = l; i < P.length; i++) if (P[i] !== 0) throw envErr('padding');
		const attachments = [];
		let o = 4 + mlen;
		for (const a of atts) {
			attachments.push(P.slice(o, o + a.size));
			o += a.size;
		}
		return { manifestText: text, manifest, attachments };
	} finally {
		wipe(P);
	}
}

// ---- proof-of-work (§9): web/js/pow.js --------------------------------

export { leadingZeroBits, powCheck, powSolve };

// ---- the server's signed receipt (§8) ---------------------------------

function dayValid(s) {
	return typeof s === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(s);
}

// Checks a 201 answer's receipt: district as expected, envelope_hash equal to
// H256 of what was sent, signature by the server. Returns {district, index,
// day, envelopeHash, chain}; throws 'format', 'district', 'hash' or
// 'signature'.
export function receiptVerify(answer, serverSignPk, district, envelopeHash) {
	const r = answer && answer.receipt;
	if (!r || !districtValid(r.district) || !Number.isSafeInteger(r.index) || r.index < 1 ||
	    !dayValid(r.day))
		throw new QfError('format', 'receipt has the wrong shape');
	let eh, chain, sig;
	try {
		eh = fromB64u(r.envelope_hash, 32);
		chain = fromB64u(r.chain, 32);
		sig = fromB64u(r.sig, 64);
	} catch (e) {
		throw new QfError('format', 'receipt has the wrong shape');
	}
	if (r.district !== district) throw new QfError('district', 'receipt names another district');
	if (!sodium.memcmp(eh, envelopeHash)) throw new QfError('hash', 'envelope hash differs');
	const msg = concat([
		utf8('qingfeng-receipt-v1'),
		lp(r.district),
		u64be(r.index),
		utf8(r.day),
		eh,
		chain,
	]);
	if (!sodium.crypto_sign_verify_detached(sig, msg, serverSignPk))
		throw new QfError('signature', 'receipt signature does not verify');
	return { district: r.district, index: r.index, day: r.day, envelopeHash: eh, chain };
}

// The district's signature on a reply (crypto/sign.h sign_reply; a Qingfeng
// addition to DESIGN §10): "qingfeng-reply-v1" || lp(district) || lookup ||
// lp(status) || H256(body) || H256(H256(att 1) || ... || H256(att n)).
// Returns true only when the manifest's "sig" verifies with signPk.
export function replyVerify(manifest, attachments, lookup, signPk) {
	const m = manifest;
	if (!m || typeof m.sig !== 'string' || typeof m.status !== 'string' ||
	    typeof m.body !== 'string' || !districtValid(m.district) || utf8(m.status).length > 32)
		return false;
	let sig;
	try {
		sig = fromB64u(m.sig, 64);
	} catch (e) {
		return false;
	}
	const atts = h256(concat((attachments || []).map((a) => h256(a))));
	const msg = concat([
		utf8('qingfeng-reply-v1'),
		lp(m.district),
		lookup,
		lp(m.status),
		h256(utf8(m.body)),
		atts,
	]);
	return sodium.crypto_sign_verify_detached(sig, msg, signPk);
}

// ---- the district's case statements (§15) ------------------------------

// The signed bytes of a statement for the case of lookup (32 bytes) in district.
export function statementMessage(district, lookup, st) {
	return concat([
		utf8('qingfeng-case-v1'),
		lp(district),
		lookup,
		u64be(st.index),
		lp(st.status),
		utf8(st.status_day),
		u64be(st.replies),
		fromB64u(st.replies_hash, 32),
		u64be(st.followups_verified),
		u64be(st.seq),
	]);
}

// r_0 = 32 zero bytes, r_k = H256("qingfeng-replies-v1" || r_(k-1) || H256(envelope k)).
export function repliesHash(envelopes) {
	let r = new Uint8Array(32);
	for (const e of envelopes) r = h256(concat([utf8('qingfeng-replies-v1'), r, h256(e)]));
	return r;
}

// Checks the statement of a status answer j against the district's signPk
// and the replies j shows (by seq 1, 2, ...). Returns null when j has none,
// else { sig, missing, different, stale, status } (true = that problem).
export function statementCheck(j, lookup, signPk) {
	const st = j && j.statement;
	if (!st || typeof st !== 'object') return null;
	const p = { sig: false, missing: false, different: false, stale: false, status: false };
	let sigOk = false;
	try {
		sigOk =
			Number.isSafeInteger(st.index) && st.index === j.index && typeof st.status === 'string' &&
			dayValid(st.status_day) && Number.isSafeInteger(st.replies) && st.replies >= 0 &&
			Number.isSafeInteger(st.followups_verified) && Number.isSafeInteger(st.seq) &&
			sodium.crypto_sign_verify_detached(fromB64u(st.sig, 64), statementMessage(j.district, lookup, st), signPk);
	} catch (e) {
		sigOk = false;
	}
	if (!sigOk) {
		p.sig = true;
		return p;
	}
	const bySeq = new Map((j.replies || []).map((r) => [r.seq, r.envelope]));
	const shown = [];
	for (let k = 1; k <= st.replies && bySeq.has(k); k++) shown.push(fromB64u(bySeq.get(k)));
	if (shown.length < st.replies) p.missing = true;
	else if (b64u(repliesHash(shown)) !== st.replies_hash) p.different = true;
	if ((j.replies || []).length > st.replies) p.stale = true;
	if (j.status !== st.status) p.status = true;
	return p;
}

export { sodium };
