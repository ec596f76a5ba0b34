// The notice page (举报须知): shows each district's name and key
// fingerprint as the server states it (no crypto is loaded here); the
// report page recomputes every fingerprint from the keys before it encrypts
// anything, and refuses to go on if one does not match.
import { $, el, t, siteURL } from './ui.js';

async function main() {
	const box = $('#fp-list');
	try {
		const res = await fetch(siteURL('api/v1/info'), { cache: 'no-store', credentials: 'omit' });
		const info = await res.json();
		if (!res.ok || info.service !== 'qingfeng') throw new Error(`HTTP ${res.status}`);
		const ds = Array.isArray(info.districts) ? info.districts : [];
		if (ds.length === 0) {
			box.replaceChildren(el('p', { class: 'warn', text: t('no_district') }));
			return;
		}
		box.replaceChildren(
			el(
				'ul',
				{ class: 'fps' },
				...ds.map((d) => el('li', {}, el('strong', { text: String(d.name) }), el('br'), el('code', { text: String(d.fingerprint) })))
			)
		);
	} catch (e) {
		box.replaceChildren(el('p', { class: 'error', text: t('info_failed', { detail: e.message || 'network' }) }));
	}
}

main();
