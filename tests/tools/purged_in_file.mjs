// node purged_in_file.mjs EXPORT.qfx data.mdb: prints how many of the export's
// envelopes (32 bytes from each one's middle) are found in data.mdb's raw bytes
// (issue 21: a purge must leave none behind in LMDB's free pages).
import { readFileSync } from "node:fs";

const [qfx, mdb] = process.argv.slice(2);
const file = readFileSync(mdb);
let n = 0, found = 0;
for (const line of readFileSync(qfx, "utf8").split("\n")) {
	let o;
	try {
		o = JSON.parse(line);
	} catch {
		continue;
	}
	if (typeof o.envelope !== "string") continue;
	const env = Buffer.from(o.envelope, "base64url");
	const mid = Math.floor(env.length / 2);
	n++;
	if (file.includes(env.subarray(mid, mid + 32))) found++;
}
console.log(`${found} of ${n}`);
