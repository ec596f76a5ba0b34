// taxonomy: the fixed lists of the report form (DESIGN.md §6) as the pages
// show them: the words, their Chinese and English labels, the report types'
// hints and the second-level list the page offers for each category (the
// manifest carries the Chinese label as `subcategory`, whatever the page's
// language, so the district's statistics count one name) all come from
// crypto/vocab.def (web/js/vocab.js), which C reads too; what is here is how
// the form shows them, and what each reporter-visible status (§9) means; the
// statuses' names are in crypto/status.def.
import { VOCAB } from './vocab.js';

// The form offers the category "other" as "other / not sure", for the
// reporter who cannot tell; the district's tools call it 其他 (vocab.def).
const OTHER_UNSURE = { zh: '其他 / 不清楚', en: 'Other / not sure' };
// A list with "unknown" (the form's default) offers it first.
const unsureFirst = (l) => [...l.filter((e) => e.v === 'unknown'), ...l.filter((e) => e.v !== 'unknown')];

export const TYPES = VOCAB.type;
export const CATEGORIES = VOCAB.category.map((c) => (c.v === 'other' ? { ...c, ...OTHER_UNSURE } : c));
export const LEVELS = unsureFirst(VOCAB.level);
export const PARTY = unsureFirst(VOCAB.party);
export const PURPOSES = VOCAB.purpose;

// What each status means for the reporter; its name: crypto/status.def.
export const STATUSES = {
	received: {
		dzh: '举报已安全存放在服务器上，等待区纪委监委取回并登记。',
		den: 'Your report is stored safely on the server and waits for the district commission to collect and register it.',
	},
	accepted: {
		dzh: '区纪委监委已受理，正在按规定办理。',
		den: 'The district commission has accepted the matter and is handling it under the rules.',
	},
	not_accepted: {
		dzh: '区纪委监委决定不予受理，原因见答复。',
		den: 'The district commission decided not to accept the matter; the reply says why.',
	},
	transferred: {
		dzh: '此事不属于区纪委监委管辖，已转送有关机关处理。',
		den: 'The matter belongs to another body and has been passed on to it.',
	},
	in_progress: {
		dzh: '正在核查办理，结果将通过答复告知。',
		den: 'The matter is being looked into; you will be told the outcome in a reply.',
	},
	need_info: {
		dzh: '区纪委监委需要更多情况，请阅读答复并在下方补充材料。',
		den: 'The district commission needs more information: read the reply and add material below.',
	},
	concluded: {
		dzh: '已办结，结果见答复。如有异议，可在下方提出。',
		den: 'The matter is concluded; the reply gives the result. You may raise an objection below.',
	},
};

// The label of a value in one of the lists above, in lang ('zh-CN' or 'en').
export function label(list, v, lang) {
	const e = list.find((x) => x.v === v);
	return e ? (lang === 'en' ? e.en : e.zh) : v;
}
