// chunks: loads, the first time it is needed, a part of the page's code that
// only some reporters need (the Office and PDF metadata cleaners with their
// zip and PDF libraries: js/strip-office.js, js/strip-pdf.js). The file is
// added as a module script carrying the Subresource Integrity hash that
// web/build.mjs wrote into this page's own bundle (chunk-list.js, generated),
// so the browser runs it only if it is exactly the file that was built.
import { CHUNKS } from './chunk-list.js';

const loading = {};

// Resolves to the exports of chunk name ('office' or 'pdf'); rejects when
// the file cannot be fetched or does not match its hash (it is then tried
// again next time).
export function loadChunk(name) {
	if (!loading[name])
		loading[name] = new Promise((resolve, reject) => {
			const c = CHUNKS[name];
			if (!c) throw new Error(`no part of the page called ${name}`);
			const s = document.createElement('script');
			s.type = 'module';
			s.integrity = c.integrity;
			s.src = new URL(c.file, import.meta.url).href;
			s.addEventListener('load', () => {
				const m = globalThis.__qf_chunks && globalThis.__qf_chunks[name];
				if (m) resolve(m);
				else reject(new Error(`${c.file} did not load`));
			});
			s.addEventListener('error', () => {
				delete loading[name];
				s.remove();
				reject(new Error(`${c.file} could not be loaded`));
			});
			document.head.append(s);
		});
	return loading[name];
}
