// Tests of the reference JS codec against spec/decisions.md, section by section.
// Run: node --test format/js/test/

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import {
  DEFAULT_LIMITS,
  LxtError,
  TableRef,
  Tag,
  deserializeObject,
  encodeKey,
  serializeObject,
} from '../src/index.js';

// --- helpers ---------------------------------------------------------------

/** Bytes from hex with optional spaces: "06 00 00 00 00". */
function h(text) {
  const clean = text.replace(/\s+/g, '');
  assert.equal(clean.length % 2, 0, `odd hex: ${text}`);
  return Uint8Array.from(clean.match(/../g) ?? [], (b) => parseInt(b, 16));
}

function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

function u32(n) {
  return hex(Uint8Array.of(n, n >>> 8, n >>> 16, n >>> 24));
}

/** Encoded scalars, as hex, to build documents. */
const E = {
  nil: '00',
  t: '01 01',
  f: '01 00',
  int: (n) => '02 ' + hex(bigLE(BigInt(n))),
  float: (x) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, x, true);
    return '03 ' + hex(b);
  },
  floatBits: (bits) => '03 ' + hex(bigLE(BigInt(bits))),
  str: (s) => {
    const b = new TextEncoder().encode(s);
    return `04 ${u32(b.length)} ${hex(b)}`;
  },
  bytes: (...b) => `05 ${u32(b.length)} ${hex(b)}`,
  ref: (id) => `07 ${u32(id)}`,
  table: (array, hash = []) =>
    `06 ${u32(array.length)} ${array.join(' ')} ${u32(hash.length)} ${hash.map(([k, v]) => `${k} ${v}`).join(' ')}`,
};

function bigLE(v) {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigInt64(0, BigInt.asIntN(64, v), true);
  return b;
}

function dec(text, options) {
  return deserializeObject(h(text), options);
}

/** Asserts that decoding fails with `kind` at `offset`. */
function decodeFails(input, kind, offset, options) {
  const bytes = typeof input === 'string' ? h(input) : input;
  assert.throws(
    () => deserializeObject(bytes, options),
    (err) => {
      assert.ok(err instanceof LxtError, `not an LxtError: ${err}`);
      assert.equal(err.kind, kind, `kind (message: ${err.message})`);
      assert.equal(err.offset, offset, `offset (message: ${err.message})`);
      assert.ok(err.message.endsWith(`at offset ${offset}`), err.message);
      return true;
    },
  );
}

/** Asserts that encoding fails with `kind` (and the path, when given). */
function encodeFails(value, kind, path, options) {
  assert.throws(
    () => serializeObject(value, options),
    (err) => {
      assert.ok(err instanceof LxtError, `not an LxtError: ${err}`);
      assert.equal(err.kind, kind, `kind (message: ${err.message})`);
      assert.equal(err.offset, -1);
      if (path !== undefined) {
        assert.equal(err.path, path, err.message);
        assert.ok(err.message.endsWith(` at ${path}`), err.message);
      }
      return true;
    },
  );
}

function enc(value, options) {
  return hex(serializeObject(value, options));
}

/** Decodes in strict mode and checks that re-encoding gives the same bytes. */
function roundTrip(value) {
  const bytes = serializeObject(value);
  const back = deserializeObject(bytes, { strict: true });
  assert.equal(hex(serializeObject(back)), hex(bytes));
  return back;
}

// --- §1, §2 values -----------------------------------------------------------

describe('§2 values: the examples of decisions.md', () => {
  const examples = [
    ['nil', null, '00'],
    ['true', true, '01 01'],
    ['false', false, '01 00'],
    ['1', 1, '02 01 00 00 00 00 00 00 00'],
    ['1.5', 1.5, '03 00 00 00 00 00 00 F8 3F'],
    ['"hi"', 'hi', '04 02 00 00 00 68 69'],
    ['bytes FF', Uint8Array.of(0xff), '05 01 00 00 00 FF'],
    ['{}', [], '06 00 00 00 00 00 00 00 00'],
    [
      '{10,20}',
      [10, 20],
      '06 02 00 00 00 02 0A 00 00 00 00 00 00 00 02 14 00 00 00 00 00 00 00 00 00 00 00',
    ],
    ['ref 7', new TableRef(7), '07 07 00 00 00'],
  ];
  for (const [name, value, bytes] of examples) {
    it(`encodes and decodes ${name}`, () => {
      assert.equal(enc(value), hex(h(bytes)));
      assert.deepEqual(deserializeObject(h(bytes), { strict: true }), value);
    });
  }

  it('exports the tags and the default limits', () => {
    assert.deepEqual({ ...Tag }, { NIL: 0, BOOL: 1, INT: 2, FLOAT: 3, STR: 4, BYTES: 5, TABLE: 6, REF: 7 });
    assert.deepEqual({ ...DEFAULT_LIMITS }, { maxDepth: 128, maxSize: 268435456 });
    assert.ok(Object.isFrozen(Tag) && Object.isFrozen(DEFAULT_LIMITS));
  });

  it('a reference may carry any u32 id, 0 included', () => {
    for (const id of [0, 1, 0x7fffffff, 0xffffffff]) {
      const back = dec(E.ref(id));
      assert.equal(back.id, id);
      assert.equal(back[Symbol.for('luaxt.TableRef')], true);
      assert.ok(back instanceof TableRef);
    }
  });

  it('bytes may hold valid UTF-8 and stay bytes', () => {
    const back = dec(E.bytes(0x68, 0x69));
    assert.ok(back instanceof Uint8Array);
    assert.deepEqual(Array.from(back), [0x68, 0x69]);
  });
});

// --- §3 keys -----------------------------------------------------------------

describe('§3 keys', () => {
  it('encodeKey gives the normalised encoding', () => {
    assert.equal(hex(encodeKey(2)), hex(h(E.int(2))));
    assert.equal(hex(encodeKey(2.0)), hex(h(E.int(2))));
    assert.equal(hex(encodeKey(-0)), hex(h(E.int(0))));
    assert.equal(hex(encodeKey(1.5)), hex(h(E.float(1.5))));
    assert.equal(hex(encodeKey(2 ** 60)), hex(h(E.int(2n ** 60n))), 'an unsafe integral number in i64 range is an integer key');
    assert.equal(hex(encodeKey(2 ** 63)), hex(h(E.float(2 ** 63))), '2^63 stays a float');
    assert.equal(hex(encodeKey(-(2 ** 63))), hex(h(E.int(-(2n ** 63n)))), '-2^63 becomes i64::MIN');
    assert.equal(hex(encodeKey(Infinity)), hex(h(E.float(Infinity))));
    assert.equal(hex(encodeKey(5n)), hex(h(E.int(5))));
    assert.equal(hex(encodeKey('1')), hex(h(E.str('1'))));
    assert.equal(hex(encodeKey(true)), '01 01');
    assert.equal(hex(encodeKey(Uint8Array.of(0x61))), hex(h(E.bytes(0x61))));
    assert.equal(hex(encodeKey(new TableRef(3))), hex(h(E.ref(3))));
  });

  it('encodeKey rejects what cannot be a key', () => {
    for (const bad of [null, undefined, NaN, [], {}, new Map(), () => 1, Symbol('s'), new Date(0)]) {
      assert.throws(() => encodeKey(bad), (e) => e instanceof LxtError && e.kind === 'invalid_key');
    }
    assert.throws(() => encodeKey(2n ** 63n), (e) => e.kind === 'integer_overflow');
    assert.throws(() => encodeKey('\ud800'), (e) => e.kind === 'invalid_utf8');
    const badRef = { id: -1, [Symbol.for('luaxt.TableRef')]: true };
    assert.throws(() => encodeKey(badRef), (e) => e.kind === 'unsupported_type');
  });

  it('string "1", integer 1, bytes "1" are three keys', () => {
    const m = new Map([
      ['1', 'str'],
      [1, 'int'],
      [Uint8Array.of(0x31), 'bytes'],
    ]);
    const back = roundTrip(m);
    assert.ok(Array.isArray(back) === false && back instanceof Map);
    const entries = [...back];
    assert.deepEqual(entries[0], [1, 'int']);
    assert.deepEqual(entries[1], ['1', 'str']);
    assert.deepEqual(Array.from(entries[2][0]), [0x31]);
  });

  it('lenient decoding normalises float keys (2.0 → 2, -0.0 → 0, -2^63 → i64::MIN)', () => {
    const back = dec(E.table([], [
      [E.float(-0), E.str('zero')],
      [E.float(3), E.str('three')],
      [E.float(-(2 ** 63)), E.str('min')],
      [E.float(2 ** 63), E.str('big')],
    ]));
    assert.ok(back instanceof Map);
    assert.equal(back.get(0), 'zero');
    assert.equal(back.get(3), 'three');
    assert.equal(back.get(-(2n ** 63n)), 'min');
    assert.equal(back.get(2 ** 63), 'big');
    assert.ok(!Object.is([...back.keys()][0], -0));
  });

  it('a float key normalising to 1 with nothing else becomes the array [v]', () => {
    assert.deepEqual(dec(E.table([], [[E.float(1), E.t]])), [true]);
  });
});

// --- §4 canonical form -----------------------------------------------------------

