// The inspector page: hex text, a dropped file or JSON in, the dump of
// `luaxt inspect` out (inspectLxt runs the format crate's Rust code in the
// WebAssembly module), then the JS value and its canonical re-encoding
// (the reference JS codec, luaxt-format). The page's fragment can carry the bytes:
// inspector.html#hex=0601000000… (the playground links here that way).
import { inspectLxt, serializeObject, deserializeObject, TableRef } from '../src/index.js';

const $ = (id) => document.getElementById(id);

/** Hex text as bytes: pairs of digits; whitespace and `#` comments ignored. */
function parseHex(text) {
  const digits = text
    .split('\n')
    .map((line) => line.split('#')[0])
    .join('')
    .replace(/\s+/g, '')
    .replace(/0x/gi, '');
  if (!/^[0-9a-fA-F]*$/.test(digits)) throw new Error('not hex: only 0-9, a-f, spaces and # comments');
  if (digits.length % 2 !== 0) throw new Error('an odd number of hex digits');
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

const toHex = (bytes) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');

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

/** The JS value of `bytes` and its canonical re-encoding (the JS codec). */
function decodeViews(bytes) {
  let value;
  try {
    value = deserializeObject(bytes);
  } catch (e) {
    $('value').textContent = `(${e.kind ?? 'error'}: ${e.message})`;
    $('canonical').textContent = '';
    return;
  }
  $('value').textContent = showValue(value);
  try {
    const canonical = serializeObject(value);
    const same = canonical.length === bytes.length && canonical.every((b, i) => b === bytes[i]);
    $('canonical').textContent = `${toHex(canonical)}\n${same ? '(the same bytes: the input is canonical)' : '(differs from the input)'}`;
  } catch (e) {
    $('canonical').textContent = `(cannot re-encode: ${e.message})`;
  }
}

async function show() {
  try {
    const bytes = parseHex($('hex').value);
    $('dump').textContent = await inspectLxt(bytes, { strict: $('strict').checked });
    decodeViews(bytes);
    $('status').textContent = `${bytes.length} bytes`;
  } catch (e) {
    $('dump').textContent = '';
    $('value').textContent = '';
    $('canonical').textContent = '';
    $('status').textContent = e.message;
  }
  document.body.dataset.shown = String(Number(document.body.dataset.shown ?? 0) + 1);
}

function fromJson() {
  const text = $('json').value.trim();
  if (text === '') return;
  try {
    $('hex').value = toHex(serializeObject(JSON.parse(text)));
    show();
  } catch (e) {
    $('status').textContent = `JSON: ${e.message}`;
  }
}

const shared = /^#hex=([0-9a-fA-F]*)$/.exec(location.hash);
if (shared) $('hex').value = toHex(parseHex(shared[1]));
$('hex').addEventListener('input', show);
$('strict').addEventListener('change', show);
$('json').addEventListener('input', fromJson);
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
