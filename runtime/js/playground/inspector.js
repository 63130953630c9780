// The inspector page: hex text, a dropped file or JSON in; out come the
// verdict, the bytes with the error (or the first noncanonical item) marked
// in place, the dump of `luaxt inspect`, the canonical re-encoding and the
// plain and typed JSON views, all from the CLI's Rust code in the
// WebAssembly module (inspectDocument, jsonToLxt), and the JS value from
// the reference JS codec. The page's fragment can carry the bytes:
// inspector.html#hex=0601000000… (the playground links here that way).
import { inspectDocument, jsonToLxt, deserializeObject, TableRef } from '../src/index.js';
import { parseHex, toHex } from './hex.js';

const $ = (id) => document.getElementById(id);

/** A decoded value as text: BigInt, Map, bytes and references readable. */
function showValue(value) {
  return JSON.stringify(
    value,
    (_, v) => {
      if (typeof v === 'bigint') return `${v}n`;
      if (v instanceof Map) return { Map: [...v] };
      if (v instanceof Uint8Array) return `<bytes ${toHex(v)}>`;
      if (v instanceof TableRef) return `<reference ${v.id}>`;
      if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
      if (Object.is(v, -0)) return '-0';
      return v;
    },
    2,
  );
}

/**
 * The bytes in rows of 16 with their offsets, the byte at `marks[i].at`
 * wrapped in a <mark> of `marks[i].kind`; an error at the end of the input
 * gets a marked `end`.
 */
function renderBytes(bytes, marks) {
  const out = $('bytes');
  out.replaceChildren();
  const markAt = new Map(marks.filter((m) => m.at !== null && m.at !== undefined).map((m) => [m.at, m.kind]));
  for (let row = 0; row < Math.max(bytes.length, 1); row += 16) {
    const offset = document.createElement('span');
    offset.className = 'offset';
    offset.textContent = String(row).padStart(8) + ' ';
    out.append(offset);
    for (let at = row; at < Math.min(row + 16, bytes.length); at++) {
      const text = toHex([bytes[at]]);
      const kind = markAt.get(at);
      if (kind) {
        const mark = document.createElement('mark');
        mark.className = kind;
        mark.dataset.offset = String(at);
        mark.textContent = text;
        out.append(' ', mark);
      } else {
        out.append(' ' + text);
      }
    }
    out.append('\n');
  }
  const endKind = markAt.get(bytes.length);
  if (endKind) {
    const mark = document.createElement('mark');
    mark.className = endKind;
    mark.dataset.offset = String(bytes.length);
    mark.textContent = 'end';
    out.append(' '.repeat(9), mark, '  (the input ends here)\n');
  }
}

function showVerdict(verdict) {
  const p = $('verdict');
  if (verdict.ok && verdict.canonical) {
    p.className = 'ok';
    p.textContent = 'valid, canonical';
  } else if (verdict.ok) {
    p.className = 'noncanonical';
    p.textContent = `valid but noncanonical: the first noncanonical item is at offset ${verdict.noncanonicalOffset}`;
  } else {
    p.className = 'error';
    p.textContent = `error: ${verdict.message}`;
  }
}

function showJsValue(bytes) {
  try {
    $('value').textContent = showValue(deserializeObject(bytes));
  } catch (e) {
    $('value').textContent = `(${e.kind ?? 'error'}: ${e.message})`;
  }
}

/** Counts calls of show(), so that only the latest one writes the page. */
let latest = 0;

async function show() {
  const mine = ++latest;
  let bytes;
  let doc;
  try {
    bytes = parseHex($('hex').value);
    doc = await inspectDocument(bytes, { strict: $('strict').checked });
  } catch (e) {
    doc = e;
  }
  if (mine !== latest) return;
  for (const id of ['verdict', 'bytes', 'dump', 'canonical', 'plain', 'typed-json', 'value']) $(id).textContent = '';
  try {
    if (doc instanceof Error) throw doc;
    const { verdict } = doc;
    showVerdict(verdict);
    renderBytes(bytes, [
      { at: verdict.ok ? null : verdict.offset, kind: 'error' },
      { at: verdict.noncanonicalOffset, kind: 'noncanonical' },
    ]);
    $('dump').textContent = doc.dump;
    if (doc.canonical) {
      const same = doc.canonical.length === bytes.length && doc.canonical.every((b, i) => b === bytes[i]);
      $('canonical').textContent = `${toHex(doc.canonical)}\n${same ? '(the same bytes: the input is canonical)' : '(differs from the input)'}`;
    } else {
      $('canonical').textContent = doc.canonicalError ? `(cannot re-encode: ${doc.canonicalError})` : '(the bytes do not decode)';
    }
    $('plain').textContent = doc.plain ?? (doc.plainError ? `(not plain JSON: ${doc.plainError})` : '');
    $('typed-json').textContent = doc.typed ?? '';
    showJsValue(bytes);
    $('status').textContent = `${bytes.length} bytes`;
  } catch (e) {
    $('status').textContent = e.message;
  }
  document.body.dataset.shown = String(Number(document.body.dataset.shown ?? 0) + 1);
}

async function fromJson() {
  const text = $('json').value.trim();
  if (text === '') return;
  try {
    $('hex').value = toHex(await jsonToLxt(text, { typed: $('typed').checked }));
    $('json-status').textContent = '';
    await show();
  } catch (e) {
    $('json-status').textContent = `${e.kind ?? 'error'}: ${e.message}`;
    document.body.dataset.shown = String(Number(document.body.dataset.shown ?? 0) + 1);
  }
}

const shared = /^#hex=([0-9a-fA-F]*)$/.exec(location.hash);
if (shared) $('hex').value = toHex(parseHex(shared[1]));
$('hex').addEventListener('input', show);
$('strict').addEventListener('change', show);
$('json').addEventListener('input', fromJson);
$('typed').addEventListener('change', fromJson);
const drop = $('drop');
drop.addEventListener('dragover', (e) => e.preventDefault());
drop.addEventListener('drop', async (e) => {
  e.preventDefault();
  const file = e.dataTransfer?.files?.[0];
  if (!file) return;
  $('hex').value = toHex(new Uint8Array(await file.arrayBuffer()));
  show();
});
await show();
document.body.dataset.ready = 'true';