describe('§4 canonical form (encoder)', () => {
  it('4.1 array extent: the leading run of present elements', () => {
    assert.equal(enc([1, 2]), hex(h(E.table([E.int(1), E.int(2)]))));
    // [1, hole, 3]: key 3 goes to the hash part.
    assert.equal(enc([1, , 3]), hex(h(E.table([E.int(1)], [[E.int(3), E.int(3)]]))));
    assert.equal(enc([1, null, 3]), enc([1, , 3]));
    assert.equal(enc([1, undefined, 3]), enc([1, , 3]));
    assert.equal(enc([null, 2]), hex(h(E.table([], [[E.int(2), E.int(2)]]))));
    assert.equal(enc([1, null]), hex(h(E.table([E.int(1)]))), 'a trailing nil is just absent');
    assert.equal(enc([null, null]), hex(h(E.table([]))));
  });

  it('4.1 Map keys 1..n go to the array part', () => {
    const m = new Map([
      [3, 'c'],
      [1, 'a'],
      [2, 'b'],
      [5, 'e'],
    ]);
    assert.equal(enc(m), hex(h(E.table([E.str('a'), E.str('b'), E.str('c')], [[E.int(5), E.str('e')]]))));
    assert.equal(enc(new Map([[1n, 'x']])), hex(h(E.table([E.str('x')]))));
    assert.equal(enc(new Map([[1.0, 'x']])), hex(h(E.table([E.str('x')]))));
  });

  it('4.2 hash order is the bytewise order of encoded keys', () => {
    // "id" (length 2) before "bio" (length 3): the LE length comes first.
    assert.equal(
      enc({ bio: 1, id: 2 }),
      hex(h(E.table([], [[E.str('id'), E.int(2)], [E.str('bio'), E.int(1)]]))),
    );
    // A 256-byte key (length 00 01 00 00) sorts before "a" (01 00 00 00).
    const long = 'x'.repeat(256);
    const bytes = serializeObject({ a: 1, [long]: 2 });
    assert.equal(hex(bytes.subarray(9, 14)), hex(h(`04 ${u32(256)}`)));
    // Integer keys: LE bytes, so 256 (00 01 ..) before 3 (03 00 ..), negatives last.
    const m = new Map([
      [3, 'three'],
      [256, 'big'],
      [-1, 'neg'],
    ]);
    assert.equal(
      enc(m),
      hex(h(E.table([], [[E.int(256), E.str('big')], [E.int(3), E.str('three')], [E.int(-1), E.str('neg')]]))),
    );
    // Sparse array hash keys follow the same order.
    const a = [];
    a[0] = 'a';
    a[2] = 'c';
    a[255] = 'z';
    assert.equal(enc(a), hex(h(E.table([E.str('a')], [[E.int(256), E.str('z')], [E.int(3), E.str('c')]]))));
    // Tag order across types: boolean < integer < float < string < bytes < reference.
    const mixed = new Map([
      [new TableRef(1), 'r'],
      [Uint8Array.of(1), 'b'],
      ['s', 's'],
      [0.5, 'f'],
      [7, 'i'],
      [false, 'x'],
    ]);
    const back = roundTrip(mixed);
    assert.deepEqual([...back.values()], ['x', 'i', 'f', 's', 'b', 'r']);
  });

  it('4.3 NaN is always written as 0x7FF8000000000000', () => {
    assert.equal(enc(NaN), hex(h('03 00 00 00 00 00 00 F8 7F')));
    const payload = new Float64Array(new BigUint64Array([0x7ff0000000000001n]).buffer)[0];
    assert.ok(Number.isNaN(payload));
    assert.equal(enc(payload), hex(h('03 00 00 00 00 00 00 F8 7F')));
    assert.equal(enc(-NaN), hex(h('03 00 00 00 00 00 00 F8 7F')));
  });

  it('4.4 nil values are never written', () => {
    assert.equal(enc({ a: null, b: undefined, c: 1 }), hex(h(E.table([], [[E.str('c'), E.int(1)]]))));
    assert.equal(enc(new Map([['a', null], ['b', 1]])), hex(h(E.table([], [[E.str('b'), E.int(1)]]))));
    assert.equal(enc(new Map([[1, 'a'], [2, null], [3, 'c']])), hex(h(E.table([E.str('a')], [[E.int(3), E.str('c')]]))));
  });
});

describe('§4 canonical form (decoder: lenient and strict)', () => {
  const nilInArray = E.table([E.int(1), E.nil]); // nil at offset 14
  const nilHashValue = E.table([], [[E.str('a'), E.nil]]); // nil at 15
  const outOfOrder = E.table([], [[E.str('b'), E.int(1)], [E.str('a'), E.int(2)]]); // 2nd key at 24
  const extentKey = E.table([E.int(1)], [[E.int(2), E.int(2)]]); // key 2 at 18
  const floatKey = E.table([], [[E.float(2), E.t]]); // key at 9
  const otherNaN = E.floatBits(0x7ff0000000000001n);

  it('4.4 lenient: a nil array element is an absent key; later elements keep theirs', () => {
    assert.deepEqual(dec(nilInArray), [1]);
    const m = dec(E.table([E.nil, E.str('b')]));
    assert.ok(m instanceof Map);
    assert.deepEqual([...m], [[2, 'b']]);
    const m2 = dec(E.table([E.str('a'), E.nil, E.str('c')]));
    assert.deepEqual([...m2], [[1, 'a'], [3, 'c']]);
    assert.deepEqual(dec(E.table([E.nil, E.nil])), []);
  });

  it('4.4 lenient: a nil hash value drops the entry', () => {
    assert.deepEqual(dec(nilHashValue), []);
    assert.deepEqual(dec(E.table([], [[E.str('a'), E.nil], [E.str('b'), E.int(1)]])), { b: 1 });
  });

  it('4.2 lenient: out-of-order keys come back in canonical order', () => {
    const back = dec(outOfOrder);
    assert.deepEqual(back, { a: 2, b: 1 });
    const m = dec(E.table([], [[E.str('x'), E.int(1)], [E.int(5), E.int(2)]]));
    assert.deepEqual([...m], [[5, 2], ['x', 1]]);
  });

  it('4.1 lenient: hash keys n+1… join the array part', () => {
    assert.deepEqual(dec(extentKey), [1, 2]);
    assert.deepEqual(dec(E.table([], [[E.int(2), E.str('b')], [E.int(1), E.str('a')]])), ['a', 'b']);
    assert.deepEqual(dec(E.table([E.str('a')], [[E.int(3), E.str('c')], [E.int(2), E.str('b')]])), ['a', 'b', 'c']);
  });

  it('4.3 lenient: any NaN reads as NaN', () => {
    assert.ok(Number.isNaN(dec(otherNaN)));
    assert.ok(Number.isNaN(dec(E.floatBits(0xfff8000000000000n))));
  });

  it('4.6 strict: rejects each kind of noncanonical input at its tag byte', () => {
    decodeFails(nilInArray, 'noncanonical', 14, { strict: true });
    decodeFails(nilHashValue, 'noncanonical', 15, { strict: true });
    decodeFails(outOfOrder, 'noncanonical', 24, { strict: true });
    decodeFails(extentKey, 'noncanonical', 18, { strict: true });
    decodeFails(E.table([], [[E.int(1), E.t]]), 'noncanonical', 9, { strict: true });
    decodeFails(floatKey, 'noncanonical', 9, { strict: true });
    decodeFails(E.table([], [[E.float(-0), E.t]]), 'noncanonical', 9, { strict: true });
    decodeFails(otherNaN, 'noncanonical', 0, { strict: true });
    decodeFails(E.table([otherNaN]), 'noncanonical', 5, { strict: true });
    decodeFails(E.table([], [[E.str('k'), E.floatBits(0xfff8000000000000n)]]), 'noncanonical', 15, { strict: true });
  });

  it('4.6 strict: accepts canonical input, including the canonical NaN, -0.0 and a nil document', () => {
    assert.ok(Number.isNaN(dec('03 00 00 00 00 00 00 F8 7F', { strict: true })));
    assert.ok(Object.is(dec(E.float(-0), { strict: true }), -0));
    assert.equal(dec('00', { strict: true }), null);
    assert.deepEqual(dec(E.table([], [[E.float(2 ** 63), E.t]]), { strict: true }), new Map([[2 ** 63, true]]));
  });

  it('4.2 strict: key order is checked after every path switch (issue 16)', () => {
    // A ref key after a string key leaves the plain-object path; the string
    // key after it is out of order (04 < 07).
    const refThenString = E.table([], [[E.str('a'), E.int(1)], [E.ref(1), E.int(2)], [E.str('b'), E.int(3)]]);
    decodeFails(refThenString, 'noncanonical', 38, { strict: true });
    // The same after a bytes key; and with an array part (a Map from the start).
    decodeFails(E.table([], [[E.str('a'), E.t], [E.bytes(0), E.t], [E.str('b'), E.t]]), 'noncanonical', 25, { strict: true });
    decodeFails(E.table([E.int(1)], [[E.str('b'), E.t], [E.str('a'), E.t]]), 'noncanonical', 26, { strict: true });
    // In order, the same kinds pass.
    const inOrder = E.table([], [[E.str('a'), E.int(1)], [E.str('b'), E.int(3)], [E.ref(1), E.int(2)]]);
    assert.ok(dec(inOrder, { strict: true }) instanceof Map);
  });

  it('4.6 strict: reports the first noncanonical item in wire order', () => {
    const doc = E.table([E.table([E.nil]), E.nil]); // inner nil at 10, outer nil at 15
    decodeFails(doc, 'noncanonical', 10, { strict: true });
  });

  it('§5 precedence: noncanonical only when nothing else is wrong', () => {
    decodeFails(nilInArray + ' 00', 'trailing_bytes', 19, { strict: true });
    decodeFails(E.table([E.nil, E.int(1)], [[E.int(2), E.t]]), 'duplicate_key', 19, { strict: true });
    decodeFails(E.table([E.nil, '09']), 'unknown_tag', 6, { strict: true });
    // Lenient mode accepts the same noncanonical input.
    assert.deepEqual(dec(nilInArray), [1]);
  });
});

// --- §5 errors -------------------------------------------------------------------

