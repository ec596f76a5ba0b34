// Shared by the browser tests: how chromium is started (Debian's chromium,
// headless, no network of its own, a fresh profile each time).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.QF_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

// A browser context in a fresh profile directory; close() removes it.
export async function launch(options = {}) {
	const profile = mkdtempSync(join(tmpdir(), 'qf-chromium-'));
	const ctx = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		args: CHROMIUM_ARGS,
		...options,
	});
	const close = ctx.close.bind(ctx);
	ctx.close = async () => {
		await close().catch(() => {});
		rmSync(profile, { recursive: true, force: true });
	};
	return ctx;
}
