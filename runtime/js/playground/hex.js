// Hex text for the playground's pages: bytes written as two lowercase
// digits each, and hex text (with spaces and `#` comments) read back.

/** Each byte as two lowercase hex digits, joined by `separator`. */
export function toHex(bytes, separator = ' ') {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(separator);
}

/** Hex text as bytes: pairs of digits; whitespace, `0x` and `#` comments ignored. */
export function parseHex(text) {
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