describe('§5 decode errors and their offsets', () => {
  it('truncated: at the incomplete field, or the input length at a missing tag', () => {
    decodeFails('', 'truncated', 0);
    decodeFails('01', 'truncated', 1);
    decodeFails('02 01 00', 'truncated', 1);
    decodeFails('03 00 00 00 00 00 00 F8', 'truncated', 1);
    decodeFails('04 02 00', 'truncated', 1);
    decodeFails('05', 'truncated', 1);
    decodeFails('07 01 00 00', 'truncated', 1);
    decodeFails('06 00 00', 'truncated', 1);
    decodeFails('06 00 00 00 00', 'truncated', 5, undefined); // missing hash count
    decodeFails('06 00 00 00 00 00 00', 'truncated', 5);
    decodeFails('06 01 00 00 00 02 01 00', 'truncated', 6); // inside an array value
    decodeFails('06 02 00 00 00 01 01', 'truncated', 7); // missing tag of the 2nd value
    decodeFails('06 00 00 00 00 01 00 00 00 04 01', 'truncated', 10); // key's length field
    decodeFails('06 00 00 00 00 01 00 00 00 01 00', 'truncated', 11); // missing value tag
    decodeFails('06 00 00 00 00 01 00 00 00 02 01', 'truncated', 10); // key's int payload
  });

  it('unknown_tag: at the tag byte', () => {
    decodeFails('08', 'unknown_tag', 0);
    decodeFails('FF', 'unknown_tag', 0);
    decodeFails('06 01 00 00 00 09 00 00 00 00', 'unknown_tag', 5);
    decodeFails('06 00 00 00 00 01 00 00 00 80 00', 'unknown_tag', 9); // as a key
    assert.throws(() => dec('06 01 00 00 00 09 00 00 00 00'), { message: 'unknown tag 0x09 at offset 5' });
  });

  it('invalid_bool: at the payload byte', () => {
    decodeFails('01 02', 'invalid_bool', 1);
    decodeFails('01 FF', 'invalid_bool', 1);
    decodeFails(E.table([E.t, '01 07']), 'invalid_bool', 8);
  });

  it('invalid_utf8: at the first invalid or incomplete sequence (RFC 3629)', () => {
    const bad = (content, offset) => decodeFails(`04 ${u32(h(content).length)} ${content}`, 'invalid_utf8', offset);
    bad('C0 80', 5); // overlong NUL
    bad('C1 BF', 5); // overlong
    bad('E0 80 80', 5); // overlong 3-byte
    bad('F0 80 80 80', 5); // overlong 4-byte
    bad('61 ED A0 80', 6); // surrogate U+D800
    bad('61 62 ED BF BF', 7); // surrogate U+DFFF
    bad('F4 90 80 80', 5); // above U+10FFFF
    bad('F5 80 80 80', 5);
    bad('FF', 5);
    bad('80', 5); // lone continuation
    bad('61 E2 82', 6); // incomplete at the end
    bad('61 E2 82 41', 6); // interrupted sequence
    bad('61 C3', 6);
    bad('F0 9F 98', 5);
    // Long strings (TextDecoder, or Buffer#utf8Slice under Node) with the error deep inside;
    // surrogates, overlong forms and code points past U+10FFFF too.
    for (const seq of ['ED A0 80', 'C0 80', 'E0 80 80', 'F4 90 80 80', 'FF', 'BF']) {
      decodeFails(`04 ${u32(100 + h(seq).length)} ${hex(new TextEncoder().encode('a'.repeat(100)))} ${seq}`, 'invalid_utf8', 105);
    }
    const long = 'a'.repeat(100);
    decodeFails(`04 ${u32(103)} ${hex(new TextEncoder().encode(long))} E2 28 A1`, 'invalid_utf8', 105);
    const longer = 'é'.repeat(50); // 100 bytes
    decodeFails(`04 ${u32(101)} ${hex(new TextEncoder().encode(longer))} C3`, 'invalid_utf8', 105);
    // In a key.
    decodeFails(E.table([], [[`04 ${u32(1)} FF`, E.t]]), 'invalid_utf8', 14);
  });

  it('valid UTF-8 decodes exactly, a BOM included', () => {
    for (const s of ['', 'a', 'é', '€', '😀', 'x😀y', '\u0000', '\ufeffa', '\u{10ffff}', '\u07ff\u0800\uffff', 'é'.repeat(40), '😀'.repeat(30), 'ab'.repeat(300) + '€', 'a'.repeat(40) + '\ufffd' + 'b'.repeat(40), '\ufffd'.repeat(20)]) {
      assert.equal(dec(E.str(s), { strict: true }), s);
    }
  });

  it('length_overflow: a length or count larger than the bytes left, at its field', () => {
    decodeFails('04 03 00 00 00 61 62', 'length_overflow', 1);
    decodeFails('05 FF FF FF FF', 'length_overflow', 1);
    decodeFails('06 02 00 00 00 00', 'length_overflow', 1); // n = 2 > 1 byte left
    decodeFails('06 FF FF FF FF 00 00 00 00', 'length_overflow', 1);
    decodeFails('06 00 00 00 00 01 00 00 00 00', 'length_overflow', 5); // 2m = 2 > 1
    decodeFails('06 00 00 00 00 FF FF FF 7F', 'length_overflow', 5);
    decodeFails('06 01 00 00 00  06 00 00 00 00 05 00 00 00  00 00 00 00', 'length_overflow', 10); // inner m
    // n = left and 2m = left are allowed.
    assert.deepEqual(dec('06 01 00 00 00 00 00 00 00 00'), []); // one nil value (lenient)
    assert.deepEqual(dec('06 00 00 00 00 01 00 00 00 01 01 01 00'), new Map([[true, false]]));
  });

  it('length_overflow: an input longer than max_size (offset 0)', () => {
    decodeFails('00 00', 'length_overflow', 0, { maxSize: 1 });
    decodeFails(E.str('hello'), 'length_overflow', 0, { maxSize: 9 });
    assert.equal(dec(E.str('hello'), { maxSize: 10 }), 'hello');
  });

  it('depth_exceeded: at the 0x06 tag that goes over max_depth', () => {
    const nest = (d) => '06 01 00 00 00 '.repeat(d) + '00' + ' 00 00 00 00'.repeat(d);
    assert.ok(Array.isArray(dec(nest(128))));
    decodeFails(nest(129), 'depth_exceeded', 128 * 5);
    decodeFails(nest(3), 'depth_exceeded', 10, { maxDepth: 2 });
    decodeFails(E.table([]), 'depth_exceeded', 0, { maxDepth: 0 });
    assert.equal(dec('02 05 00 00 00 00 00 00 00', { maxDepth: 0 }), 5);
  });

  it('depth_exceeded: a 100 000-deep nest of table headers costs no stack', () => {
    const depth = 100000;
    const bytes = new Uint8Array(depth * 5);
    for (let i = 0; i < depth; i++) bytes.set([6, 1, 0, 0, 0], i * 5);
    decodeFails(bytes, 'depth_exceeded', 640);
    // With the limit raised, the decoder walks all of it and reports the truncation.
    decodeFails(bytes, 'length_overflow', depth * 5 - 4, { maxDepth: 1e6 });
    const closed = new Uint8Array(depth * 9 + 1);
    for (let i = 0; i < depth; i++) closed.set([6, 1, 0, 0, 0], i * 5);
    let v = deserializeObject(closed, { maxDepth: depth });
    for (let i = 0; i < depth - 1; i++) v = v[0];
    assert.deepEqual(v, []);
  });

  it('invalid_key: nil, NaN or a table as a key, at the key tag', () => {
    decodeFails(E.table([], [[E.nil, E.t]]), 'invalid_key', 9);
    decodeFails(E.table([], [[E.table([]), E.t]]), 'invalid_key', 9);
    decodeFails(E.table([], [['03 00 00 00 00 00 00 F8 7F', E.t]]), 'invalid_key', 9);
    decodeFails(E.table([], [[E.floatBits(0xfff0000000000001n), E.t]]), 'invalid_key', 9);
    decodeFails(E.table([], [[E.str('a'), E.t], [E.nil, E.t]]), 'invalid_key', 17);
  });

  it('duplicate_key: at the later occurrence, reported when the table is complete', () => {
    decodeFails(E.table([], [[E.str('a'), E.int(1)], [E.str('a'), E.int(2)]]), 'duplicate_key', 24);
    // A hash key 1..n duplicating the array part.
    decodeFails(E.table([E.str('x'), E.str('y')], [[E.int(2), E.t]]), 'duplicate_key', 21);
    // Equal after normalisation: 1.0 and the array key 1, -0.0 and 0.
    decodeFails(E.table([E.str('x')], [[E.float(1), E.t]]), 'duplicate_key', 15);
    decodeFails(E.table([], [[E.int(0), E.t], [E.float(-0), E.f]]), 'duplicate_key', 20);
    decodeFails(E.table([], [[E.float(-0), E.t], [E.int(0), E.f]]), 'duplicate_key', 20);
    // Out of order, so not next to each other: b, a, b → the second b.
    decodeFails(
      E.table([], [[E.str('b'), E.t], [E.str('a'), E.t], [E.str('b'), E.t]]),
      'duplicate_key',
      9 + 2 * (6 + 2),
    );
    // The smallest offset among the later occurrences: a b a b → the second a.
    decodeFails(
      E.table([], [[E.str('a'), E.t], [E.str('b'), E.t], [E.str('a'), E.t], [E.str('b'), E.t]]),
      'duplicate_key',
      25,
    );
    // A key whose value is nil still counts, and so does a nil array element.
    decodeFails(E.table([], [[E.str('a'), E.nil], [E.str('a'), E.t]]), 'duplicate_key', 16);
    decodeFails(E.table([E.nil], [[E.int(1), E.t]]), 'duplicate_key', 10);
    // Duplicate references and bytes.
    decodeFails(E.table([], [[E.ref(1), E.t], [E.ref(1), E.t]]), 'duplicate_key', 16);
    decodeFails(E.table([], [[E.bytes(1), E.t], [E.bytes(1), E.t]]), 'duplicate_key', 17);
    // Even in strict mode the hard error wins.
    decodeFails(E.table([], [[E.str('a'), E.int(1)], [E.str('a'), E.int(2)]]), 'duplicate_key', 24, { strict: true });
  });

  it('duplicate_key: a hard error in a later entry of the same table wins', () => {
    const doc = E.table([], [[E.str('a'), E.t], [E.str('a'), E.t], [E.str('b'), '09']]);
    decodeFails(doc, 'unknown_tag', 31);
    // ...but an inner table that completes first reports its own duplicate.
    const inner = E.table([], [[E.int(1), E.t], [E.int(1), E.t]]); // dup at +20 inside
    const outer = E.table([], [[E.str('a'), E.t], [E.str('a'), inner]]);
    decodeFails(outer, 'duplicate_key', 23 + 20);
    // A duplicate in a finished inner table beats trailing bytes.
    decodeFails(inner + ' 00', 'duplicate_key', 20);
  });

  it('trailing_bytes: at the first byte after the value', () => {
    decodeFails('00 00', 'trailing_bytes', 1);
    decodeFails('06 00 00 00 00 00 00 00 00 09', 'trailing_bytes', 9);
    assert.throws(() => dec('06 00 00 00 00 00 00 00 00 09'), { message: 'trailing bytes at offset 9' });
  });

  it('errors come in wire order', () => {
    // An invalid key before a bad boolean value in the same entry.
    decodeFails(E.table([], [[E.nil, '01 05']]), 'invalid_key', 9);
    // The depth check happens at the tag, before the count is read.
    decodeFails('06 01 00 00 00 06 FF', 'depth_exceeded', 5, { maxDepth: 1 });
    // A table as a key is invalid before its content is looked at.
    decodeFails('06 00 00 00 00 01 00 00 00 06 FF', 'invalid_key', 9);
  });

  it('LxtError carries kind, offset and a readable message', () => {
    try {
      dec('06 01 00 00 00 09 00 00 00 00');
      assert.fail('no error');
    } catch (err) {
      assert.ok(err instanceof Error && err instanceof LxtError);
      assert.equal(err.name, 'LxtError');
      assert.equal(err.kind, 'unknown_tag');
      assert.equal(err.offset, 5);
    }
    assert.throws(() => dec('04 09 00 00 00'), { message: 'length overflow (9 > 0) at offset 1' });
  });
});

