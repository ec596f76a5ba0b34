// The notice page (举报须知): shows each district's id, key fingerprint and
// name as the server states them (no crypto is loaded here); the
// report page recomputes every fingerprint from the keys before it encrypts
// anything, and refuses to go on if one does not match.
import { $, el, t, siteURL, nameText } from './ui.js';

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
				// fixed labels around the fingerprint: the id (a short code) first,
				// the name (free text from the server) last, never beside it
				...ds.map((d) =>
					el(
						'li',
						{},
						el('span', { class: 'fp-label', text: t('n_id') }), ' ', el('span', { text: String(d.id) }), el('br'),
						el('span', { class: 'fp-label', text: t('r_fp') }), ' ', el('code', { text: String(d.fingerprint) }), el('br'),
						el('span', { class: 'fp-label', text: t('n_name') }), ' ', el('strong', { text: nameText(d.name) })
					)
				)
			)
		);
	} catch (e) {
		box.replaceChildren(el('p', { class: 'error', text: t('info_failed', { detail: t(/^HTTP/.test(e.message || '') ? 'why_server' : 'why_network') }) }));
	}
}

main();
