// progress: the three visible steps of sending (encrypt here, proof-of-work,
// upload), each with a <progress> bar and a line of text.
import { $, t } from './ui.js';

export function progressUI(section) {
	const li = (name) => $(`[data-step="${name}"]`, section);
	return {
		section,
		reset() {
			for (const name of ['seal', 'pow', 'send']) {
				$('progress', li(name)).value = 0;
				$('.pmsg', li(name)).textContent = '';
			}
		},
		step(name, frac, info) {
			const item = li(name);
			$('progress', item).value = frac;
			let msg = '';
			if (name === 'seal' && info) msg = t('seal_progress', info);
			else if (name === 'pow') msg = info ? t('pow_progress', { tries: info.tries, expected: info.expected }) : t('pow_done');
			else if (name === 'send' && info) msg = t('send_progress', info);
			$('.pmsg', item).textContent = msg;
		},
	};
}