describe('§5 encode errors', () => {
  it('invalid_utf8: a string with lone surrogates', () => {
    encodeFails('\ud800', 'invalid_utf8', '$');
    encodeFails('a\udc00b', 'invalid_utf8', '$');
    encodeFails('x'.repeat(100) + '\ud83d', 'invalid_utf8', '$');
    encodeFails({ k: ['ok', 'bad\udfff'] }, 'invalid_utf8', '$.k[1]');
    encodeFails({ ['\ud800']: 1 }, 'invalid_utf8', '$["\\ud800"]');
    assert.equal(dec(hex(serializeObject('😀'))), '😀');
  });

  it('integer_overflow: BigInt outside i64', () => {
    encodeFails(2n ** 63n, 'integer_overflow', '$');
    encodeFails(-(2n ** 63n) - 1n, 'integer_overflow', '$');
    encodeFails({ a: [1, 2, 2n ** 64n] }, 'integer_overflow', '$.a[2]');
    encodeFails(new Map([[2n ** 63n, 1]]), 'integer_overflow', '$[9223372036854775808n]');
  });

  it('cycle: a table that contains itself', () => {
    const a = [1];
    a.push(a);
    encodeFails(a, 'cycle', '$[1]');
    const o = { x: { y: {} } };
    o.x.y.z = o;
    encodeFails(o, 'cycle', '$.x.y.z');
    const m = new Map();
    m.set('self', m);
    encodeFails(m, 'cycle', '$["self"]');
    // Shared, but not cyclic, is fine.
    const shared = { v: 1 };
    assert.deepEqual(roundTrip([shared, shared]), [{ v: 1 }, { v: 1 }]);
  });

  it('unsupported_type: functions, symbols and other objects', () => {
    const values = [
      () => 1,
      Symbol('s'),
      new Date(0),
      new Set([1]),
      /re/,
      new Int16Array(2),
      new Uint8ClampedArray(2),
      new Float64Array(1),
      new ArrayBuffer(4),
      new DataView(new ArrayBuffer(4)),
      new (class Point {})(),
      new Number(5),
      new String('s'),
      Promise.resolve(),
      new WeakMap(),
    ];
    for (const v of values) encodeFails(v, 'unsupported_type', '$');
    encodeFails({ a: { f() {} } }, 'unsupported_type', '$.a.f');
    encodeFails([new Date(0)], 'unsupported_type', '$[0]');
    encodeFails({ r: { id: 1.5, [Symbol.for('luaxt.TableRef')]: true } }, 'unsupported_type', '$.r');
    encodeFails({ id: 2 ** 32, [Symbol.for('luaxt.TableRef')]: true }, 'unsupported_type', '$');
    assert.throws(() => new TableRef(-1), RangeError);
  });

  it('invalid_key and duplicate_key: Map keys', () => {
    encodeFails(new Map([[NaN, 1]]), 'invalid_key', '$[NaN]');
    encodeFails(new Map([[null, 1]]), 'invalid_key', '$[null]');
    encodeFails(new Map([[undefined, 1]]), 'invalid_key', '$[undefined]');
    encodeFails(new Map([[{}, 1]]), 'invalid_key');
    encodeFails(new Map([[[1], 1]]), 'invalid_key');
    encodeFails(new Map([[() => 1, 1]]), 'invalid_key');
    encodeFails(new Map([[1, 'a'], [1n, 'b']]), 'duplicate_key');
    encodeFails(new Map([[2 ** 60, 'a'], [2n ** 60n, 'b']]), 'duplicate_key');
    encodeFails(new Map([[new TableRef(4), 'a'], [new TableRef(4), 'b']]), 'duplicate_key');
    encodeFails(new Map([[Uint8Array.of(1), 'a'], [Uint8Array.of(1), 'b']]), 'duplicate_key');
    encodeFails({ m: new Map([[0, 'a'], [0n, 'b']]) }, 'duplicate_key', '$.m[0n]');
    // Keys are checked even when the value is nil.
    encodeFails(new Map([[NaN, null]]), 'invalid_key');
    encodeFails(new Map([[1, null], [1n, 'x']]), 'duplicate_key');
  });

  it('depth_exceeded: more than max_depth nested tables', () => {
    const nest = (d) => {
      let v = [];
      for (let i = 1; i < d; i++) v = [v];
      return v;
    };
    assert.ok(serializeObject(nest(128)).length > 0);
    encodeFails(nest(129), 'depth_exceeded');
    encodeFails({ a: { b: {} } }, 'depth_exceeded', '$.a.b', { maxDepth: 2 });
    encodeFails([], 'depth_exceeded', '$', { maxDepth: 0 });
    assert.equal(enc(5, { maxDepth: 0 }), hex(h(E.int(5))));
    // A deep value against a raised limit ends in an LxtError, never a crash.
    let deep = [];
    for (let i = 0; i < 200000; i++) deep = [deep];
    encodeFails(deep, 'depth_exceeded', undefined, { maxDepth: 1e6 });
  });

  it('length_overflow: a string, bytes or document larger than max_size', () => {
    encodeFails('hello', 'length_overflow', '$', { maxSize: 4 });
    encodeFails({ s: 'é'.repeat(3) }, 'length_overflow', '$.s', { maxSize: 5 });
    encodeFails(new Uint8Array(10), 'length_overflow', '$', { maxSize: 9 });
    encodeFails([1, 2, 3], 'length_overflow', '$', { maxSize: 2 });
    encodeFails(['aa', 'bb', 'cc'], 'length_overflow', '$', { maxSize: 20 });
    // A table count past max_size is reported before the values in it.
    assert.throws(() => serializeObject([1, 2, 2n ** 70n], { maxSize: 2 }), /table of 3 > max_size 2/);
    assert.throws(() => serializeObject([1, null, null, 2n ** 70n], { maxSize: 2 }), /integer_overflow|out of range|i64/);
    assert.equal(serializeObject('hello', { maxSize: 10 }).length, 10);
  });

  it('rejects bad options', () => {
    assert.throws(() => serializeObject(1, { maxDepth: -1 }), TypeError);
    assert.throws(() => deserializeObject(h('00'), { maxSize: 'big' }), TypeError);
    assert.throws(() => deserializeObject('00'), TypeError);
  });

  it('rejects options it does not know or of the wrong type', () => {
    const typeError = (fn, pattern) => assert.throws(fn, (e) => e instanceof TypeError && pattern.test(e.message));
    typeError(() => deserializeObject(h('00'), { strict: 'yes' }), /strict must be a boolean \(got "yes"\)/);
    typeError(() => deserializeObject(h('00'), { strict: 1 }), /strict must be a boolean/);
    typeError(() => deserializeObject(h('00'), { scrict: true }), /unknown option "scrict"/);
    typeError(() => serializeObject(1, { strict: true }), /serializeObject: unknown option "strict"/);
    typeError(() => serializeObject(1, { maxdepth: 3 }), /unknown option "maxdepth"/);
    typeError(() => deserializeObject(h('00'), 'strict'), /options must be an object/);
    // What is allowed still works, undefined values included.
    assert.equal(deserializeObject(h('00'), { strict: false, maxDepth: undefined }), null);
    assert.equal(deserializeObject(h('00'), null), null);
    assert.equal(hex(serializeObject(1, { maxDepth: 1, maxSize: 9 })), '02 01 00 00 00 00 00 00 00');
  });
});

// --- §8 JavaScript mapping -------------------------------------------------------------

describe('§8 JS mapping: decode', () => {
  it('integers: number up to ±(2^53−1), BigInt beyond', () => {
    const cases = [
      [0n, 0],
      [-1n, -1],
      [2n ** 31n, 2 ** 31],
      [-(2n ** 31n) - 1n, -(2 ** 31) - 1],
      [2n ** 32n, 2 ** 32],
      [2n ** 53n - 1n, Number.MAX_SAFE_INTEGER],
      [-(2n ** 53n) + 1n, Number.MIN_SAFE_INTEGER],
      [2n ** 53n, 2n ** 53n],
      [-(2n ** 53n), -(2n ** 53n)],
      [2n ** 63n - 1n, 2n ** 63n - 1n],
      [-(2n ** 63n), -(2n ** 63n)],
    ];
    for (const [wire, expected] of cases) assert.equal(dec(E.int(wire), { strict: true }), expected, String(wire));
  });

  it('floats stay numbers: -0, NaN, ±Infinity, subnormals', () => {
    assert.ok(Object.is(dec(E.float(-0)), -0));
    assert.equal(dec(E.float(Infinity)), Infinity);
    assert.equal(dec(E.float(-Infinity)), -Infinity);
    assert.equal(dec(E.float(5e-324)), 5e-324);
    assert.equal(dec(E.float(5)), 5);
  });

  it('bytes decode to a copy, never a view of the input', () => {
    const input = h(E.table([E.bytes(1, 2, 3)], [[E.bytes(9), E.t]]));
    const back = deserializeObject(input);
    const [[, value]] = [...back];
    const key = [...back.keys()][1];
    assert.notEqual(value.buffer, input.buffer);
    assert.notEqual(key.buffer, input.buffer);
    input.fill(0);
    assert.deepEqual(Array.from(value), [1, 2, 3]);
    assert.deepEqual(Array.from(key), [9]);
    // Buffer input gives Uint8Array copies too.
    const buf = Buffer.from(h(E.bytes(7, 8)));
    const out = deserializeObject(buf);
    assert.equal(out.constructor, Uint8Array);
    buf[5] = 0;
    assert.deepEqual(Array.from(out), [7, 8]);
  });

  it('accepts Uint8Array, Buffer, ArrayBuffer and offset views', () => {
    const bytes = h(E.str('hi'));
    assert.equal(deserializeObject(bytes), 'hi');
    assert.equal(deserializeObject(Buffer.from(bytes)), 'hi');
    assert.equal(deserializeObject(bytes.slice().buffer), 'hi');
    const padded = new Uint8Array(20);
    padded.set(bytes, 5);
    assert.equal(deserializeObject(padded.subarray(5, 5 + bytes.length)), 'hi');
    decodeFails(padded.subarray(5, 6 + bytes.length), 'trailing_bytes', bytes.length);
  });

  it('tables: Array, plain object or Map', () => {
    assert.deepEqual(dec(E.table([])), []);
    assert.deepEqual(dec(E.table([E.int(1), E.str('a')])), [1, 'a']);
    const obj = dec(E.table([], [[E.str('a'), E.int(1)], [E.str('1'), E.int(2)]]));
    assert.equal(Object.getPrototypeOf(obj), Object.prototype);
    assert.deepEqual(obj, { a: 1, 1: 2 });
    // Array part plus string keys → Map (keys 1..n first, canonical order).
    const mixed = dec(E.table([E.str('x')], [[E.str('k'), E.t]]));
    assert.deepEqual([...mixed], [[1, 'x'], ['k', true]]);
    // Integer keys outside 1..n, non-string keys → Map.
    assert.deepEqual([...dec(E.table([], [[E.int(2), E.t]]))], [[2, true]]);
    assert.deepEqual([...dec(E.table([], [[E.t, E.f]]))], [[true, false]]);
    // String keys followed by bytes or reference keys → Map in canonical order.
    const m = dec(E.table([], [[E.str('a'), E.int(1)], [E.bytes(1), E.int(2)], [E.ref(0), E.int(3)]]));
    assert.ok(m instanceof Map);
    assert.deepEqual([...m.values()], [1, 2, 3]);
    assert.equal([...m.keys()][0], 'a');
    assert.ok([...m.keys()][2] instanceof TableRef);
  });

  it('a key "__proto__" is an own data property, never the prototype', () => {
    const doc = E.table([], [[E.str('__proto__'), E.table([], [[E.str('polluted'), E.t]])]]);
    for (let round = 0; round < 20; round++) {
      const obj = dec(doc);
      assert.equal(Object.getPrototypeOf(obj), Object.prototype);
      assert.ok(Object.hasOwn(obj, '__proto__'));
      assert.deepEqual(Object.keys(obj), ['__proto__']);
      assert.equal(obj.polluted, undefined);
      assert.equal({}.polluted, undefined);
    }
    const two = E.table([], [[E.str('a'), E.t], [E.str('__proto__'), E.f]]);
    for (let round = 0; round < 20; round++) {
      const obj = dec(two);
      assert.equal(Object.getPrototypeOf(obj), Object.prototype);
      assert.equal(Object.getOwnPropertyDescriptor(obj, '__proto__').value, false);
    }
  });

  it('repeated object shapes decode alike, and a change of shape is noticed', () => {
    const rec = (keys) => E.table([], keys.map((k, i) => [E.str(k), E.int(i)]));
    const docs = [
      rec(['a', 'b', 'c']),
      rec(['a', 'b', 'd']),
      rec(['a', 'bb', 'c']),
      rec(['a', 'b']),
      rec(['a', 'c', 'b']), // out of order
      E.table([], [[E.str('a'), E.int(0)], [E.str('b'), E.nil], [E.str('c'), E.int(2)]]),
      E.table([], [[E.str('a'), E.int(0)], [E.str('b'), E.int(1)], [E.bytes(1), E.int(2)]]),
      E.table([], [[E.str('a'), E.int(0)], [E.str('b'), E.int(1)], [E.str('b'), E.int(2)]]),
    ];
    const expected = [
      { a: 0, b: 1, c: 2 },
      { a: 0, b: 1, d: 2 },
      { a: 0, bb: 1, c: 2 },
      { a: 0, b: 1 },
      { a: 0, b: 2, c: 1 },
      { a: 0, c: 2 },
      'map',
      'dup',
    ];
    for (let round = 0; round < 30; round++) {
      for (let d = 0; d < docs.length; d++) {
        if (expected[d] === 'dup') {
          decodeFails(docs[d], 'duplicate_key', 39);
        } else if (expected[d] === 'map') {
          assert.ok(dec(docs[d]) instanceof Map);
        } else {
          assert.deepEqual(dec(docs[d]), expected[d]);
        }
        assert.deepEqual(dec(docs[0]), expected[0]);
      }
    }
    decodeFails(docs[4], 'noncanonical', 39, { strict: true });
  });

  it('references decode to branded TableRef objects', () => {
    const r = dec(E.ref(42));
    assert.ok(r instanceof TableRef);
    assert.equal(r.id, 42);
    assert.equal(r[Symbol.for('luaxt.TableRef')], true);
  });
});

