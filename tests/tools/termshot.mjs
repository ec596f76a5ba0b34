// termshot: renders a command's captured output (UTF-8, Chinese included) as
// a terminal-looking PNG for the docs, in Debian's chromium (headless, no
// network: the page is built here and loaded from a data URL).
//
//   node tests/tools/termshot.mjs --out FILE.png [--title '$ command'] [--cols 100] [IN.txt]
//
// IN.txt (default: standard input) is printed as a terminal shows it: in a
// monospace font whose Chinese characters are two columns wide (WenQuanYi
// Micro Hei Mono, Debian's fonts-wqy-microhei), lines longer than --cols
// wrapped, ANSI colour sequences dropped. --title is the prompt line shown
// first. Exits 1 with a message when the input is not UTF-8 or the browser
// cannot start.
import { readFileSync, writeFileSync } from 'node:fs';
import { launch } from '../web/browser.mjs';

function usage(msg) {
	if (msg) process.stderr.write(`termshot: ${msg}\n`);
	process.stderr.write("usage: node tests/tools/termshot.mjs --out FILE.png [--title '$ command'] [--cols N] [IN.txt]\n");
	process.exit(2);
}

const args = process.argv.slice(2);
let out = null, title = '', cols = 100, input = null;
for (let i = 0; i < args.length; i++) {
	const a = args[i];
	if (a === '--out') out = args[++i];
	else if (a === '--title') title = args[++i] ?? usage('--title needs a value');
	else if (a === '--cols') cols = Number(args[++i]);
	else if (a.startsWith('--')) usage(`unknown option ${a}`);
	else if (input === null) input = a;
	else usage('one input file at most');
}
if (!out) usage('--out FILE.png is required');
if (!Number.isInteger(cols) || cols < 20 || cols > 300) usage('--cols must be 20..300');

let text;
try {
	text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(input ?? 0));
} catch (e) {
	process.stderr.write(`termshot: cannot read ${input ?? 'standard input'} as UTF-8: ${e.message}\n`);
	process.exit(1);
}
// colours and cursor moves (none when output was captured, but a tool may add some)
text = text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/\r\n/g, '\n').replace(/\n$/, '');

// The display width of a character in a terminal: 2 for East Asian wide and fullwidth.
function width(cp) {
	return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) ||
		(cp >= 0x3041 && cp <= 0x33ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
		(cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xa000 && cp <= 0xa4cf) ||
		(cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
		(cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
		(cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x20000 && cp <= 0x3fffd) ? 2 : 1;
}
// Wraps at cols display columns, as a terminal does.
const lines = [];
for (const line of text.split('\n')) {
	let cur = '', w = 0;
	for (const ch of line.replace(/\t/g, '        ')) {
		const cw = width(ch.codePointAt(0));
		if (w + cw > cols) {
			lines.push(cur);
			cur = '';
			w = 0;
		}
		cur += ch;
		w += cw;
	}
	lines.push(cur);
}

// the frame fits the longest line (at most cols columns)
const used = Math.max(40, ...lines.map((l) => [...l].reduce((n, ch) => n + width(ch.codePointAt(0)), 0)),
	[...title].length);
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
// One row per line, each character in its cell: a Chinese character spans two
// cells whatever the font's own advance, so columns line up as on a terminal.
const row = (s) => [...s].map((ch) => {
	const w = width(ch.codePointAt(0));
	return w === 2 ? `<span class="w">${esc(ch)}</span>` : esc(ch);
}).join('');
const html = `<!doctype html><html><head><meta charset="utf-8"><style>
html, body { margin: 0; background: #ffffff; }
.term { display: inline-block; margin: 12px; border-radius: 8px; overflow: hidden;
  box-shadow: 0 2px 10px rgba(0,0,0,.35); background: #1e1f22; }
.bar { height: 28px; background: #3a3b3f; display: flex; align-items: center; padding: 0 10px; }
.dot { width: 12px; height: 12px; border-radius: 50%; margin-right: 7px; }
.bar .t { color: #c8c8c8; font: 13px 'WenQuanYi Micro Hei', sans-serif; margin-left: 8px; }
pre { margin: 0; padding: 12px 16px 16px; color: #e6e6e6;
  font: 15px/1.35 'WenQuanYi Micro Hei Mono', monospace; width: ${Math.min(used, cols)}ch; }
.w { display: inline-block; width: 2ch; text-align: center; }
.prompt { color: #8ae234; }
</style></head><body><div class="term"><div class="bar">
<span class="dot" style="background:#ff5f56"></span><span class="dot" style="background:#ffbd2e"></span>
<span class="dot" style="background:#27c93f"></span><span class="t">investigator@offline: ~</span></div>
<pre>${title ? `<span class="prompt">${row(title)}</span>\n` : ''}${lines.map(row).join('\n')}</pre></div></body></html>`;

let ctx;
try {
	ctx = await launch({ viewport: { width: 1600, height: 900 }, deviceScaleFactor: 1 });
	const page = await ctx.newPage();
	await page.route('**/*', (r) => (r.request().url().startsWith('data:') ? r.continue() : r.abort()));
	await page.setContent(html, { waitUntil: 'load' });
	await page.evaluate(() => document.fonts.ready);
	const png = await page.locator('.term').screenshot({ type: 'png' });
	writeFileSync(out, png);
} catch (e) {
	process.stderr.write(`termshot: ${e.message}\n`);
	process.exitCode = 1;
} finally {
	if (ctx) await ctx.close();
}
