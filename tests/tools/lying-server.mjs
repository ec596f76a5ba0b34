// A deliberately lying server for the tests of the district's signed case
// statements (docs/DESIGN.md §15): a proxy in front of the real server that
// forwards every request and falsifies the answers of POST /api/v1/status as
// MODE says. Loopback only. Test support only.
//
//   node tests/tools/lying-server.mjs UPSTREAM_PORT MODE
//
// prints "PORT" (the port it listens on) once ready. MODE:
//   honest         forwards unchanged
//   drop-reply     hides the newest reply
//   swap-reply     shows the district's replies in another order
//   status=WORD    shows another plaintext status
//   old-statement  shows the first statement it ever saw for the case
//   foreign-key    shows the statement re-signed by a key that is not the district's
//   no-statement   hides the statement (the status is then the server's word)
//   lookalike RECEIPT  lists a look-alike district in /api/v1/info (the same
//                  name as d01, its own keys, id d99), says the case of RECEIPT
//                  belongs to it, shows one reply forged and signed by it with
//                  a statement signed by it, and opens every follow-up sealed to
//                  it; GET /liar/opened lists the kinds of what it could read.
//                  (The receipt stands in for the reply key the attacker
//                  needs for the forged reply; reading follow-ups needs none.)
//   flood-info     answers /api/v1/info with 4.5 MB of {"districts":[{},{},…]}
//                  (issue 21: 4.5 MB of empty objects once took the CLI 339 MiB)
//   flood-info-chunked  the same, chunked, without a Content-Length
//   flood-info-unframed  the same, neither chunked nor with a length: the
//                  answer ends when the connection closes
//   flood-info-length  says Content-Length: 1 GiB, sends 5 bytes and waits
//   flood-status   answers /api/v1/status the same way ({"replies":[{},{},…]})
//   flood-status-chunked  the same, chunked
//   rename NAME    gives every district in /api/v1/info the name NAME (JSON
//                  string escapes such as \n are read), which the key files'
//                  rules would refuse: the fingerprint does not cover the name
import http from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const sodium = require('libsodium-wrappers');
import * as qf from '../../web/js/qf-crypto.js';

const [upstream, mode, receipt] = process.argv.slice(2);
const first = new Map(); // lookup -> the first statement seen

await sodium.ready;
const foreign = sodium.crypto_sign_keypair();
await qf.ready;
const LOOK = { id: 'd99', box: sodium.crypto_box_keypair(), sign: sodium.crypto_sign_keypair() };
const opened = []; // the kinds of the follow-ups the look-alike could open

// /api/v1/info with the look-alike listed under d01's name
function lookalikeInfo(info) {
	const real = info.districts.find((d) => d.id === 'd01');
	info.districts.push({
		...real,
		id: LOOK.id,
		box_pk: b64u(LOOK.box.publicKey),
		sign_pk: b64u(LOOK.sign.publicKey),
		fingerprint: qf.fingerprint(LOOK.id, LOOK.box.publicKey, LOOK.sign.publicKey),
	});
	return info;
}

// the case handed to the look-alike: one forged reply, its own statement
async function lookalikeStatus(answer) {
	const keys = qf.receiptDerive(receipt);
	const body = '经核实，您反映的问题不属实，本案已办结。请勿再补充材料。';
	const sigMsg = qf.concat([qf.utf8('qingfeng-reply-v1'), ...lp(LOOK.id), keys.lookup, ...lp('concluded'),
		qf.h256(qf.utf8(body)), qf.h256(new Uint8Array(0))]);
	const m = { kind: 'reply', district: LOOK.id, lookup: b64u(keys.lookup), status: 'concluded', body, attachments: [],
		sig: b64u(sodium.crypto_sign_detached(sigMsg, LOOK.sign.privateKey)) };
	const env = await qf.envelopeSeal(keys.replyPk, qf.janssonJSON(m), []);
	answer.district = LOOK.id;
	answer.status = 'concluded';
	answer.replies = [{ seq: 1, day: answer.status_day, envelope: b64u(env) }];
	const st = { index: answer.index, status: 'concluded', status_day: answer.status_day, replies: 1,
		replies_hash: b64u(qf.repliesHash([env])), followups_verified: 0, seq: 1 };
	st.sig = b64u(sodium.crypto_sign_detached(qf.statementMessage(LOOK.id, keys.lookup, st), LOOK.sign.privateKey));
	answer.statement = st;
	return answer;
}

// a follow-up sealed to the look-alike: read it
function lookalikeRead(body) {
	try {
		const n = new DataView(body.buffer, body.byteOffset).getUint32(0);
		const j = JSON.parse(body.subarray(4, 4 + n).toString());
		if (j.district !== LOOK.id) return;
		const o = qf.envelopeOpen(LOOK.box.publicKey, LOOK.box.privateKey, new Uint8Array(body.subarray(4 + n)));
		opened.push(o.manifest.kind);
	} catch (e) {
		/* not one it can read */
	}
}

