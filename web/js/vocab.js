// vocab: the manifest word lists of DESIGN.md §6 with their labels, as
// crypto/vocab.def spells them (the one place; C reads it too). In node
// (web/build.mjs, the tests) this module reads that file; in the pages'
// bundles web/build.mjs puts in its place a module holding the same VOCAB.
import { readFileSync } from 'node:fs';

const ARGS = { TYPE: ['v', 'zh', 'en', 'hzh', 'hen'], CATEGORY: ['v', 'zh', 'en'], SUBCATEGORY: ['category', 'zh', 'en'],
	LEVEL: ['v', 'zh', 'en'], PARTY: ['v', 'zh', 'en'], PURPOSE: ['v', 'zh', 'en'] };

// The lists of vocab.def's text: { type: [{ v, zh, en, hzh, hen }],
// category: [{ v, zh, en, subs: [[zh, en], ...] }], level, party, purpose:
// [{ v, zh, en }] }, each in the file's order. Throws an Error naming the
// line that does not fit.
export function vocabParse(text) {
	const out = { type: [], category: [], level: [], party: [], purpose: [] };
	text.split('\n').forEach((line, i) => {
		const m = line.match(/^QF_([A-Z]+)\((.*)\)$/);
		if (!m) return;
		const names = ARGS[m[1]];
		const args = [...m[2].matchAll(/"([^"\\]*)"/g)].map((a) => a[1]);
		if (!names || args.length !== names.length || args.some((a) => a === ''))
			throw new Error(`crypto/vocab.def:${i + 1}: not a QF_ line of ${names ? names.length : 'a known list of'} strings`);
		const e = Object.fromEntries(names.map((n, k) => [n, args[k]]));
		if (m[1] === 'SUBCATEGORY') {
			const c = out.category.find((x) => x.v === e.category);
			if (!c) throw new Error(`crypto/vocab.def:${i + 1}: no category ${e.category} above`);
			c.subs.push([e.zh, e.en]);
		} else {
			const list = out[m[1].toLowerCase()];
			if (list.some((x) => x.v === e.v)) throw new Error(`crypto/vocab.def:${i + 1}: ${e.v} twice`);
			list.push(m[1] === 'CATEGORY' ? { ...e, subs: [] } : e);
		}
	});
	for (const [k, l] of Object.entries(out)) if (l.length === 0) throw new Error(`crypto/vocab.def lists no ${k}`);
	return out;
}

export const VOCAB = vocabParse(readFileSync(new URL('../../crypto/vocab.def', import.meta.url), 'utf8'));
