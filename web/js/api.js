// api: the HTTP API v1 of DESIGN.md §9 as the pages use it: reading
// /api/v1/info (the districts, their keys checked against their
// fingerprints), proof-of-work challenges, and POSTs (JSON, or a write's
// binary submission body with its Qingfeng-PoW header) with upload progress. Errors become QfError(code) with the server's error code, or
// 'network' when no answer came.
import { QfError, districtFromInfo, fromB64u } from './qf-crypto.js';
import { siteURL } from './ui.js';

export const SUBMISSION_TYPE = 'application/vnd.qingfeng.submission';

// headers: extra request headers; a body that is not a string goes as the
// submission media type unless headers name another.
export function request(method, path, body, onUpload, headers) {
	return new Promise((resolve, reject) => {
		const x = new XMLHttpRequest();
		x.open(method, siteURL(path));
		x.responseType = 'text';
		const h = Object.assign(
			body === undefined
				? {}
				: { 'Content-Type': typeof body === 'string' ? 'application/json' : SUBMISSION_TYPE },
			headers || {}
		);
		for (const k of Object.keys(h)) x.setRequestHeader(k, h[k]);
		if (onUpload) x.upload.onprogress = (e) => e.lengthComputable && onUpload(e.loaded / e.total);
		x.onload = () => {
			let json = null;
			try {
				json = JSON.parse(x.responseText);
			} catch (e) {
				json = null;
			}
			resolve({ status: x.status, json });
		};
		x.onerror = () => reject(new QfError('network', 'no answer'));
		x.ontimeout = x.onerror;
		x.send(body);
	});
}

// Throws the answer's error as a QfError (code from the server, or
// 'unexpected').
export function answerError(ans) {
	const code = ans.json && ans.json.error && ans.json.error.code;
	const e = new QfError(typeof code === 'string' && /^[a-z0-9_]+$/.test(code) ? code : 'unexpected');
	e.status = ans.status;
	return e;
}

// Only the server-stated fields, for the notice page (no crypto loaded).
export async function rawInfo() {
	const ans = await request('GET', 'api/v1/info');
	if (ans.status !== 200 || !ans.json || ans.json.service !== 'qingfeng' || ans.json.api !== 1)
		throw answerError(ans);
	return ans.json;
}

// /api/v1/info with every district's keys decoded and fingerprint
// recomputed (throws 'fingerprint' if one does not match).
export async function info() {
	const j = await rawInfo();
	const districts = (Array.isArray(j.districts) ? j.districts : []).map(districtFromInfo);
	return {
		serverSignPk: fromB64u(j.server_sign_pk, 32),
		maxEnvelope: (j.limits && j.limits.max_envelope_bytes) || 20 * 1024 * 1024,
		districts,
	};
}

export async function pow() {
	const ans = await request('GET', 'api/v1/pow');
	const j = ans.json;
	if (ans.status !== 200 || !j) throw answerError(ans);
	if (typeof j.challenge !== 'string' || !Number.isInteger(j.difficulty) || j.difficulty < 0 || j.difficulty > 40)
		throw new QfError('unexpected');
	fromB64u(j.challenge, 40);
	return { challenge: j.challenge, difficulty: j.difficulty };
}
