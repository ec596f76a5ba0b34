// files: the attachment picker of the report and follow-up forms. Each
// file is read when chosen; images, Office documents and PDFs lose their
// metadata at once (metastrip.js, on unless the reporter turns it off; the
// Office and PDF cleaners are loaded when first needed, chunks.js) and the
// list says in plain words what was removed; a file the page cannot clean
// gets a warning naming what it may carry, never a "clean".
// Files are sent under neutral names ("附件1.jpg", "attachment-1.jpg": the
// original extension, lower case) unless the reporter ticks "send the
// original name" for that file: a device's name dates a photo to the second
// and a document's name often names its writer.
// Limits are enforced when a file is added, so nothing is sent that the
// server would refuse.
import { strip } from './metastrip.js';
import { loadChunk } from './chunks.js';
import { sealedSize, unpaddedLength, utf8 } from './qf-crypto.js';
import { $, el, t, size, say } from './ui.js';

// Room kept for the manifest when checking attachments against the limit.
export const MANIFEST_RESERVE = 256 * 1024;

// Categories of metadata (metastrip.js) in the page's words.
const words = (list) => list.map((k) => t(`m_${k}`)).join(t('list_sep'));

export class FilePicker {
	// box: the .files element; maxEnvelope: the server's max_envelope_bytes
	constructor(box, maxEnvelope) {
		this.box = box;
		this.max = maxEnvelope;
		this.files = [];
		this.input = $('input[type=file]', box);
		this.stripBox = $('input[type=checkbox]', box);
		this.list = $('.file-list', box);
		this.error = $('.file-error', box);
		$('.limit', box).textContent = size(this.room());
		this.input.addEventListener('change', () => this.add([...this.input.files]));
	}

	// Bytes of attachments that still fit with a manifest of the reserve size.
	room() {
		let lo = 0;
		let hi = this.max;
		while (lo < hi) {
			const mid = Math.ceil((lo + hi) / 2);
			if (sealedSize(4 + MANIFEST_RESERVE + mid) <= this.max) lo = mid;
			else hi = mid - 1;
		}
		return lo;
	}

	total() {
		return this.files.reduce((n, f) => n + f.data.length, 0);
	}

	// What to say when the manifest text m with these files would seal to
	// more than max bytes (the server's limit); null when it fits.
	tooLarge(m, max) {
		const need = sealedSize(unpaddedLength(utf8(m), this.manifestEntries().map((f) => f.size)));
		return need > max ? t('files_too_large', { size: size(need), max: size(max) }) : null;
	}

	async add(list) {
		const problems = [];
		for (const file of list) {
			let data;
			try {
				data = new Uint8Array(await file.arrayBuffer());
			} catch (e) {
				problems.push(t('file_unreadable', { name: file.name }));
				continue;
			}
			let note;
			let warn = false;
			if (this.stripBox.checked) {
				let r;
				try {
					r = await strip(data, { load: loadChunk });
				} catch (e) {
					problems.push(t('strip_failed', { name: file.name })); /* e.message is a code word, not for the reporter */
					data.fill(0);
					continue;
				}
				if (r.cleaned) {
					note = r.removed.length ? t('strip_done', { what: words(r.removed) }) : t('strip_none');
					if (/^(docx|xlsx|pptx|pdf)$/.test(r.kind)) note += t('strip_doc_note');
					if (r.data !== data) data.fill(0);
					data = r.data;
				} else {
					note = t('meta_may', { what: words(r.mayContain) });
					warn = true;
				}
			} else {
				note = t('strip_off');
				warn = true;
			}
			if (this.total() + data.length > this.room()) {
				problems.push(t('files_too_large', { size: size(this.total() + data.length), max: size(this.room()) }));
				data.fill(0);
				continue;
			}
			this.files.push({ name: file.name, type: file.type || 'application/octet-stream', data, note, warn, keepName: false });
		}
		this.input.value = '';
		say(this.error, problems.join(' '));
		this.render();
	}

	remove(i) {
		const [f] = this.files.splice(i, 1);
		if (f) f.data.fill(0);
		this.render();
		this.input.focus();
	}

	clear() {
		for (const f of this.files) f.data.fill(0);
		this.files = [];
		say(this.error, '');
		this.render();
	}

	// The name file i is sent under.
	sentName(i) {
		const f = this.files[i];
		if (f.keepName) return f.name;
		const ext = /\.([A-Za-z0-9]{1,10})$/.exec(f.name);
		return t('att_name', { n: i + 1 }) + (ext ? '.' + ext[1].toLowerCase() : '');
	}

	render() {
		const id = this.input.id;
		this.list.replaceChildren(
			...this.files.map((f, i) => {
				const name = this.sentName(i);
				const b = el('button', { type: 'button', 'aria-label': t('remove_file', { name }), text: t('remove') });
				b.addEventListener('click', () => this.remove(i));
				const keep = el('input', { type: 'checkbox', id: `${id}-keep-${i}`, class: 'keep-name' });
				keep.checked = f.keepName;
				keep.addEventListener('change', () => {
					f.keepName = keep.checked;
					this.render();
					$(`#${id}-keep-${i}`, this.list).focus();
				});
				return el(
					'li',
					{},
					el('span', { class: 'fname', text: name }),
					el('span', { class: 'fsize', text: size(f.data.length) }),
					b,
					el('span', { class: f.warn ? 'meta warn' : 'meta', text: f.note }),
					el('span', { class: 'choice keep' }, keep, el('label', { for: keep.id, text: t('keep_name', { name: f.name }) }))
				);
			})
		);
	}

	// {name, type, size} for the manifest, and the bytes in the same order.
	manifestEntries() {
		return this.files.map((f, i) => ({ name: this.sentName(i), type: f.type, size: f.data.length }));
	}

	blobs() {
		return this.files.map((f) => f.data);
	}
}