describe('§8 JS mapping: encode', () => {
  it('null and undefined at top level are nil', () => {
    assert.equal(enc(null), '00');
    assert.equal(enc(undefined), '00');
    assert.equal(enc(), '00');
  });

  it('numbers: safe integers (not -0) are integers, everything else floats', () => {
    assert.equal(enc(5), hex(h(E.int(5))));
    assert.equal(enc(5.5), hex(h(E.float(5.5))));
    assert.equal(enc(-0), hex(h(E.float(-0))));
    assert.equal(enc(0), hex(h(E.int(0))));
    assert.equal(enc(Infinity), hex(h(E.float(Infinity))));
    assert.equal(enc(-Infinity), hex(h(E.float(-Infinity))));
    assert.equal(enc(2 ** 53 - 1), hex(h(E.int(2n ** 53n - 1n))));
    assert.equal(enc(-(2 ** 53 - 1)), hex(h(E.int(-(2n ** 53n) + 1n))));
    assert.equal(enc(2 ** 53), hex(h(E.float(2 ** 53))));
    assert.equal(enc(-(2 ** 53)), hex(h(E.float(-(2 ** 53)))));
    assert.equal(enc(2 ** 31), hex(h(E.int(2 ** 31))));
    assert.equal(enc(-(2 ** 31) - 1), hex(h(E.int(-(2 ** 31) - 1))));
    assert.equal(enc(-1), hex(h(E.int(-1))));
    assert.equal(enc(-4294967296), hex(h(E.int(-4294967296))));
    assert.equal(enc(5e-324), hex(h(E.float(5e-324))));
    assert.equal(enc(1e300), hex(h(E.float(1e300))));
  });

  it('BigInt in i64 range is an integer, of any size', () => {
    assert.equal(enc(5n), hex(h(E.int(5))));
    assert.equal(enc(2n ** 53n - 1n), hex(h(E.int(2n ** 53n - 1n))));
    assert.equal(enc(-(2n ** 53n - 1n)), hex(h(E.int(-(2n ** 53n - 1n)))));
    assert.equal(enc(2n ** 53n), hex(h(E.int(2n ** 53n))));
    assert.equal(enc(-(2n ** 53n)), hex(h(E.int(-(2n ** 53n)))));
    assert.equal(enc(2n ** 63n - 1n), '02 ff ff ff ff ff ff ff 7f');
    assert.equal(enc(-(2n ** 63n)), '02 00 00 00 00 00 00 00 80');
    // Round trips: small BigInt comes back as a number, large ones as BigInt.
    assert.equal(roundTrip(5n), 5);
    assert.equal(roundTrip(2n ** 53n), 2n ** 53n);
    assert.equal(roundTrip(-(2n ** 63n)), -(2n ** 63n));
  });

  it('strings are 0x04 UTF-8', () => {
    assert.equal(enc('é'), '04 02 00 00 00 c3 a9');
    assert.equal(enc('😀'), '04 04 00 00 00 f0 9f 98 80');
    assert.equal(enc(''), '04 00 00 00 00');
    const long = 'é€😀'.repeat(100);
    assert.equal(roundTrip(long), long);
  });

  it('Uint8Array and Buffer are bytes', () => {
    assert.equal(enc(Uint8Array.of(1, 2)), '05 02 00 00 00 01 02');
    assert.equal(enc(Buffer.from([1, 2])), '05 02 00 00 00 01 02');
    assert.equal(enc(new Uint8Array(new ArrayBuffer(8), 2, 2)), '05 02 00 00 00 00 00');
    const back = roundTrip(Buffer.from('ab'));
    assert.equal(back.constructor, Uint8Array);
  });

  it('arrays: holes and nils are absent keys; non-index properties are ignored', () => {
    const a = [1, 2];
    a.extra = 'ignored';
    assert.equal(enc(a), enc([1, 2]));
    const holes = [1, , 3, undefined, null, 6];
    const back = roundTrip(holes);
    assert.ok(back instanceof Map);
    assert.deepEqual([...back].sort((x, y) => x[0] - y[0]), [[1, 1], [3, 3], [6, 6]]);
    // A very sparse array.
    const sparse = [];
    sparse[0] = 'a';
    sparse[1e6] = 'z';
    sparse[5000] = 'm';
    const m = roundTrip(sparse);
    assert.deepEqual([...m].sort((x, y) => x[0] - y[0]), [[1, 'a'], [5001, 'm'], [1e6 + 1, 'z']]);
  });

  it('empty table → [] and {} → []', () => {
    assert.deepEqual(roundTrip([]), []);
    assert.deepEqual(roundTrip({}), []);
    assert.deepEqual(roundTrip(new Map()), []);
    assert.deepEqual(roundTrip({ a: null }), []);
  });

  it('plain objects: string keys, "1" stays a string, symbols ignored, null prototype ok', () => {
    assert.equal(enc({ 1: 'x' }), hex(h(E.table([], [[E.str('1'), E.str('x')]]))));
    assert.deepEqual(roundTrip({ 1: 'x', 2: 'y' }), { 1: 'x', 2: 'y' });
    assert.equal(enc({ a: 1, [Symbol('s')]: 2 }), enc({ a: 1 }));
    const bare = Object.create(null);
    bare.z = 1;
    bare.a = 2;
    assert.equal(enc(bare), enc({ a: 2, z: 1 }));
    const hidden = {};
    Object.defineProperty(hidden, 'h', { value: 1, enumerable: false });
    assert.equal(enc(hidden), enc({}));
    const withProto = JSON.parse('{"__proto__": 1, "a": 2}');
    assert.deepEqual(Object.keys(roundTrip(withProto)), ['a', '__proto__']);
  });

  it('key order does not depend on insertion order (shape cache)', () => {
    const one = enc({ b: 1, a: 2, ccc: 3 });
    for (let i = 0; i < 10; i++) {
      assert.equal(enc({ a: 2, ccc: 3, b: 1 }), one);
      assert.equal(enc({ ccc: 3, b: 1, a: 2 }), one);
      assert.equal(enc({ b: 1, a: 2, ccc: 3 }), one);
    }
  });

  it('Map with mixed keys', () => {
    const m = new Map([
      ['1', 'string one'],
      [1, 'int one'],
      [2, 'int two'],
      [1.5, 'float'],
      [-3, 'neg'],
      [true, 'bool'],
      [2n ** 60n, 'big'],
      [Uint8Array.of(1, 2), 'bytes'],
      [new TableRef(9), 'ref'],
      ['skip', undefined],
    ]);
    const bytes = serializeObject(m);
    const back = deserializeObject(bytes, { strict: true });
    assert.ok(back instanceof Map);
    const keys = [...back.keys()];
    assert.deepEqual(keys.slice(0, 2), [1, 2]); // array part
    assert.deepEqual([...back.values()], ['int one', 'int two', 'bool', 'big', 'neg', 'float', 'string one', 'bytes', 'ref']);
    assert.equal(back.get('1'), 'string one');
    assert.equal(back.get(2n ** 60n), 'big');
    assert.equal(back.has('skip'), false);
  });

  it('TableRef: the class and any branded object', () => {
    assert.equal(enc(new TableRef(7)), '07 07 00 00 00');
    assert.equal(enc({ id: 0xffffffff, [Symbol.for('luaxt.TableRef')]: true }), '07 ff ff ff ff');
    const branded = Object.freeze({ id: 3, [Symbol.for('luaxt.TableRef')]: true });
    assert.equal(enc([branded]), hex(h(E.table([E.ref(3)]))));
  });

  it('returns a fresh Uint8Array each call', () => {
    const a = serializeObject('first');
    const b = serializeObject('second');
    assert.equal(a.constructor, Uint8Array);
    assert.equal(dec(hex(a)), 'first');
    assert.equal(dec(hex(b)), 'second');
    assert.notEqual(a.buffer, b.buffer);
  });

  it('objects of a common shape: same bytes, nil values left out, error paths', () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({ zz: i, a: i % 3 === 0 ? null : 'x', bb: [i] }));
    const back = deserializeObject(serializeObject(rows));
    assert.deepEqual(back, rows.map(({ zz, a, bb }) => (a === null ? { zz, bb } : { zz, a, bb })));
    encodeFails([...rows, { zz: 1, a: 'x', bb: [2n ** 64n] }], 'integer_overflow', '$[40].bb[0]');
    const getterThrows = { zz: 1, get a() { throw new LxtError('unsupported_type', -1, 'boom'); }, bb: [] };
    assert.throws(() => serializeObject([...rows, getterThrows]), LxtError);
  });

  it('objects of a common shape: keys of every length, numbers of every kind', () => {
    // The generated writer stores keys of up to 64 encoded bytes itself and
    // writes numbers in the room it made after the key; longer keys go
    // through writeKey (a 59-byte key is 64 encoded bytes). Rows are decoded
    // strictly and compared as values (deepStrictEqual tells -0 from 0), and
    // their re-encoding must give the same bytes.
    const numbers = [0, -0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 53 - 1, -(2 ** 53) + 1, 2 ** 53, 0.5, -1e300, NaN, Infinity, -Infinity];
    for (const length of [1, 3, 4, 7, 11, 12, 58, 59, 60, 61, 200]) {
      const keys = ['a', 'k'.repeat(length), 'z'.repeat(length + 1)];
      const rows = numbers.map((x, i) => ({ [keys[0]]: x, [keys[1]]: i % 2 ? 'v' : x, [keys[2]]: [x] }));
      const back = roundTrip([...rows, ...rows, ...rows]);
      assert.deepStrictEqual(back, [...rows, ...rows, ...rows]);
    }
  });

  it('objects of a common shape across the end of the output buffer', () => {
    // Rows of varying length after a growing pad: the buffer fills up at
    // many offsets within a row (a key, or the number after it, that is
    // written without room is lost or throws a RangeError).
    for (let pad = 0; pad < 64; pad++) {
      const rows = Array.from({ length: 3000 }, (_, i) => ({ n: i * 0.5, s: 'x'.repeat((i * 7 + pad) % 23), m: -i }));
      const doc = ['p'.repeat(pad * 1000), rows];
      assert.deepStrictEqual(deserializeObject(serializeObject(doc), { strict: true }), doc);
    }
  });

  it('hands a large document its own buffer, never written again', () => {
    const big = 'x'.repeat(3 << 20);
    const a = serializeObject([big, 1]);
    const copy = a.slice();
    const b = serializeObject([big, 2]);
    const c = serializeObject('small');
    assert.notEqual(a.buffer, b.buffer);
    assert.notEqual(b.buffer, c.buffer);
    assert.deepEqual(a, copy);
    assert.deepEqual(deserializeObject(b), [big, 2]);
    assert.ok(a.buffer.byteLength <= 2 * a.length);
  });

  it('survives a getter that encodes during encoding', () => {
    const obj = {
      get inner() {
        return serializeObject({ deep: [1, 2, 3] });
      },
      z: 'after',
    };
    const back = roundTrip(obj);
    assert.deepEqual(deserializeObject(back.inner), { deep: [1, 2, 3] });
    assert.equal(back.z, 'after');
  });

  it('encoder output is canonical: strict decoding accepts it', () => {
    const value = {
      id: 1,
      list: [1, 2.5, 'x', null, true],
      nested: { m: new Map([[3, 'c'], [1, 'a'], [-0, 'z']]), b: Uint8Array.of(0) },
      nan: NaN,
      neg: -0,
    };
    roundTrip(value);
  });
});

