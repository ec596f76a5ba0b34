// files: the attachment picker of the report and follow-up forms. Each
// file is read when chosen; JPEG and PNG files lose their metadata at once
// (metastrip.js, on unless the reporter turns it off) and the list says
// what was removed; other files get a warning that they may carry metadata.
// Limits are enforced when a file is added, so nothing is sent that the
// server would refuse.
import { strip } from './metastrip.js';
import { sealedSize } from './qf-crypto.js';
import { $, el, t, size, say } from './ui.js';

// Room kept for the manifest when checking attachments against the limit.
export const MANIFEST_RESERVE = 256 * 1024;

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
					r = strip(data);
				} catch (e) {
					problems.push(t('strip_failed', { name: file.name, detail: e.message }));
					continue;
				}
				if (r.kind) {
					note = r.removed.length ? t('strip_done', { what: r.removed.join(', ') }) : t('strip_none');
					if (r.data !== data) data.fill(0);
					data = r.data;
				} else {
					note = t('meta_warn');
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
			this.files.push({ name: file.name, type: file.type || 'application/octet-stream', data, note, warn });
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

	render() {
		this.list.replaceChildren(
			...this.files.map((f, i) => {
				const b = el('button', { type: 'button', 'aria-label': t('remove_file', { name: f.name }), text: t('remove') });
				b.addEventListener('click', () => this.remove(i));
				return el(
					'li',
					{},
					el('span', { class: 'fname', text: f.name }),
					el('span', { class: 'fsize', text: size(f.data.length) }),
					b,
					el('span', { class: f.warn ? 'meta warn' : 'meta', text: f.note })
				);
			})
		);
	}

	// {name, type, size} for the manifest, and the bytes in the same order.
	manifestEntries() {
		return this.files.map((f) => ({ name: f.name, type: f.type, size: f.data.length }));
	}

	blobs() {
		return this.files.map((f) => f.data);
	}
}
