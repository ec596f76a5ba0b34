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
import http from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const sodium = require('libsodium-wrappers');
const [upstream, mode] = process.argv.slice(2);
const first = new Map(); // lookup -> the first statement seen

await sodium.ready;
const foreign = sodium.crypto_sign_keypair();

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

const server = http.createServer((req, res) => {
	const chunks = [];
	req.on('data', (c) => chunks.push(c));
	req.on('end', () => {
		const body = Buffer.concat(chunks);
		const headers = { ...req.headers, host: `127.0.0.1:${upstream}` };
		const up = http.request({ host: '127.0.0.1', port: upstream, method: req.method, path: req.url, headers }, (ur) => {
			const got = [];
			ur.on('data', (c) => got.push(c));
			ur.on('end', () => {
				let out = Buffer.concat(got);
				if (req.url === '/api/v1/status' && ur.statusCode === 200) {
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
