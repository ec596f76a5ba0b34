// Shared by the node-driven integration tests: the binaries (QF_BIN), a
// data directory serving district d01 (the vectors' key, so the tests can
// open envelopes), the server on a free loopback port, the offline tool with
// the vectors' secret key file, and reading export bundles.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envelopeOpen, fromB64u, ready } from '../../web/js/qf-crypto.js';

export const ROOT = process.env.QF_ROOT || new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
export const BIN = process.env.QF_BIN || `${ROOT}/build/bin`;
export const INTAKE = `${BIN}/qingfeng-intake`;
export const ADMIN = `${BIN}/qingfeng-admin`;
export const REPORT = `${BIN}/qingfeng-report`;
export const FIXTURES = `${ROOT}/tests/web/fixtures`;
const VECTORS = process.env.QF_VECTORS || `${ROOT}/tests/vectors`;
export const KEYS = JSON.parse(readFileSync(`${VECTORS}/keys.json`, 'utf8'));

export function tmp(prefix = 'qfweb-') {
	return mkdtempSync(join(tmpdir(), prefix));
}

// LANGUAGE=en: qingfeng-admin speaks Chinese unless asked for English
// (admin/i18n.h), and these tests read its English output.
export function run(cmd, args, opts = {}) {
	return execFileSync(cmd, args, {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
		env: { ...process.env, LANGUAGE: 'en' },
		...opts,
	});
}

// An initialised data directory serving d01, with config changes applied.
export function newData(dir, config = {}) {
	run(INTAKE, ['init', '--data', dir]);
	run(INTAKE, ['district', 'add', '--data', dir, `${ROOT}/tests/integration/fixtures/d01.pub.json`]);
	const path = `${dir}/config.json`;
	const c = JSON.parse(readFileSync(path, 'utf8'));
	// the no-JS form's minimum time open is for people, not for the tests
	writeFileSync(path, JSON.stringify({ ...c, nojs_min_seconds: 0, ...config }, null, 2));
}

// The vectors' district secret key file and its passphrase file, in dir.
export function districtKey(dir) {
	writeFileSync(`${dir}/district.key`, JSON.stringify(KEYS.secret_file), { mode: 0o600 });
	writeFileSync(`${dir}/pass`, KEYS.passphrase + '\n', { mode: 0o600 });
	return { key: `${dir}/district.key`, pass: `${dir}/pass` };
}

// Starts `qingfeng-intake serve` on a free port; resolves {url, stop(), log()}.
export async function startServer(dir, env = {}) {
	for (let attempt = 0; attempt < 8; attempt++) {
		const port = 20000 + Math.floor(Math.random() * 40000);
		let log = '';
		const p = spawn(INTAKE, ['serve', '--data', dir, '--listen', `127.0.0.1:${port}`], {
			stdio: ['ignore', 'ignore', 'pipe'],
			env: { ...process.env, ...env },
		});
		p.stderr.on('data', (d) => (log += d));
		let exited = false;
		p.on('exit', () => (exited = true));
		const url = `http://127.0.0.1:${port}`;
		const t0 = Date.now();
		while (!exited && Date.now() - t0 < 30000) {
			try {
				const r = await fetch(`${url}/api/v1/info`);
				if (r.ok) {
					return {
						url,
						log: () => log,
						stop: () =>
							new Promise((res) => {
								if (exited) return res();
								p.on('exit', () => res());
								p.kill('SIGTERM');
							}),
					};
				}
			} catch (e) {
				/* not up yet */
			}
			await new Promise((r) => setTimeout(r, 50));
		}
		if (!exited) p.kill('SIGKILL');
	}
	throw new Error('could not start the server');
}

// Reads an export bundle and opens every envelope with the vectors' d01 key:
// [{index, kind, day, manifestText, manifest, attachments}].
export async function openExport(file) {
	await ready;
	const pk = fromB64u(KEYS.public.box_pk, 32);
	const sk = fromB64u(KEYS.box_sk, 32);
	const lines = readFileSync(file, 'utf8').trim().split('\n');
	return lines.slice(1, -1).map((l) => {
		const e = JSON.parse(l);
		const o = envelopeOpen(pk, sk, fromB64u(e.envelope));
		return { index: e.index, kind: e.kind, day: e.day, ...o };
	});
}

export function cleanup(dir) {
	rmSync(dir, { recursive: true, force: true });
}
