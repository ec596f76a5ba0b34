// metastrip-allow: the allow-list of the metadata strippers, kept in one
// place for both: the page's metastrip.js imports it, and the build turns it
// into the C header of the reporter CLI's stripper (report/gen-allow.mjs
// writes build/gen/metastrip_allow.h, included by report/metastrip.c). Edit
// the lists here only; tests/web/metastrip-parity.test.mjs checks that both
// strippers give the same bytes. Data only: no code, no imports.

// JPEG markers whose segments decoding needs and that are kept byte for byte:
// DQT, DHT, DAC, DRI, DNL, DHP, EXP and every SOFn. SOI, SOS with its
// entropy-coded data, RSTn, TEM and EOI are kept by the code itself; APPn
// and COM are dropped (a fresh JFIF, the Adobe transform and the orientation
// are written anew); any other marker makes the file refused.
export const JPEG_KEEP = [
	0xdb, // DQT
	0xc4, // DHT
	0xcc, // DAC
	0xdd, // DRI
	0xdc, // DNL
	0xde, // DHP
	0xdf, // EXP
	0xc0, // SOF0 baseline
	0xc1, // SOF1 extended sequential
	0xc2, // SOF2 progressive
	0xc3, // SOF3 lossless
	0xc5, // SOF5 differential sequential
	0xc6, // SOF6 differential progressive
	0xc7, // SOF7 differential lossless
	0xc9, // SOF9 arithmetic sequential
	0xca, // SOF10 arithmetic progressive
	0xcb, // SOF11 arithmetic lossless
	0xcd, // SOF13
	0xce, // SOF14
	0xcf, // SOF15
];

// PNG chunks kept byte for byte: the critical ones, those that change how the
// picture looks, and the APNG animation chunks. Any other ancillary chunk is
// dropped; any other critical (upper-case first letter) chunk is refused.
export const PNG_KEEP = [
	'IHDR',
	'PLTE',
	'IDAT',
	'IEND',
	'tRNS',
	'sRGB',
	'gAMA',
	'cHRM',
	'cICP',
	'pHYs',
	'acTL',
	'fcTL',
	'fdAT',
];

// WebP (RIFF) chunks kept; every other chunk (ICCP, EXIF, XMP, unknown) is
// dropped, and the VP8X flags for ICC, Exif and XMP are cleared.
export const WEBP_KEEP = [
	'VP8 ',
	'VP8L',
	'VP8X',
	'ALPH',
	'ANIM',
	'ANMF',
];