function b64u(b) {
	return sodium.to_base64(b, sodium.base64_variants.URLSAFE_NO_PADDING);
}
function unb64u(t) {
	return sodium.from_base64(t, sodium.base64_variants.URLSAFE_NO_PADDING);
}
function u64be(x) {
	const b = new Uint8Array(8);
	new DataView(b.buffer).setBigUint64(0, BigInt(x));
	return b;
}
function lp(s) {
	const b = new TextEncoder().encode(s);
	return [Uint8Array.of(b.length), b];
}
// the §15 statement, signed with the foreign key
function resign(answer, lookup) {
	const st = answer.statement;
	const parts = [new TextEncoder().encode('qingfeng-case-v1'), ...lp(answer.district), unb64u(lookup),
		u64be(st.index), ...lp(st.status), new TextEncoder().encode(st.status_day), u64be(st.replies),
		unb64u(st.replies_hash), u64be(st.followups_verified), u64be(st.seq)];
	const msg = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let o = 0;
	for (const p of parts) {
		msg.set(p, o);
		o += p.length;
	}
	st.sig = b64u(sodium.crypto_sign_detached(msg, foreign.privateKey));
}

function lie(answer, lookup) {
	if (answer.statement && !first.has(lookup)) first.set(lookup, structuredClone(answer.statement));
	if (mode === 'drop-reply' && answer.replies.length > 0) answer.replies.pop();
	else if (mode === 'swap-reply' && answer.replies.length > 1) {
		const [a, b] = [answer.replies[0].envelope, answer.replies[1].envelope];
		answer.replies[0].envelope = b;
		answer.replies[1].envelope = a;
	} else if (mode.startsWith('status=')) answer.status = mode.slice(7);
	else if (mode === 'old-statement' && first.has(lookup)) answer.statement = first.get(lookup);
	else if (mode === 'foreign-key' && answer.statement) resign(answer, lookup);
	else if (mode === 'no-statement') delete answer.statement;
	return answer;
}

// 4.5 MB of empty objects in the array KEY of an otherwise plausible answer
function flood(res, key, chunked) {
	const head = Buffer.from(`{"service":"qingfeng","api":1,"${key}":[{}`);
	const many = Buffer.from(',{}'.repeat(1500000));
	const tail = Buffer.from(']}');
	const h = { 'content-type': 'application/json; charset=utf-8' };
	if (!chunked) h['content-length'] = String(head.length + many.length + tail.length);
	res.writeHead(200, h);
	res.write(head);
	// in pieces, so that a chunked answer really comes in many chunks
	for (let o = 0; o < many.length; o += 65536) res.write(many.subarray(o, o + 65536));
	res.end(tail);
}
const FLOODS = { 'flood-info': '/api/v1/info', 'flood-status': '/api/v1/status' };
// the answer written on the socket itself, as no HTTP library would frame it
function raw(req, framing) {
	const s = req.socket;
	s.on('error', () => {});
	const h = 'HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n';
	if (framing === 'length') {
		s.write(`${h}Content-Length: 1073741824\r\n\r\n{"a":`); // and never more
		return;
	}
	s.write(`${h}Connection: close\r\n\r\n{"service":"qingfeng","api":1,"districts":[{}`);
	s.end(`${',{}'.repeat(1500000)}]}`);
}

const server = http.createServer((req, res) => {
	const chunks = [];
	req.on('data', (c) => chunks.push(c));
	req.on('end', async () => {
		const body = Buffer.concat(chunks);
		if (mode === 'lookalike' && req.url === '/liar/opened') {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify(opened));
			return;
		}
		if (mode === 'lookalike' && req.url === '/api/v1/followups') lookalikeRead(body);
		const chunked = mode.endsWith('-chunked');
		if (req.url === '/api/v1/info' && (mode === 'flood-info-unframed' || mode === 'flood-info-length')) {
			raw(req, mode.slice(11));
			return;
		}
		if (FLOODS[mode.replace(/-chunked$/, '')] === req.url) {
			flood(res, req.url === '/api/v1/info' ? 'districts' : 'replies', chunked);
			return;
		}
		const headers = { ...req.headers, host: `127.0.0.1:${upstream}` };
		const up = http.request({ host: '127.0.0.1', port: upstream, method: req.method, path: req.url, headers }, (ur) => {
			const got = [];
			ur.on('data', (c) => got.push(c));
			ur.on('end', async () => {
				let out = Buffer.concat(got);
				if (mode === 'rename' && req.url === '/api/v1/info' && ur.statusCode === 200) {
					const info = JSON.parse(out.toString());
					for (const d of info.districts) d.name = JSON.parse(`"${receipt}"`);
					out = Buffer.from(JSON.stringify(info));
				} else if (mode === 'lookalike' && req.url === '/api/v1/info' && ur.statusCode === 200)
					out = Buffer.from(JSON.stringify(lookalikeInfo(JSON.parse(out.toString()))));
				else if (mode === 'lookalike' && req.url === '/api/v1/status' && ur.statusCode === 200)
					out = Buffer.from(JSON.stringify(await lookalikeStatus(JSON.parse(out.toString()))));
				else if (req.url === '/api/v1/status' && ur.statusCode === 200) {
					const lookup = JSON.parse(body.toString()).lookup;
					out = Buffer.from(JSON.stringify(lie(JSON.parse(out.toString()), lookup)));
				}
				const h = { ...ur.headers, 'content-length': String(out.length) };
				delete h['transfer-encoding'];
				res.writeHead(ur.statusCode, h);
				res.end(out);
			});
		});
		up.on('error', () => {
			res.writeHead(502);
			res.end();
		});
		up.end(body);
	});
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