// --- randomized round trip ------------------------------------------------------------

/** xorshift32 with a fixed seed: deterministic across runs. */
function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

function randomString(r) {
  const pools = ['abc', 'xyz_09', 'éü', '€漢', '😀🎉', '\u0000\u007f\u0080\u07ff\u0800\uffff'];
  const pool = [...pools[Math.floor(r() * pools.length)]];
  const len = r() < 0.1 ? 40 + Math.floor(r() * 200) : Math.floor(r() * 12);
  let s = '';
  for (let i = 0; i < len; i++) s += pool[Math.floor(r() * pool.length)];
  return s;
}

function randomKey(r) {
  switch (Math.floor(r() * 8)) {
    case 0:
      return r() < 0.5;
    case 1:
      return Math.floor(r() * 10) - 3;
    case 2:
      return (r() - 0.5) * 1e6;
    case 3:
      return BigInt.asIntN(64, BigInt(Math.floor(r() * 2 ** 32)) << 31n);
    case 4:
      return Uint8Array.from({ length: Math.floor(r() * 4) }, () => Math.floor(r() * 256));
    case 5:
      return new TableRef(Math.floor(r() * 5));
    default:
      return randomString(r);
  }
}

function randomValue(r, depth) {
  const roll = Math.floor(r() * (depth > 3 ? 7 : 11));
  switch (roll) {
    case 0:
      return r() < 0.5;
    case 1:
      return Math.floor((r() - 0.5) * 2 ** 40);
    case 2: {
      const specials = [NaN, -0, Infinity, -Infinity, 5e-324, 0.1, 2 ** 53, -(2 ** 60)];
      return r() < 0.3 ? specials[Math.floor(r() * specials.length)] : (r() - 0.5) * 1e9;
    }
    case 3:
      return randomString(r);
    case 4:
      return Uint8Array.from({ length: Math.floor(r() * 6) }, () => Math.floor(r() * 256));
    case 5:
      return BigInt.asIntN(64, (BigInt(Math.floor(r() * 2 ** 32)) << 32n) | BigInt(Math.floor(r() * 2 ** 32)));
    case 6:
      return new TableRef(Math.floor(r() * 2 ** 32));
    case 7: {
      const a = [];
      const n = Math.floor(r() * 6);
      for (let i = 0; i < n; i++) a.push(r() < 0.15 ? null : randomValue(r, depth + 1));
      return a;
    }
    case 8: {
      const o = {};
      const n = Math.floor(r() * 6);
      for (let i = 0; i < n; i++) o[randomString(r)] = r() < 0.1 ? undefined : randomValue(r, depth + 1);
      return o;
    }
    default: {
      const m = new Map();
      const n = Math.floor(r() * 6);
      for (let i = 0; i < n; i++) {
        const k = randomKey(r);
        if (!(typeof k === 'number' && m.has(k))) m.set(k, randomValue(r, depth + 1));
      }
      return m;
    }
  }
}

describe('randomized round trip (fixed seed)', () => {
  it('encode → strict decode → encode is stable, and decode sees the same values', () => {
    const r = rng(0x5eed1);
    let tables = 0;
    for (let i = 0; i < 3000; i++) {
      const value = randomValue(r, 0);
      let bytes;
      try {
        bytes = serializeObject(value);
      } catch (err) {
        // Random Map keys may collide after normalisation (1 and 1n…).
        assert.equal(err.kind, 'duplicate_key', err.message);
        continue;
      }
      const back = deserializeObject(bytes, { strict: true });
      const again = serializeObject(back);
      assert.equal(hex(again), hex(bytes), `case ${i}`);
      assert.deepEqual(deserializeObject(again), back);
      if (typeof value === 'object' && value !== null) tables++;
    }
    assert.ok(tables > 1000);
  });

  it('mutated documents decode or fail with an LxtError, never anything else', () => {
    const r = rng(0xbadc0de);
    const kinds = new Set();
    for (let i = 0; i < 3000; i++) {
      let bytes;
      try {
        bytes = serializeObject(randomValue(r, 0));
      } catch {
        continue;
      }
      const mutated = bytes.slice();
      const edits = 1 + Math.floor(r() * 3);
      for (let e = 0; e < edits && mutated.length > 0; e++) {
        mutated[Math.floor(r() * mutated.length)] = Math.floor(r() * 256);
      }
      const cut = r() < 0.2 ? mutated.subarray(0, Math.floor(r() * mutated.length)) : mutated;
      for (const strict of [false, true]) {
        let v;
        try {
          v = deserializeObject(cut, { strict });
        } catch (err) {
          assert.ok(err instanceof LxtError, `case ${i}: ${err && err.stack}`);
          assert.ok(err.offset >= 0 && err.offset <= cut.length, `case ${i}: ${err.message}`);
          kinds.add(err.kind);
          continue;
        }
        // Whatever decoded must re-encode, canonically, and read back the same.
        const re = serializeObject(v);
        assert.deepEqual(deserializeObject(re, { strict: true }), v);
      }
    }
    for (const kind of ['truncated', 'unknown_tag', 'length_overflow', 'noncanonical']) {
      assert.ok(kinds.has(kind), `mutations reached ${kind}: ${[...kinds]}`);
    }
  });
});

// --- differential test against a spec-literal model decoder -------------------------
//
// `modelDecode` follows decisions.md word by word, with no fast paths: it
// reads every table completely, checks duplicates with a Set at the table's
// end, and builds the canonical form before mapping it to JS. The codec must
// agree with it on every document: same value, or same error class and offset.

class ModelError extends Error {
  constructor(kind, offset) {
    super(`${kind} at offset ${offset}`);
    this.kind = kind;
    this.offset = offset;
  }
}

