// Writes the C header of the reporter CLI's metadata stripper
// (report/metastrip.c) from the allow-list the page uses,
// web/js/metastrip-allow.js, so that the two cannot drift apart:
//   node report/gen-allow.mjs OUT.h
// Fails (exit 1) when a list is missing or holds something that is not a
// JPEG marker byte or a four-letter chunk type.
import { writeFileSync, renameSync } from 'node:fs';
import * as A from '../web/js/metastrip-allow.js';

const out = process.argv[2];
const fail = (m) => {
	console.error(`report/gen-allow.mjs: ${m}`);
	process.exit(1);
};
if (!out) fail('usage: node report/gen-allow.mjs OUT.h');
const marker = (v) => Number.isInteger(v) && v >= 0xc0 && v <= 0xfe;
const fourcc = (v) => typeof v === 'string' && /^[\x20-\x7e]{4}$/.test(v) && !/["\\]/.test(v);
const list = (name, ok) => {
	const v = A[name];
	if (!Array.isArray(v) || v.length === 0 || !v.every(ok)) fail(`${name} is not a list of the right values`);
	return v;
};
const hex = (v) => `0x${v.toString(16).padStart(2, '0')}`;
const jpeg = list('JPEG_KEEP', marker);
const png = list('PNG_KEEP', fourcc);
const webp = list('WEBP_KEEP', fourcc);
const text = `/*
 * metastrip_allow: the allow-list of report/metastrip.c, generated from
 * web/js/metastrip-allow.js by report/gen-allow.mjs (the page's list): do not
 * edit, change that file.
 */
#ifndef QF_METASTRIP_ALLOW_H
#define QF_METASTRIP_ALLOW_H

#include <stdint.h>

/* JPEG markers whose segments are kept */
static const uint8_t metastrip_jpeg_keep[] = {${jpeg.map(hex).join(', ')}};

/* PNG chunk types kept */
static const char metastrip_png_keep[][5] = {${png.map((s) => `"${s}"`).join(', ')}};

/* WebP chunk types kept */
static const char metastrip_webp_keep[][5] = {${webp.map((s) => `"${s}"`).join(', ')}};

#endif
`;
writeFileSync(`${out}.tmp`, text);
renameSync(`${out}.tmp`, out);
