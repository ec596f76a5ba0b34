// Prints each entry of an export bundle opened with the vectors' d01 key,
// one JSON line each: {"index","kind","manifest" (the exact text),
// "attachments" (sizes)}. Used by tests/integration/web_nojs.sh.
//   node tests/web/open-export.mjs FILE.qfx
import { openExport } from './harness.mjs';

const entries = await openExport(process.argv[2]);
for (const e of entries)
	console.log(JSON.stringify({ index: e.index, kind: e.kind, manifest: e.manifestText, attachments: e.attachments.map((a) => a.length) }));