/** First invalid or incomplete UTF-8 sequence, checked code point by code point. */
function modelValidUpTo(c) {
  let i = 0;
  while (i < c.length) {
    const b = c[i];
    let n;
    let cp;
    if (b < 0x80) {
      i++;
      continue;
    } else if ((b & 0xe0) === 0xc0) [n, cp] = [1, b & 0x1f];
    else if ((b & 0xf0) === 0xe0) [n, cp] = [2, b & 0x0f];
    else if ((b & 0xf8) === 0xf0) [n, cp] = [3, b & 0x07];
    else return i;
    for (let k = 1; k <= n; k++) {
      if (i + k >= c.length || (c[i + k] & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c[i + k] & 0x3f);
      if (k === 1) {
        if (n === 1 && cp < 0x80) return i; // overlong
        if (n === 2 && (cp < 0x20 || (cp >= 0x360 && cp <= 0x37f))) return i; // overlong, surrogate
        if (n === 3 && (cp < 0x10 || cp > 0x10f)) return i; // overlong, > U+10FFFF
      }
    }
    i += n + 1;
  }
  return i;
}

/** Normalised key encoding as lowercase hex (so string order is byte order). */
function modelKeyHex(k) {
  const b = new Uint8Array(9);
  const v = new DataView(b.buffer);
  if (typeof k === 'boolean') return k ? '0101' : '0100';
  if (typeof k === 'bigint' || Number.isSafeInteger(k)) {
    b[0] = 2;
    v.setBigInt64(1, BigInt(k), true);
    return hex(b).replace(/ /g, '');
  }
  if (typeof k === 'number') {
    b[0] = 3;
    v.setFloat64(1, k, true);
    return hex(b).replace(/ /g, '');
  }
  if (typeof k === 'string') return ('04 ' + u32(new TextEncoder().encode(k).length) + ' ' + hex(new TextEncoder().encode(k))).replace(/ /g, '');
  if (k instanceof Uint8Array) return ('05 ' + u32(k.length) + ' ' + hex(k)).replace(/ /g, '');
  return ('07 ' + u32(k.id)).replace(/ /g, '');
}

function modelDecode(bytes, { maxDepth = 128, maxSize = 268435456, strict = false } = {}) {
  const fail = (kind, at) => {
    throw new ModelError(kind, at);
  };
  let noncanonical = -1;
  const note = (at) => {
    if (noncanonical < 0) noncanonical = at;
  };
  if (bytes.length > maxSize) fail('length_overflow', 0);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  const left = (at) => bytes.length - at;
  const need = (at, n) => {
    if (left(at) < n) fail('truncated', at);
  };

  function value(depth, inTable) {
    const at = pos;
    need(at, 1);
    const tag = bytes[at];
    switch (tag) {
      case 0:
        pos = at + 1;
        if (inTable) note(at);
        return null;
      case 1: {
        need(at + 1, 1);
        if (bytes[at + 1] > 1) fail('invalid_bool', at + 1);
        pos = at + 2;
        return bytes[at + 1] === 1;
      }
      case 2: {
        need(at + 1, 8);
        pos = at + 9;
        const v = dv.getBigInt64(at + 1, true);
        return v >= -(2n ** 53n - 1n) && v <= 2n ** 53n - 1n ? Number(v) : v;
      }
      case 3: {
        need(at + 1, 8);
        pos = at + 9;
        const f = dv.getFloat64(at + 1, true);
        if (f !== f && dv.getBigUint64(at + 1, true) !== 0x7ff8000000000000n) note(at);
        return f;
      }
      case 4:
      case 5: {
        need(at + 1, 4);
        const len = dv.getUint32(at + 1, true);
        if (len > left(at + 5) || len > maxSize) fail('length_overflow', at + 1);
        const content = bytes.slice(at + 5, at + 5 + len);
        pos = at + 5 + len;
        if (tag === 5) return content;
        const bad = modelValidUpTo(content);
        if (bad < content.length) fail('invalid_utf8', at + 5 + bad);
        return new TextDecoder('utf-8', { ignoreBOM: true }).decode(content);
      }
      case 6:
        return table(depth + 1, at);
      case 7:
        need(at + 1, 4);
        pos = at + 5;
        return new TableRef(dv.getUint32(at + 1, true));
      default:
        return fail('unknown_tag', at);
    }
  }

  function table(depth, at) {
    if (depth > maxDepth) fail('depth_exceeded', at);
    need(at + 1, 4);
    const n = dv.getUint32(at + 1, true);
    pos = at + 5;
    if (n > left(pos) || n > maxSize) fail('length_overflow', at + 1);
    const entries = []; // { key, hex, value, at }
    for (let i = 1; i <= n; i++) entries.push({ key: i, hex: modelKeyHex(i), value: value(depth, true), at: -1 });
    const mAt = pos;
    need(mAt, 4);
    const m = dv.getUint32(mAt, true);
    pos = mAt + 4;
    if (2 * m > left(pos) || m > maxSize) fail('length_overflow', mAt);
    let previous = null;
    for (let j = 0; j < m; j++) {
      const kAt = pos;
      need(kAt, 1);
      if (bytes[kAt] === 0 || bytes[kAt] === 6) fail('invalid_key', kAt);
      let key = value(depth, false);
      if (typeof key === 'number' && Number.isNaN(key)) fail('invalid_key', kAt);
      if (bytes[kAt] === 3 && Number.isInteger(key) && key >= -(2 ** 63) && key < 2 ** 63) {
        note(kAt); // §4.5
        key = Number.isSafeInteger(key) ? key + 0 : BigInt(key);
      }
      const keyHex = modelKeyHex(key);
      if (previous !== null && keyHex <= previous) note(kAt); // §4.2
      if (key === n + 1) note(kAt); // §4.1
      previous = keyHex;
      entries.push({ key, hex: keyHex, value: value(depth, true), at: kAt });
    }
    const seen = new Set();
    let duplicate = -1;
    for (const e of entries) {
      if (seen.has(e.hex) && (duplicate < 0 || e.at < duplicate)) duplicate = e.at;
      seen.add(e.hex);
    }
    if (duplicate >= 0) fail('duplicate_key', duplicate);
    // Canonical form (§4), then the JS mapping (§8).
    const live = entries.filter((e) => e.value !== null);
    const byHex = new Map(live.map((e) => [e.hex, e]));
    const array = [];
    while (byHex.has(modelKeyHex(array.length + 1))) array.push(byHex.get(modelKeyHex(array.length + 1)));
    const rest = live.filter((e) => !(Number.isSafeInteger(e.key) && e.key >= 1 && e.key <= array.length));
    rest.sort((a, b) => (a.hex < b.hex ? -1 : a.hex > b.hex ? 1 : 0));
    if (rest.length === 0) return array.map((e) => e.value);
    if (array.length === 0 && rest.every((e) => typeof e.key === 'string')) {
      const obj = {};
      for (const e of rest) Object.defineProperty(obj, e.key, { value: e.value, writable: true, enumerable: true, configurable: true });
      return obj;
    }
    return new Map([...array, ...rest].map((e) => [e.key, e.value]));
  }

  const result = value(0, false);
  if (pos < bytes.length) fail('trailing_bytes', pos);
  if (strict && noncanonical >= 0) fail('noncanonical', noncanonical);
  return result;
}

/** A comparable form that keeps Map order, -0, NaN and types. */
function comparable(v) {
  if (v instanceof Map) return ['Map', [...v].map(([k, x]) => [comparable(k), comparable(x)])];
  if (v instanceof TableRef) return ['Ref', v.id];
  if (v instanceof Uint8Array) return ['Bytes', hex(v)];
  if (Array.isArray(v)) return ['Array', v.map(comparable)];
  if (v !== null && typeof v === 'object') return ['Object', Object.keys(v).map((k) => [k, comparable(v[k])])];
  if (typeof v === 'number') return ['Number', Object.is(v, -0) ? '-0' : String(v)];
  if (typeof v === 'bigint') return ['BigInt', String(v)];
  return [typeof v, v];
}

function outcome(decode) {
  try {
    return ['ok', comparable(decode())];
  } catch (err) {
    if (!(err instanceof LxtError || err instanceof ModelError)) throw err;
    return ['error', err.kind, err.offset];
  }
}

/** Random raw documents, canonical or not, valid or not, with small pools so keys collide. */
function randomDoc(r, depth) {
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const roll = r();
  if (depth > 3 || roll < 0.55) {
    return pick([
      () => E.nil,
      () => E.t,
      () => E.f,
      () => '01 02',
      () => E.int(pick([0, 1, 2, 3, -1, 2n ** 53n, 2n ** 63n - 1n])),
      () => E.float(pick([0.5, 2, -0, 1e300, Infinity])),
      () => pick(['03 00 00 00 00 00 00 f8 7f', '03 01 00 00 00 00 00 f8 7f']),
      () => E.str(pick(['a', 'b', 'ab', '__proto__', 'é', 'x'.repeat(40), 'é'.repeat(30)])),
      () => pick(['04 02 00 00 00 c3 28', '04 03 00 00 00 61 ed a0', `04 ${u32(40)} ${'61 '.repeat(39)} c3`]),
      () => E.bytes(...pick([[], [1], [1, 2]])),
      () => E.ref(pick([0, 1])),
      () => pick(['09', '04 ff 00 00 00', '06 05 00 00 00']),
    ])();
  }
  const n = Math.floor(r() * 4);
  const array = [];
  for (let i = 0; i < n; i++) array.push(randomDoc(r, depth + 1));
  const m = Math.floor(r() * 5);
  const hash = [];
  const keys = [
    () => E.int(pick([0, 1, 2, 3, 4, -1])),
    () => E.float(pick([1, 2, 2.5, -0])),
    () => E.str(pick(['a', 'b', 'c', 'ab', '__proto__'])),
    () => E.bytes(pick([1, 2])),
    () => E.ref(pick([0, 1])),
    () => pick([E.t, E.f]),
    () => pick([E.nil, E.table([]), '03 00 00 00 00 00 00 f8 7f', '08']),
  ];
  const stringy = r() < 0.5; // records-like tables, to exercise the shape paths
  for (let j = 0; j < m; j++) {
    const key = stringy && r() < 0.9 ? E.str(pick(['a', 'b', 'c', 'ab', 'bc'])) : pick(keys)();
    hash.push([key, randomDoc(r, depth + 1)]);
  }
  if (stringy && r() < 0.7) hash.sort((x, y) => (x[0].length - y[0].length) || (x[0] < y[0] ? -1 : 1));
  return E.table(array, hash);
}

describe('differential test against the model decoder', () => {
  it('agrees on random raw documents, their truncations and mutations', () => {
    const r = rng(0xd1ff);
    const counts = new Map();
    for (let i = 0; i < 6000; i++) {
      const doc = h(randomDoc(r, 0));
      const variants = [doc];
      if (r() < 0.3) variants.push(doc.subarray(0, Math.floor(r() * doc.length)));
      if (r() < 0.3) {
        const mutated = doc.slice();
        mutated[Math.floor(r() * mutated.length)] = Math.floor(r() * 256);
        variants.push(mutated);
      }
      for (const bytes of variants) {
        const options = [{}, { strict: true }, { maxDepth: 1 + Math.floor(r() * 3) }, { maxSize: Math.floor(r() * 64) }];
        for (const opts of options) {
          const got = outcome(() => deserializeObject(bytes, opts));
          const want = outcome(() => modelDecode(bytes, opts));
          assert.deepEqual(got, want, `${hex(bytes)} ${JSON.stringify(opts)}`);
          const label = got[0] === 'ok' ? 'ok' : got[1];
          counts.set(label, (counts.get(label) ?? 0) + 1);
        }
      }
    }
    for (const kind of ['ok', 'truncated', 'unknown_tag', 'invalid_bool', 'invalid_utf8', 'length_overflow', 'depth_exceeded', 'invalid_key', 'duplicate_key', 'trailing_bytes', 'noncanonical']) {
      assert.ok((counts.get(kind) ?? 0) > 10, `reached ${kind}: ${JSON.stringify([...counts])}`);
    }
  });

  it('agrees on the encoder output of random values', () => {
    const r = rng(0xace);
    for (let i = 0; i < 1500; i++) {
      let bytes;
      try {
        bytes = serializeObject(randomValue(r, 0));
      } catch {
        continue;
      }
      assert.deepEqual(outcome(() => deserializeObject(bytes, { strict: true })), outcome(() => modelDecode(bytes, { strict: true })));
    }
  });
});

describe('§6 limits: memory', () => {
  it('nested headers with large declared counts do not claim depth × input memory', () => {
    // 120 nested tables, each declaring as many values as bytes are left,
    // then 60 KB of nils: the declared counts are legal, the memory must
    // follow the values actually read (preallocating would take ~50 MB).
    const depth = 120;
    const pad = 60000;
    const bytes = new Uint8Array(depth * 5 + pad);
    for (let i = 0; i < depth; i++) {
      const left = bytes.length - (i + 1) * 5;
      bytes.set([6, left & 0xff, (left >>> 8) & 0xff, (left >>> 16) & 0xff, left >>> 24], i * 5);
    }
    const before = process.memoryUsage().heapUsed;
    decodeFails(bytes, 'truncated', bytes.length);
    assert.ok(process.memoryUsage().heapUsed - before < 16 * 1024 * 1024);
  });

  it('nils in an array part are not kept (§4.4: 4 MB of nils, no 32 MB array of holes)', () => {
    const n = 4 * 1024 * 1024;
    const bytes = new Uint8Array(9 + n);
    bytes.set([6, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24]);
    const before = process.memoryUsage().heapUsed;
    assert.deepEqual(deserializeObject(bytes), []);
    assert.ok(process.memoryUsage().heapUsed - before < 8 * 1024 * 1024);
  });

  it('values after a hole keep their keys and join the hash part in encoded-key order', () => {
    // { 1, nil, 3, 4 } and the hash part { 5 = "x", "a" = "y", 256 = "w" }:
    // 256 (02 00 01 …) sorts before 3 (02 03 …).
    const table = `06 ${u32(4)} ${E.int(1)} ${E.nil} ${E.int(3)} ${E.int(4)} ${u32(3)}
      ${E.int(5)} ${E.str('x')} ${E.str('a')} ${E.str('y')} ${E.int(256)} ${E.str('w')}`;
    const map = dec(table);
    assert.deepEqual([...map.keys()], [1, 256, 3, 4, 5, 'a']);
    assert.deepEqual([...map.values()], [1, 'w', 3, 4, 'x', 'y']);
    // Without a hole the hash part continues the array part.
    assert.deepEqual(dec(`06 ${u32(1)} ${E.t} ${u32(2)} ${E.int(3)} ${E.f} ${E.int(2)} ${E.t}`), [true, true, false]);
  });
});

// --- the decoder's fast paths ------------------------------------------------

describe('decoder fast paths: the same values and errors as the general path', () => {
  it('arrays that start with a float (their own unboxed-double arrays) take any later value', () => {
    // Many float arrays first, so that V8 has learnt to make them double arrays.
    for (let k = 0; k < 200; k++) assert.deepEqual(dec(E.table([E.float(0.5), E.float(k + 0.25)])), [0.5, k + 0.25]);
    assert.deepEqual(dec(E.table([E.float(1.5), E.str('a'), E.int(2), E.t, E.float(-0)])), [1.5, 'a', 2, true, -0]);
    assert.ok(Object.is(dec(E.table([E.float(-0)]))[0], -0));
    const nested = dec(E.table([E.float(1.5), E.table([E.float(2.5)]), E.bytes(1)]));
    assert.deepEqual(nested, [1.5, [2.5], Uint8Array.of(1)]);
    assert.deepEqual(dec(E.table([E.float(1.5)], [[E.str('x'), E.float(2.5)]])), new Map([[1, 1.5], ['x', 2.5]]));
  });

  it('a float array with a nil (lenient: the hash part) or a noncanonical NaN (strict: its tag)', () => {
    const holes = dec(E.table([E.float(1.5), E.nil, E.float(2.5)]));
    assert.deepEqual([...holes], [[1, 1.5], [3, 2.5]]);
    decodeFails(E.table([E.float(1.5), E.nil, E.float(2.5)]), 'noncanonical', 14, { strict: true });
    const otherNaN = E.floatBits(0x7ff0000000000001n);
    assert.ok(Number.isNaN(dec(E.table([E.float(1.5), otherNaN]))[1]));
    decodeFails(E.table([E.float(1.5), otherNaN]), 'noncanonical', 14, { strict: true });
    assert.ok(Number.isNaN(dec(E.table([E.float(1.5), E.float(NaN)]), { strict: true })[1]));
  });

  it('objects of a learned shape in a large document (builders of their own) and in small ones', () => {
    const row = (i) => ({ id: i, name: `n${i}`, xs: [i + 0.5, 1.5], geo: { lat: i + 0.25, city: 'c' }, ok: i % 2 === 0 });
    const rows = Array.from({ length: 12000 }, (_, i) => row(i));
    const bytes = serializeObject(rows);
    assert.ok(bytes.length >= 1 << 20);
    for (let k = 0; k < 3; k++) {
      assert.deepEqual(deserializeObject(bytes), rows);
      assert.deepEqual(deserializeObject(bytes, { strict: true }), rows);
      const small = rows.slice(0, 20);
      assert.deepEqual(deserializeObject(serializeObject(small)), small);
    }
    const big = deserializeObject(bytes);
    assert.deepEqual(Object.keys(big[5]), ['id', 'ok', 'xs', 'geo', 'name']); // canonical (wire) order
  });

  it('a float array cut short: truncated at the payload, a bad tag at its offset', () => {
    decodeFails(`06 ${u32(2)} ${E.float(1.5)} 03 00 00 00`, 'truncated', 15);
    decodeFails(`06 ${u32(2)} ${E.float(1.5)}`, 'truncated', 14);
    decodeFails(`06 ${u32(2)} ${E.float(1.5)} 09`, 'unknown_tag', 14);
  });
});

describe('encoder fast paths: the same bytes and errors as the general path', () => {
  const R = Symbol.for('luaxt.TableRef');

  it('long strings: ASCII, non-ASCII, pairs; a lone surrogate anywhere is invalid_utf8', () => {
    for (const s of ['a'.repeat(65), 'é'.repeat(65), 'a'.repeat(64) + 'é', '€'.repeat(100), '😀'.repeat(40), 'x'.repeat(300) + '😀', 'abcé', 'abc😀d', 'é', 'a'.repeat(63) + '€']) {
      assert.equal(enc(s), hex(h(E.str(s))));
      assert.equal(dec(enc(s)), s);
    }
    for (const s of ['\ud800' + 'a'.repeat(70), 'a'.repeat(70) + '\udfff', 'a'.repeat(40) + '\ud83d' + 'b'.repeat(40), '\udc00\ud800'.repeat(40), 'abc\ud800', 'abcé\udc00x']) {
      encodeFails(s, 'invalid_utf8', '$');
      encodeFails({ k: [1, s] }, 'invalid_utf8', '$.k[1]');
    }
  });

  it('arrays: runs of integers and floats, then other values, holes and nils', () => {
    const a = [1, 2, 2.5, -0, 2 ** 40, 'a', 3, 1.5, NaN, true, [4.5], { x: 1 }];
    assert.equal(enc(a), hex(h(E.table([E.int(1), E.int(2), E.float(2.5), E.float(-0), E.int(2 ** 40), E.str('a'), E.int(3), E.float(1.5), E.floatBits(0x7ff8000000000000n), E.t, E.table([E.float(4.5)]), E.table([], [[E.str('x'), E.int(1)]])]))));
    assert.equal(enc([1.5, 2.5, null, 3.5]), hex(h(`06 ${u32(2)} ${E.float(1.5)} ${E.float(2.5)} ${u32(1)} ${E.int(4)} ${E.float(3.5)}`)));
    assert.equal(enc([7, 8, undefined]), hex(h(E.table([E.int(7), E.int(8)]))));
    // Runs longer than a chunk of room (256 numbers), broken by other values.
    const long = Array.from({ length: 1000 }, (_, i) => (i === 600 ? 'cut' : i % 7 ? i + 0.5 : i));
    assert.equal(enc(long), hex(h(E.table(long.map((x) => (typeof x === 'string' ? E.str(x) : Number.isInteger(x) ? E.int(x) : E.float(x)))))));
    const sparse = [1.5];
    sparse.length = 1e9; // one number, then a billion holes: no room reserved for them
    assert.equal(enc(sparse), hex(h(E.table([E.float(1.5)]))));
    encodeFails([1.5, 2, 3n ** 50n], 'integer_overflow', '$[2]');
    encodeFails([1, 2.5, () => 1], 'unsupported_type', '$[2]');
  });

  it('branded objects and arrays are references wherever they sit', () => {
    const refObj = { id: 5, [R]: true };
    const refArr = Object.assign([1, 2], { id: 6, [R]: true });
    const refMap = Object.assign(new Map([[1, 2]]), { id: 7, [R]: true });
    const want = hex(h(E.table([E.ref(5), E.ref(6), E.ref(7)])));
    for (let k = 0; k < 20; k++) {
      assert.equal(enc([refObj, refArr, refMap]), want);
      assert.equal(enc({ a: refObj, b: refArr, c: refMap }), hex(h(E.table([], [[E.str('a'), E.ref(5)], [E.str('b'), E.ref(6)], [E.str('c'), E.ref(7)]]))));
    }
    // Objects of one shape whose value at a key is sometimes a table, sometimes a reference.
    const rows = Array.from({ length: 30 }, (_, i) => ({ v: i % 2 ? { id: i, [R]: true } : { id: i } }));
    const back = deserializeObject(serializeObject(rows));
    for (let i = 0; i < 30; i++) assert.deepEqual(i % 2 ? back[i].v.id : back[i].v, i % 2 ? i : { id: i });
    encodeFails([{ id: -1, [R]: true }], 'unsupported_type', '$[0]');
    encodeFails({ a: { id: 1.5, [R]: true } }, 'unsupported_type', '$.a');
  });

  it('a large result owns a buffer that holds nothing but the document and zeros', () => {
    // 9 MB of 0xff bytes (handed over: the next buffer is about 10 MB), then
    // documents of more than half that size, which take their buffer too.
    for (let k = 0; k < 3; k++) {
      const junk = serializeObject(new Uint8Array((9 << 20) + k).fill(0xff));
      assert.equal(junk.length, (9 << 20) + k + 5);
      const doc = serializeObject(['x'.repeat(1000 * k + 1), new Uint8Array(6 << 20).fill(0xee)]);
      assert.equal(doc.byteOffset, 0);
      assert.ok(doc.buffer.byteLength > doc.length, 'the buffer itself, handed over');
      const tail = new Uint8Array(doc.buffer, doc.length);
      assert.ok(tail.every((b) => b === 0), `tail of ${tail.length} bytes is not zero`);
      assert.equal(deserializeObject(doc)[0].length, 1000 * k + 1);
    }
  });

  it('objects of alternating shapes, and shapes that differ only in the last key or key order', () => {
    const rows = [];
    for (let i = 0; i < 30; i++) rows.push({ id: i, geo: { lat: 1.5, lon: i } }, { id: i, geo: { lat: 1.5, lom: i } }, { geo: i, id: 'x' });
    const back = deserializeObject(serializeObject(rows));
    assert.deepEqual(back, rows);
    const bytes = serializeObject(rows);
    assert.equal(hex(serializeObject(rows)), hex(bytes));
    assert.equal(enc({ b: 1, a: 2 }), enc({ a: 2, b: 1 }));
  });
});
