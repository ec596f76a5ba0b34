// taxonomy: the fixed lists of the report form (DESIGN.md §6) with their
// Chinese and English labels: report types, categories with the
// second-level list the page offers for each (the manifest carries the
// Chinese label as `subcategory`, whatever the page's language, so the
// district's statistics count one name), subject levels, party membership,
// follow-up purposes, and what each reporter-visible status (§9) means; the
// statuses' names are in crypto/status.def, which C reads too.

export const TYPES = [
	{ v: 'accusation', zh: '检举控告', en: 'Accusation', hzh: '反映党员、干部、公职人员的违纪违法问题', hen: 'Misconduct or a violation by a Party member, official or public employee' },
	{ v: 'appeal', zh: '申诉', en: 'Appeal', hzh: '对处理决定不服，或认为自身权利受到侵害', hen: 'You disagree with a decision about you, or your own rights were infringed' },
	{ v: 'suggestion', zh: '批评建议', en: 'Criticism or suggestion', hzh: '对纪检监察工作的批评和建议', hen: 'Criticism of, or suggestions for, discipline inspection work' },
];

export const CATEGORIES = [
	{
		v: 'political', zh: '政治纪律', en: 'Political discipline',
		subs: [
			['对抗组织审查（串供、销毁证据等）', 'Obstructing an investigation (collusion, destroying evidence)'],
			['搞团团伙伙、拉帮结派', 'Forming cliques and factions'],
			['不执行或变相执行上级决策部署', 'Not carrying out, or distorting, decisions from above'],
			['组织、参加迷信活动', 'Organising or joining superstitious activities'],
			['其他违反政治纪律的问题', 'Other breaches of political discipline'],
		],
	},
	{
		v: 'organizational', zh: '组织纪律', en: 'Organisational discipline',
		subs: [
			['违规选人用人、跑官要官', 'Irregular appointments, lobbying for posts'],
			['选举中拉票贿选', 'Canvassing or buying votes in elections'],
			['不如实报告个人有关事项', 'False personal declarations'],
			['弄虚作假骗取荣誉、职务、待遇', 'Cheating to obtain honours, posts or benefits'],
			['其他违反组织纪律的问题', 'Other breaches of organisational discipline'],
		],
	},
	{
		v: 'integrity', zh: '廉洁纪律', en: 'Integrity discipline',
		subs: [
			['违规收受礼品礼金', 'Accepting gifts or cash gifts'],
			['违规吃喝、接受宴请', 'Banquets at public expense, accepting dinners'],
			['公款旅游、违规发放津贴补贴', 'Travel at public expense, irregular allowances'],
			['违规配备使用公车', 'Misuse of official vehicles'],
			['利用职权为亲友谋利', 'Using one’s position to benefit relatives or friends'],
			['违规经商办企业、兼职取酬', 'Running businesses or paid side jobs against the rules'],
			['其他违反廉洁纪律的问题', 'Other breaches of integrity discipline'],
		],
	},
	{
		v: 'mass', zh: '群众纪律', en: 'Discipline towards the public',
		subs: [
			['截留挪用惠民资金、补贴', 'Withholding or diverting public benefit funds'],
			['低保、救助等优亲厚友', 'Favouring relatives in welfare, subsidies or relief'],
			['吃拿卡要、故意刁难群众', 'Demanding favours, obstructing people on purpose'],
			['征地拆迁、集体资产中侵害群众利益', 'Harming people in land requisition or collective assets'],
			['其他违反群众纪律的问题', 'Other breaches of discipline towards the public'],
		],
	},
	{
		v: 'work', zh: '工作纪律', en: 'Work discipline',
		subs: [
			['形式主义、官僚主义', 'Formalism, bureaucratism'],
			['不履行或不正确履行职责', 'Failing to perform duties, or performing them wrongly'],
			['违规干预插手工程项目、招投标', 'Meddling in construction projects or tenders'],
			['违规干预司法活动、执纪执法', 'Interfering in judicial or enforcement work'],
			['其他违反工作纪律的问题', 'Other breaches of work discipline'],
		],
	},
	{
		v: 'life', zh: '生活纪律', en: 'Personal conduct',
		subs: [
			['生活奢靡、贪图享乐', 'Extravagance, pursuit of pleasure'],
			['违背社会公序良俗', 'Conduct against public order and good morals'],
			['不正当性关系', 'Improper sexual relations'],
			['其他违反生活纪律的问题', 'Other breaches of personal conduct'],
		],
	},
	{
		v: 'legal', zh: '涉嫌职务违法、职务犯罪', en: 'Suspected violations of law or crimes in office',
		subs: [
			['贪污、挪用公款', 'Embezzlement, misappropriating public funds'],
			['受贿、行贿', 'Taking or offering bribes'],
			['滥用职权、玩忽职守', 'Abuse of power, dereliction of duty'],
			['徇私舞弊', 'Malpractice for personal gain'],
			['其他职务违法犯罪', 'Other crimes or violations in office'],
		],
	},
	{ v: 'other', zh: '其他 / 不清楚', en: 'Other / not sure', subs: [] },
];

export const LEVELS = [
	{ v: 'unknown', zh: '不清楚', en: 'Not sure' },
	{ v: 'county', zh: '县处级', en: 'County level' },
	{ v: 'township', zh: '乡科级', en: 'Township level' },
	{ v: 'staff', zh: '一般干部', en: 'Staff' },
	{ v: 'village', zh: '村（社区）干部', en: 'Village / community cadre' },
	{ v: 'enterprise', zh: '国有企业管理人员', en: 'State-owned enterprise manager' },
	{ v: 'other', zh: '其他人员', en: 'Other' },
];

export const PARTY = [
	{ v: 'unknown', zh: '不清楚', en: 'Not sure' },
	{ v: 'yes', zh: '是', en: 'Yes' },
	{ v: 'no', zh: '否', en: 'No' },
];

export const PURPOSES = [
	{ v: 'material', zh: '补充材料', en: 'Additional material' },
	{ v: 'objection', zh: '异议', en: 'Objection' },
];

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
