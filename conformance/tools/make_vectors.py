#!/usr/bin/env python3
"""Writes the normative vectors conformance/vectors/0N-*.json.

Expected values, errors and offsets are written here from the rules of
spec/decisions.md; bytes come from the small independent model in lxt.py
(not from luaxt-format). Every expectation is double-checked against the
reference decoder of lxt.py before the files are written, so a typo in an
offset stops the script instead of becoming a wrong vector.

    python3 conformance/tools/make_vectors.py        # rewrite the files
    python3 conformance/tools/make_vectors.py --check # fail if they differ
    ... --schema                                      # also validate every file (needs jsonschema)
"""

import json
import os
import re
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lxt import (  # noqa: E402
    B, CANONICAL_NAN, DEFAULT_DEPTH, DEFAULT_SIZE, Err, F, FB, I, I64_MAX, I64_MIN, R, S, T,
    decode, e_bytes, e_float_bits, e_int, e_ref, e_str, e_table, enc, fbits, tbl, u32,
)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "vectors")
FILES = {}  # name -> (title, [vectors])
current = None
IDS = set()


def begin(name, title):
    global current
    current = []
    FILES[name] = (title, current)


def _limits(limits):
    lim = {"max_depth": DEFAULT_DEPTH, "max_size": DEFAULT_SIZE}
    if limits:
        lim.update(limits)
    return lim


def _add(v):
    assert v["id"] not in IDS, v["id"]
    IDS.add(v["id"])
    current.append(v)


def _head(id, sec, desc, cls, raw=None):
    v = {"id": id, "section": sec, "description": desc, "class": cls}
    if raw is not None:
        v["hex"] = raw.hex()
    return v


def _tail(v, limits, js):
    if limits:
        v["limits"] = limits
    if js:
        v["js"] = js


def valid(id, sec, desc, value, raw=None, js=None, limits=None):
    """A canonical encoding: decoding gives `value`, encoding it gives `raw`."""
    if raw is None:
        raw = enc(value)
    else:
        assert enc(value) == raw, (id, enc(value).hex(), raw.hex())
    lim = _limits(limits)
    got, nc = decode(raw, False, lim["max_depth"], lim["max_size"])
    assert got == value and nc is None, (id, got, nc)
    v = _head(id, sec, desc, "valid", raw)
    v["value"] = value
    _tail(v, limits, js)
    _add(v)


def nonc(id, sec, desc, raw, value, offset, js=None, limits=None):
    """Valid but not canonical: lenient gives `value`, strict `noncanonical` at `offset`."""
    lim = _limits(limits)
    got, nc = decode(raw, False, lim["max_depth"], lim["max_size"])
    assert got == value, (id, got, value)
    assert nc == offset, (id, nc, offset)
    assert enc(value) != raw, id
    v = _head(id, sec, desc, "noncanonical", raw)
    v["value"] = value
    v["canonical_hex"] = enc(value).hex()
    v["offset"] = offset
    _tail(v, limits, js)
    _add(v)


def invalid(id, sec, desc, raw, error, offset, limits=None, js=None):
    """Rejected in both modes with `error` at `offset`."""
    lim = _limits(limits)
    for strict in (False, True):
        try:
            got = decode(raw, strict, lim["max_depth"], lim["max_size"])
        except Err as e:
            assert (e.cls, e.offset) == (error, offset), (id, strict, e.cls, e.offset, error, offset)
        else:
            raise AssertionError((id, "decoded", got))
    v = _head(id, sec, desc, "invalid", raw)
    v["error"] = error
    v["offset"] = offset
    _tail(v, limits, js)
    _add(v)


def encerr(id, sec, desc, error, value=None, source=None, limits=None):
    """An encoder must refuse this value with `error` (no bytes exist)."""
    assert value is not None or source is not None
    v = _head(id, sec, desc, "encode_error")
    v["error"] = error
    if value is not None:
        v["value"] = value
    js = {"source": source} if source is not None else None
    _tail(v, limits, js)
    _add(v)


def h(s):
    return bytes.fromhex(s.replace(" ", ""))


def nested(depth, leaf=None):
    """`depth` tables nested through array element 1 (depth 0 = leaf)."""
    v = leaf
    for _ in range(depth):
        v = T([v]) if v is not None else T()
    return v


# ====================================================================== 1
begin("01-overview", "Document")
valid("overview.document.nil", "1", "a document is one value: nil", None, h("00"))
valid("overview.document.true", "1", "a document is one value: true", True, h("01 01"))
valid("overview.little-endian.integer", "1", "integers are little-endian: 0x0102030405060708",
      I(0x0102030405060708), h("02 08 07 06 05 04 03 02 01"))
valid("overview.little-endian.length", "1", "lengths are little-endian u32: a 258-byte string",
      S("x" * 258), h("04 02 01 00 00") + b"x" * 258)
valid("overview.little-endian.ref", "1", "reference ids are little-endian u32",
      R(0x04030201), h("07 01 02 03 04"))
invalid("overview.empty-input", "1", "an empty input has no value: truncated at the missing tag (0)",
        b"", "truncated", 0)
invalid("overview.trailing.nil-nil", "1", "two values are not one document", h("00 00"), "trailing_bytes", 1)
invalid("overview.trailing.bool-then-nil", "1", "bytes after true", h("01 01 00"), "trailing_bytes", 2)
invalid("overview.trailing.int-then-byte", "1", "one byte after an integer",
        e_int(1) + h("ff"), "trailing_bytes", 9)
invalid("overview.trailing.table-then-table", "1", "a second empty table after the first",
        enc(T()) * 2, "trailing_bytes", 9)
invalid("overview.trailing.reserved-byte", "1",
        "a trailing reserved tag byte is trailing_bytes, not unknown_tag (the value ended)",
        enc(S("hi")) + h("09"), "trailing_bytes", 7)
invalid("overview.trailing.after-noncanonical", "1",
        "trailing bytes after a noncanonical NaN: the hard error wins in strict mode too",
        e_float_bits(0x7FF0000000000001) + h("00"), "trailing_bytes", 9)
invalid("overview.trailing.zero-padding", "1", "zero padding after a value is trailing bytes",
        e_ref(1) + bytes(4), "trailing_bytes", 5)
invalid("overview.trailing.after-nested", "1", "a byte after a nested table",
        enc(T([T([I(1)])])) + h("00"), "trailing_bytes", len(enc(T([T([I(1)])]))))

valid("overview.model.int-vs-float", "1.3", "the integer 1 and the float 1.0 are different values",
      T([I(1), F(1.0)]), h("06 02 00 00 00 02 01 00 00 00 00 00 00 00 03 00 00 00 00 00 00 F0 3F 00 00 00 00"))
valid("overview.model.zero-vs-minus-zero", "1.3", "0.0 and -0.0 are different values", T([F(0.0), FB(1 << 63)]))
valid("overview.model.string-vs-bytes", "1.3", "the string \"a\" and the bytes 61 are different values",
      T([S("a"), B("61")]))
nonc("overview.conformance.lenient-accepts", "1.4",
     "a lenient decoder accepts a noncanonical document and encoding the result gives the canonical form",
     e_table([], [(e_str("b"), h("01 01")), (e_str("a"), h("01 00"))]), tbl([(S("a"), False), (S("b"), True)]), 17)
invalid("overview.conformance.invalid-both-modes", "1.4", "an invalid document is rejected in both modes",
        h("01 02"), "invalid_bool", 1)

# ====================================================================== 2
begin("02-values", "Values")
# 2.1 nil
valid("values.nil", "2.1", "nil is the tag alone", None, h("00"))
invalid("values.nil.with-payload", "2.1", "nil has no payload: a following 00 is trailing", h("00 00"),
        "trailing_bytes", 1)
# 2.2 boolean
valid("values.bool.false", "2.2", "false", False, h("01 00"))
valid("values.bool.true", "2.2", "true", True, h("01 01"))
for b in (0x02, 0x10, 0x80, 0xFF):
    invalid("values.bool.invalid-%02x" % b, "2.2", "boolean payload 0x%02X is neither 0 nor 1" % b,
            bytes([1, b]), "invalid_bool", 1)
invalid("values.bool.truncated", "2.2", "boolean without its payload byte", h("01"), "truncated", 1)
invalid("values.bool.invalid-in-table", "2.2", "an invalid boolean as the second array element",
        e_table([h("01 01"), h("01 02")], []), "invalid_bool", 8)
# 2.3 integer
ints = [
    ("zero", 0, "0"), ("one", 1, "1"), ("minus-one", -1, "-1 (all bits set)"),
    ("i64-max", I64_MAX, "i64 max 2^63-1"), ("i64-min", I64_MIN, "i64 min -2^63"),
    ("i64-min-plus-one", I64_MIN + 1, "-2^63+1"), ("i64-max-minus-one", I64_MAX - 1, "2^63-2"),
    ("safe-max", 2**53 - 1, "2^53-1, the largest safe JS integer"),
    ("safe-min", -(2**53 - 1), "-(2^53-1), the smallest safe JS integer"),
    ("2p53", 2**53, "2^53, first integer beyond the safe range"),
    ("minus-2p53", -(2**53), "-2^53"), ("2p53-plus-one", 2**53 + 1, "2^53+1 (not representable as f64)"),
    ("minus-2p53-minus-one", -(2**53) - 1, "-2^53-1"),
    ("255", 255, "255"), ("256", 256, "256: carries into the second byte"), ("minus-256", -256, "-256"),
    ("2p31", 2**31, "2^31"), ("2p32", 2**32, "2^32"), ("minus-2p31", -(2**31), "-2^31"),
    ("2p63-minus-1024", 2**63 - 1024, "2^63-1024, the largest i64 that is exactly a double"),
]
for name, n, desc in ints:
    valid("values.int." + name, "2.3", "integer " + desc, I(n))
valid("values.int.spec-example-1", "2.3", "the spec example: 1", I(1), h("02 01 00 00 00 00 00 00 00"))
for k in range(0, 8):
    invalid("values.int.truncated-%d" % k, "2.3", "integer with %d of 8 payload bytes" % k,
            e_int(-1)[: 1 + k], "truncated", 1)
# 2.4 float
floats = [
    ("zero", 0x0000000000000000, "+0.0"),
    ("minus-zero", 0x8000000000000000, "-0.0, a value distinct from +0.0"),
    ("one", fbits(1.0), "1.0, an integral float (not the integer 1)"),
    ("five", fbits(5.0), "5.0"),
    ("one-point-five", fbits(1.5), "1.5"), ("minus-one-point-five", fbits(-1.5), "-1.5"),
    ("tenth", fbits(0.1), "0.1"), ("pi", fbits(3.141592653589793), "pi"),
    ("inf", 0x7FF0000000000000, "+Infinity"), ("minus-inf", 0xFFF0000000000000, "-Infinity"),
    ("nan", CANONICAL_NAN, "the canonical NaN 0x7FF8000000000000"),
    ("max", 0x7FEFFFFFFFFFFFFF, "largest finite double"), ("lowest", 0xFFEFFFFFFFFFFFFF, "most negative finite"),
    ("min-normal", 0x0010000000000000, "smallest positive normal 2^-1022"),
    ("min-subnormal", 0x0000000000000001, "smallest positive subnormal 2^-1074"),
    ("max-subnormal", 0x000FFFFFFFFFFFFF, "largest subnormal"),
    ("minus-min-subnormal", 0x8000000000000001, "smallest negative subnormal"),
    ("2p53", fbits(2.0**53), "2^53"), ("2p53-plus-two", fbits(2.0**53 + 2), "2^53+2"),
    ("minus-2p53", fbits(-(2.0**53)), "-2^53"),
    ("safe-max", fbits(2.0**53 - 1), "2^53-1"),
    ("2p63", fbits(2.0**63), "2^63 (beyond i64)"), ("minus-2p63", fbits(-(2.0**63)), "-2^63"),
    ("2p64", fbits(2.0**64), "2^64"), ("1e300", fbits(1e300), "1e300"),
    ("epsilon", fbits(2.0**-52), "2^-52"),
]
for name, bits, desc in floats:
    valid("values.float." + name, "2.4", "float " + desc, FB(bits))
valid("values.float.spec-example-1.5", "2.4", "the spec example: 1.5", F(1.5), h("03 00 00 00 00 00 00 F8 3F"))
for k in range(0, 8):
    invalid("values.float.truncated-%d" % k, "2.4", "float with %d of 8 payload bytes" % k,
            e_float_bits(fbits(1.5))[: 1 + k], "truncated", 1)
# 2.5 string
strings = [
    ("empty", "", "the empty string"), ("hi", "hi", "ASCII"), ("nul", "a\x00b", "U+0000 inside a string"),
    ("u007f", "\x7f", "U+007F, last one-byte form"), ("u0080", "\x80", "U+0080, first two-byte form"),
    ("u07ff", "\u07ff", "U+07FF, last two-byte form"), ("u0800", "\u0800", "U+0800, first three-byte form"),
    ("ud7ff", "\ud7ff", "U+D7FF, just below the surrogates"), ("ue000", "\ue000", "U+E000, just above the surrogates"),
    ("ufffd", "\ufffd", "U+FFFD replacement character"), ("uffff", "\uffff", "U+FFFF, last three-byte form"),
    ("u10000", "\U00010000", "U+10000, first four-byte form"), ("u10ffff", "\U0010ffff", "U+10FFFF, the last code point"),
    ("bom", "\ufeffx", "a leading BOM is content, not stripped"), ("e-acute", "\u00e9t\u00e9", "two-byte sequences"),
    ("euro", "\u20ac", "a three-byte sequence"), ("emoji", "\U0001f600", "a four-byte sequence"),
    ("mixed", "a\u00e9\u20ac\U0001f600", "one sequence of each length"),
    ("len-256", "y" * 256, "256 bytes: length 00 01 00 00"),
]
for name, s, desc in strings:
    valid("values.str." + name, "2.5", "string: " + desc, S(s))
valid("values.str.spec-example-hi", "2.5", 'the spec example: "hi"', S("hi"), h("04 02 00 00 00 68 69"))
bad_utf8 = [
    ("overlong-nul", "c080", 0, "overlong two-byte NUL C0 80"),
    ("overlong-c1", "c1bf", 0, "overlong two-byte C1 BF"),
    ("overlong-3", "e08080", 0, "overlong three-byte E0 80 80"),
    ("overlong-3-max", "e09fbf", 0, "overlong three-byte E0 9F BF (U+07FF)"),
    ("overlong-4", "f0808080", 0, "overlong four-byte F0 80 80 80"),
    ("overlong-4-max", "f08fbfbf", 0, "overlong four-byte F0 8F BF BF (U+FFFF)"),
    ("overlong-slash", "2fc0af", 1, "overlong '/' C0 AF after a valid byte"),
    ("surrogate-d800", "eda080", 0, "surrogate U+D800 ED A0 80"),
    ("surrogate-dbff", "edafbf", 0, "surrogate U+DBFF"),
    ("surrogate-dc00", "edb080", 0, "low surrogate U+DC00"),
    ("surrogate-dfff", "edbfbf", 0, "surrogate U+DFFF ED BF BF"),
    ("surrogate-pair-cesu", "eda0bdedb880", 0, "a CESU-8 surrogate pair for U+1F600"),
    ("u110000", "f4908080", 0, "U+110000, one past the last code point"),
    ("f5", "f5808080", 0, "lead byte F5 (would be above U+10FFFF)"),
    ("f8", "f888808080", 0, "five-byte form F8"),
    ("fc", "fc8480808080", 0, "six-byte form FC"),
    ("fe", "fe", 0, "byte FE never appears in UTF-8"),
    ("ff", "ff", 0, "byte FF never appears in UTF-8"),
    ("lone-continuation", "80", 0, "a continuation byte without a lead"),
    ("lone-continuation-after-ascii", "6162bf", 2, "continuation byte BF after 'ab'"),
    ("truncated-2", "c3", 0, "two-byte sequence cut after its lead"),
    ("truncated-3-of-1", "e2", 0, "three-byte sequence cut after one byte"),
    ("truncated-3-of-2", "e282", 0, "three-byte sequence cut after two bytes"),
    ("truncated-4-of-3", "f09f98", 0, "four-byte sequence cut after three bytes"),
    ("truncated-after-valid", "61c3a9e282", 3, "'a', 'é', then a cut three-byte sequence"),
    ("truncated-then-ascii", "e28241", 0, "three-byte sequence interrupted by 'A'"),
    ("middle", "6162ff6364", 2, "FF between 'ab' and 'cd'"),
    ("after-four-byte", "f09f9880ff", 4, "FF after a valid four-byte sequence"),
]
for name, content, at, desc in bad_utf8:
    raw = bytes.fromhex(content)
    invalid("values.str.utf8." + name, "2.5", "invalid UTF-8: " + desc, e_str(raw), "invalid_utf8", 5 + at)
# strings with invalid UTF-8 that are not at the end of the document (offset = content start + valid_up_to)
inner = e_str(bytes.fromhex("61ff"))
invalid("values.str.utf8.in-array-not-last", "2.5",
        "invalid UTF-8 in the first of two array elements: offset is absolute, not from the end",
        e_table([inner, e_int(7)], []), "invalid_utf8", 5 + 5 + 1)
invalid("values.str.utf8.as-key", "2.5", "invalid UTF-8 in a hash key, followed by its value",
        e_table([], [(e_str(bytes.fromhex("eda080")), h("01 01"))]), "invalid_utf8", 9 + 5)
invalid("values.str.utf8.as-hash-value", "2.5", "invalid UTF-8 in a hash value, followed by another entry",
        e_table([], [(e_str("a"), e_str(bytes.fromhex("c080"))), (e_str("b"), h("01 01"))]),
        "invalid_utf8", 9 + 6 + 5)
invalid("values.str.utf8.nested", "2.5", "invalid UTF-8 two tables deep, followed by more elements",
        e_table([e_table([e_str(bytes.fromhex("6180")), e_int(1)], []), e_int(2)], []),
        "invalid_utf8", 5 + 5 + 5 + 1)
invalid("values.str.truncated-tag-only", "2.5", "string tag without its length", h("04"), "truncated", 1)
invalid("values.str.truncated-length", "2.5", "string length cut after 2 bytes", h("04 01 00"), "truncated", 1)
invalid("values.str.length-over-left", "2.5", "declared length 5 with 2 bytes left",
        h("04 05 00 00 00 61 62"), "length_overflow", 1)
invalid("values.str.length-one-no-content", "2.5", "declared length 1 with nothing left",
        h("04 01 00 00 00"), "length_overflow", 1)
invalid("values.str.length-4gib", "2.5", "a 4 GiB string declared in five bytes: refused before allocating",
        h("04 00 00 00 F0"), "length_overflow", 1)
invalid("values.str.length-max-u32", "2.5", "length 0xFFFFFFFF", h("04 FF FF FF FF 61"), "length_overflow", 1)
invalid("values.str.length-over-by-one", "2.5", "length one more than the bytes left",
        h("04 04 00 00 00 61 62 63"), "length_overflow", 1)
# 2.6 bytes
byte_values = [
    ("empty", "", "empty bytes"), ("ff", "ff", "one byte FF"), ("nul", "00", "one zero byte"),
    ("ascii", "6869", "bytes that are valid UTF-8 stay bytes"),
    ("overlong", "c080", "bytes that are invalid UTF-8 are fine"),
    ("surrogate", "eda080", "bytes holding an encoded surrogate are fine"),
    ("all", bytes(range(256)).hex(), "all 256 byte values"),
]
for name, content, desc in byte_values:
    valid("values.bytes." + name, "2.6", desc, B(content))
valid("values.bytes.spec-example", "2.6", "the spec example: bytes FF", B("ff"), h("05 01 00 00 00 FF"))
invalid("values.bytes.truncated-length", "2.6", "bytes length cut after 3 bytes", h("05 01 00 00"), "truncated", 1)
invalid("values.bytes.length-over-left", "2.6", "declared length 3 with 2 bytes left", h("05 03 00 00 00 01 02"),
        "length_overflow", 1)
invalid("values.bytes.length-4gib", "2.6", "a 4 GiB byte string declared in five bytes", h("05 00 00 00 F0"),
        "length_overflow", 1)
# 2.7 table
valid("values.table.empty", "2.7", "the empty table (spec example)", T(), h("06 00 00 00 00 00 00 00 00"))
valid("values.table.10-20", "2.7", "the spec example {10, 20}", T([I(10), I(20)]),
      h("06 02 00 00 00 02 0A 00 00 00 00 00 00 00 02 14 00 00 00 00 00 00 00 00 00 00 00"))
valid("values.table.nested-empty", "2.7", "a table holding an empty table", T([T()]))
valid("values.table.mixed-array", "2.7", "an array of one value of every tag but nil",
      T([True, I(-5), F(2.5), S("s"), B("00"), T(), R(3)]))
valid("values.table.string-keys", "2.7", "a hash part with string keys", tbl([(S("name"), S("Lua")), (S("v"), F(5.4))]))
valid("values.table.both-parts", "2.7", "array part and hash part",
      tbl([(I(1), S("a")), (I(2), S("b")), (S("n"), I(2)), (I(10), True)]))
valid("values.table.nested-hash", "2.7", "tables as hash values", tbl([(S("a"), T([I(1)])), (S("b"), tbl([(S("c"), T())]))]))
valid("values.table.array-of-tables", "2.7", "an array of small tables", T([T([I(i)]) for i in range(5)]))
invalid("values.table.truncated-tag-only", "2.7", "table tag without its array count", h("06"), "truncated", 1)
invalid("values.table.truncated-count", "2.7", "array count cut after 2 bytes", h("06 00 00"), "truncated", 1)
invalid("values.table.truncated-hash-count", "2.7", "array count present, hash count missing", h("06 00 00 00 00"),
        "truncated", 5)
invalid("values.table.truncated-hash-count-partial", "2.7", "hash count cut after 2 bytes",
        h("06 00 00 00 00 00 00"), "truncated", 5)
invalid("values.table.truncated-after-array", "2.7", "one array element, then the input ends",
        h("06 01 00 00 00") + e_int(1), "truncated", 14)
invalid("values.table.truncated-element-payload", "2.7", "an array element's payload is cut",
        h("06 01 00 00 00 02 01"), "truncated", 6)
invalid("values.table.truncated-missing-value", "2.7", "a hash key without its value: truncated at the missing tag",
        h("06 00 00 00 00 01 00 00 00") + e_str(""), "truncated", 14)
invalid("values.table.count-over-left", "2.7", "array count 1 with no bytes left", h("06 01 00 00 00"),
        "length_overflow", 1)
invalid("values.table.count-2-left-1", "2.7", "array count 2 with 1 byte left", h("06 02 00 00 00 00"),
        "length_overflow", 1)
invalid("values.table.count-max-u32", "2.7", "array count 0xFFFFFFFF", h("06 FF FF FF FF 00 00 00 00"),
        "length_overflow", 1)
invalid("values.table.hash-count-over-left", "2.7", "hash count 1 needs 2 bytes, 1 left",
        h("06 00 00 00 00 01 00 00 00 00"), "length_overflow", 5)
invalid("values.table.hash-count-max-u32", "2.7", "hash count 0xFFFFFFFF", h("06 00 00 00 00 FF FF FF FF 00 00"),
        "length_overflow", 5)
invalid("values.table.unknown-tag-element", "2.7", "a reserved tag as an array element",
        h("06 02 00 00 00 00 08 00 00 00 00"), "unknown_tag", 6)
# 2.8 reference
for name, i in (("zero", 0), ("seven", 7), ("255", 255), ("2p31", 2**31), ("max", 2**32 - 1)):
    valid("values.ref." + name, "2.8", "reference to external table %d" % i, R(i))
valid("values.ref.spec-example", "2.8", "the spec example: ref 7", R(7), h("07 07 00 00 00"))
for k in range(0, 4):
    invalid("values.ref.truncated-%d" % k, "2.8", "reference with %d of 4 id bytes" % k, e_ref(7)[: 1 + k],
            "truncated", 1)
# 2.9 reserved tags
for t in (0x08, 0x09, 0x0A, 0x0F, 0x10, 0x20, 0x41, 0x7F, 0x80, 0xC0, 0xFE, 0xFF):
    invalid("values.reserved.tag-%02x" % t, "2.9", "reserved tag 0x%02X" % t, bytes([t]), "unknown_tag", 0)
invalid("values.reserved.tag-08-with-payload", "2.9", "a reserved tag followed by bytes", h("08 00 00 00 00"),
        "unknown_tag", 0)
invalid("values.reserved.as-key", "2.9", "a reserved tag where a key is expected",
        h("06 00 00 00 00 01 00 00 00 09 00"), "unknown_tag", 9)
invalid("values.reserved.as-hash-value", "2.9", "a reserved tag as a hash value",
        h("06 00 00 00 00 01 00 00 00") + e_str("k") + h("FF"), "unknown_tag", 15)

# ====================================================================== 3
begin("03-keys", "Keys")
keys = [
    ("false", False, "boolean key false"), ("true", True, "boolean key true"),
    ("int-zero", I(0), "integer key 0 (outside the array part)"), ("int-minus-one", I(-1), "integer key -1"),
    ("int-i64-min", I(I64_MIN), "integer key i64 min"), ("int-i64-max", I(I64_MAX), "integer key i64 max"),
    ("int-2p53", I(2**53), "integer key 2^53"), ("int-two", I(2), "integer key 2 with no key 1"),
    ("float-half", F(0.5), "float key 0.5"), ("float-minus-half", F(-0.5), "float key -0.5"),
    ("float-inf", FB(0x7FF0000000000000), "float key +Infinity"),
    ("float-minus-inf", FB(0xFFF0000000000000), "float key -Infinity"),
    ("float-2p63", F(2.0**63), "float key 2^63: integral but outside i64, stays a float"),
    ("float-2p64", F(2.0**64), "float key 2^64 stays a float"),
    ("float-minus-2p64", F(-(2.0**64)), "float key -2^64 stays a float"),
    ("float-subnormal", FB(1), "float key: smallest subnormal"),
    ("float-1.5", F(1.5), "float key 1.5"),
    ("str", S("name"), "string key"), ("str-empty", S(""), "empty string key"),
    ("bytes", B("6e616d65"), "bytes key"), ("bytes-empty", B(""), "empty bytes key"),
    ("ref-zero", R(0), "reference key 0"), ("ref", R(7), "reference key 7"),
]
for name, k, desc in keys:
    valid("keys.type." + name, "3.1", desc, tbl([(k, True)]))
valid("keys.type.one-of-each", "3.1", "one key of every key type, in canonical (tag) order",
      tbl([(True, I(1)), (I(0), I(2)), (F(0.5), I(3)), (S("s"), I(4)), (B("73"), I(5)), (R(1), I(6))]))
head = h("06 00 00 00 00 01 00 00 00")
invalid("keys.invalid.nil", "3.1", "nil is not a key", head + h("00 01 01"), "invalid_key", 9)
invalid("keys.invalid.nan", "3.1", "the canonical NaN is not a key", head + e_float_bits(CANONICAL_NAN) + h("01 01"),
        "invalid_key", 9)
invalid("keys.invalid.nan-payload", "3.1", "a NaN with payload is not a key (hard error, not noncanonical)",
        head + e_float_bits(0x7FF0000000000001) + h("01 01"), "invalid_key", 9)
invalid("keys.invalid.nan-negative", "3.1", "a negative NaN is not a key",
        head + e_float_bits(0xFFF8000000000000) + h("01 01"), "invalid_key", 9)
invalid("keys.invalid.table", "3.1", "a table by value is not a key", head + enc(T()) + h("01 01"), "invalid_key", 9)
invalid("keys.invalid.table-nonempty", "3.1", "a non-empty table is not a key", head + enc(T([I(1)])) + h("01 01"),
        "invalid_key", 9)
invalid("keys.invalid.second-key", "3.1", "the second key is nil",
        h("06 00 00 00 00 02 00 00 00") + e_str("a") + h("01 01 00 01 01"), "invalid_key", 17)
invalid("keys.invalid.nested", "3.1", "an invalid key inside a nested table",
        h("06 01 00 00 00") + head + h("00 01 01") + h("00 00 00 00"), "invalid_key", 14)
invalid("keys.invalid.nil-truncated", "3.1", "a nil key is refused before the missing value",
        h("06 00 00 00 00 01 00 00 00 00 00"), "invalid_key", 9)
invalid("keys.invalid.nan-truncated", "3.1", "a float key cut short is truncated at its payload",
        head + h("03 00 00 00"), "truncated", 10)
# 3.2 normalisation
pair = lambda kbytes, v=h("01 01"): e_table([], [(kbytes, v)])
nonc("keys.norm.float-2.0", "3.2", "float key 2.0 is the integer key 2", pair(e_float_bits(fbits(2.0))),
     tbl([(I(2), True)]), 9)
nonc("keys.norm.float-1.0", "3.2", "float key 1.0 is key 1, which belongs in the array part",
     pair(e_float_bits(fbits(1.0))), T([True]), 9)
nonc("keys.norm.minus-zero", "3.2", "float key -0.0 is the integer key 0", pair(e_float_bits(0x8000000000000000)),
     tbl([(I(0), True)]), 9)
nonc("keys.norm.plus-zero", "3.2", "float key 0.0 is the integer key 0", pair(e_float_bits(0)),
     tbl([(I(0), True)]), 9)
nonc("keys.norm.minus-one", "3.2", "float key -1.0 is the integer key -1", pair(e_float_bits(fbits(-1.0))),
     tbl([(I(-1), True)]), 9)
nonc("keys.norm.minus-2p63", "3.2", "float key -2^63 is i64 min", pair(e_float_bits(fbits(-(2.0**63)))),
     tbl([(I(I64_MIN), True)]), 9)
nonc("keys.norm.2p53", "3.2", "float key 2^53 is the integer key 2^53", pair(e_float_bits(fbits(2.0**53))),
     tbl([(I(2**53), True)]), 9)
nonc("keys.norm.2p62", "3.2", "float key 2^62 is an integer key", pair(e_float_bits(fbits(2.0**62))),
     tbl([(I(2**62), True)]), 9)
nonc("keys.norm.largest-below-2p63", "3.2", "float key 2^63-1024 (largest double below 2^63) is an integer key",
     pair(e_float_bits(fbits(2.0**63 - 1024))), tbl([(I(2**63 - 1024), True)]), 9)
nonc("keys.norm.1e15", "3.2", "float key 1e15 is an integer key", pair(e_float_bits(fbits(1e15))),
     tbl([(I(10**15), True)]), 9)
nonc("keys.norm.value-table", "3.2", "a normalised key keeps its table value", pair(e_float_bits(fbits(3.0)), enc(T([S("x")]))),
     tbl([(I(3), T([S("x")]))]), 9)
valid("keys.norm.float-2p63-stays", "3.2", "float key 2^63 is not normalised (outside i64)",
      tbl([(F(2.0**63), S("x"))]), e_table([], [(e_float_bits(fbits(2.0**63)), e_str("x"))]))
valid("keys.norm.float-values-not-normalised", "3.2", "only keys are normalised: a float value 2.0 stays a float",
      tbl([(S("k"), F(2.0))]))
valid("keys.norm.string-1-vs-int-1", "3.2", 'string "1" and integer 1 are different keys',
      tbl([(I(1), S("int")), (S("1"), S("str"))]))
valid("keys.norm.string-vs-bytes", "3.2", 'string "a" and bytes "a" are different keys',
      tbl([(S("a"), I(1)), (B("61"), I(2))]))
valid("keys.norm.true-vs-1", "3.2", "true and 1 are different keys", tbl([(True, I(1)), (I(1), I(2))]))
valid("keys.norm.ref-vs-int", "3.2", "reference 1 and integer 1 are different keys", tbl([(R(1), I(1)), (I(1), I(2))]))
valid("keys.norm.float-half-vs-int", "3.2", "0.5 and 0 are different keys", tbl([(F(0.5), I(1)), (I(0), I(2))]))
# 3.4 compatibility with decimal-string keys
valid("keys.compat.int-and-string-1", "3.4", 't[1] and t["1"] are two entries (they collided in the earlier system)',
      tbl([(I(1), S("int")), (S("1"), S("str"))]), js={"value": 'new Map([[1, "int"], ["1", "str"]])',
                                                      "source": 'new Map([[1, "int"], ["1", "str"]])'})
valid("keys.compat.float-and-its-text", "3.4", 'float key 1.5 and string key "1.5" are two entries',
      tbl([(F(1.5), I(1)), (S("1.5"), I(2))]))
valid("keys.compat.key-types-kept", "3.4", "integer, float, boolean and string keys keep their types",
      tbl([(I(7), I(1)), (F(0.25), I(2)), (True, I(3)), (S("7"), I(4))]))
# 3.3 identity: duplicates
dk = lambda *pairs: e_table([], list(pairs))
t1 = h("01 01")
invalid("keys.dup.int-int", "3.3", "integer key 5 twice: the later one is reported",
        dk((e_int(5), t1), (e_int(5), t1)), "duplicate_key", 9 + 11)
invalid("keys.dup.str-str", "3.3", 'string key "a" twice', dk((e_str("a"), t1), (e_str("a"), t1)),
        "duplicate_key", 9 + 8)
invalid("keys.dup.bytes-bytes", "3.3", "bytes key twice", dk((e_bytes(b"a"), t1), (e_bytes(b"a"), t1)),
        "duplicate_key", 17)
invalid("keys.dup.ref-ref", "3.3", "reference key 7 twice", dk((e_ref(7), t1), (e_ref(7), t1)), "duplicate_key", 16)
invalid("keys.dup.bool-bool", "3.3", "boolean key true twice", dk((t1, t1), (t1, t1)), "duplicate_key", 13)
invalid("keys.dup.float-float", "3.3", "float key 0.5 twice", dk((enc(F(0.5)), t1), (enc(F(0.5)), t1)),
        "duplicate_key", 20)
invalid("keys.dup.int-then-float", "3.3", "key 5 then 5.0 (equal after normalisation)",
        dk((e_int(5), t1), (e_float_bits(fbits(5.0)), t1)), "duplicate_key", 20)
invalid("keys.dup.float-then-int", "3.3", "key 5.0 then 5", dk((e_float_bits(fbits(5.0)), t1), (e_int(5), t1)),
        "duplicate_key", 20)
invalid("keys.dup.zero-minus-zero", "3.3", "key 0 then -0.0", dk((e_int(0), t1), (e_float_bits(1 << 63), t1)),
        "duplicate_key", 20)
invalid("keys.dup.1-vs-1.0", "3.3", "key 1 then 1.0 in the hash part (duplicate wins over noncanonical)",
        dk((e_int(1), t1), (e_float_bits(fbits(1.0)), t1)), "duplicate_key", 20)
invalid("keys.dup.array-hash", "3.3", "hash key 1 duplicates array element 1",
        e_table([t1], [(e_int(1), t1)]), "duplicate_key", 11)
invalid("keys.dup.array-hash-last", "3.3", "hash key 3 duplicates the last of three array elements",
        e_table([t1, t1, t1], [(e_int(3), t1)]), "duplicate_key", 15)
invalid("keys.dup.array-hash-float", "3.3", "hash key 2.0 duplicates array element 2",
        e_table([t1, t1], [(e_float_bits(fbits(2.0)), t1)]), "duplicate_key", 13)
invalid("keys.dup.array-nil-element", "3.3", "an array nil still owns its key: hash key 1 is a duplicate",
        e_table([h("00")], [(e_int(1), t1)]), "duplicate_key", 10)
invalid("keys.dup.smallest-later-offset", "3.3",
        "keys a, b, b, a: the later occurrences are at entries 3 and 4; entry 3 is reported",
        dk((e_str("a"), t1), (e_str("b"), t1), (e_str("b"), t1), (e_str("a"), t1)), "duplicate_key", 9 + 8 + 8)
invalid("keys.dup.unsorted-later", "3.3", "keys b, a, b: the third entry is reported",
        dk((e_str("b"), t1), (e_str("a"), t1), (e_str("b"), t1)), "duplicate_key", 25)
invalid("keys.dup.array-before-hash-dup", "3.3",
        "array key 2 repeated by the first hash key and a later hash pair: the first is reported",
        e_table([t1, t1], [(e_int(2), t1), (e_str("x"), t1), (e_str("x"), t1)]), "duplicate_key", 13)
invalid("keys.dup.later-hard-error-wins", "3.3",
        "a duplicate key, then an invalid boolean in a later entry of the same table: invalid_bool wins",
        dk((e_int(5), t1), (e_int(5), t1), (e_int(6), h("01 07"))), "invalid_bool", 9 + 11 + 11 + 10)
invalid("keys.dup.inner-before-outer-error", "3.3",
        "a duplicate in an inner table is reported when that table ends, before a later error in the outer one",
        e_table([dk((e_int(5), t1), (e_int(5), t1)), h("09")], []), "duplicate_key", 5 + 20)
invalid("keys.dup.strict", "3.3", "a duplicate in unsorted order is duplicate_key in strict mode too",
        dk((e_int(6), t1), (e_int(5), t1), (e_int(6), t1)), "duplicate_key", 31)
invalid("keys.dup.nil-values", "3.3", "duplicate keys whose values are nil are still duplicates",
        dk((e_int(5), h("00")), (e_int(5), h("00"))), "duplicate_key", 19)

# ====================================================================== 4
begin("04-canonical", "Canonical form")
# 4.1 array extent
nonc("canonical.extent.key-1-in-hash", "4.1", "key 1 in the hash part of an empty array part belongs in the array",
     e_table([], [(e_int(1), t1)]), T([True]), 9)
nonc("canonical.extent.key-n-plus-1", "4.1", "array [1], hash key 2: key 2 extends the array",
     e_table([e_int(10)], [(e_int(2), e_int(20))]), T([I(10), I(20)]), 18)
nonc("canonical.extent.keys-1-2-in-hash", "4.1", "keys 1 and 2 both in the hash part",
     e_table([], [(e_int(1), e_str("a")), (e_int(2), e_str("b"))]), T([S("a"), S("b")]), 9)
nonc("canonical.extent.float-key-n-plus-1", "4.1", "array [a], hash key 2.0: normalised and moved",
     e_table([e_str("a")], [(e_float_bits(fbits(2.0)), e_str("b"))]), T([S("a"), S("b")]), 15)
nonc("canonical.extent.n-plus-1-after-others", "4.1", "hash keys 0, then 2 after array [x]: 2 extends the array",
     e_table([e_str("x")], [(e_int(0), e_str("z")), (e_int(2), e_str("y"))]),
     tbl([(I(1), S("x")), (I(2), S("y")), (I(0), S("z"))]), 15 + 9 + 6)
valid("canonical.extent.gap", "4.1", "array [a], hash key 3: a gap keeps 3 in the hash part",
      tbl([(I(1), S("a")), (I(3), S("c"))]))
valid("canonical.extent.no-1", "4.1", "keys 2 and 3 without 1 stay in the hash part", tbl([(I(2), True), (I(3), True)]))
valid("canonical.extent.zero-and-negative", "4.1", "keys 0 and -1 never join the array part",
      tbl([(I(0), S("z")), (I(-1), S("m")), (I(1), S("a"))]))
valid("canonical.extent.long", "4.1", "an array of 300 elements", T([I(i) for i in range(300)]))
# 4.2 hash order
valid("canonical.order.length-first", "4.2", 'string keys: "id" (length 2) sorts before "bio" (length 3)',
      tbl([(S("bio"), I(1)), (S("id"), I(2))]), e_table([], [(e_str("id"), e_int(2)), (e_str("bio"), e_int(1))]))
valid("canonical.order.int-le", "4.2", "integer keys sort by little-endian bytes: 256 before 3",
      tbl([(I(3), I(1)), (I(256), I(2))]), e_table([], [(e_int(256), e_int(2)), (e_int(3), e_int(1))]))
valid("canonical.order.negative-last", "4.2", "integer key -1 (FF…) sorts after 0 and 5",
      tbl([(I(-1), True), (I(0), True), (I(5), True)]),
      e_table([], [(e_int(0), t1), (e_int(5), t1), (e_int(-1), t1)]))
valid("canonical.order.long-string-first", "4.2", "a 256-byte string key (length 00 01 …) sorts before \"a\"",
      tbl([(S("a"), I(1)), (S("k" * 256), I(2))]), e_table([], [(e_str("k" * 256), e_int(2)), (e_str("a"), e_int(1))]))
valid("canonical.order.same-length-content", "4.2", 'same length: "ab" before "b\\u0000"',
      tbl([(S("b\x00"), I(1)), (S("ab"), I(2))]))
valid("canonical.order.float-le", "4.2", "float keys sort by little-endian bits: 0.5 (..E0 3F), -0.5 (..E0 BF), 1.5 (..F8 3F)",
      tbl([(F(-0.5), I(1)), (F(1.5), I(2)), (F(0.5), I(3))]),
      e_table([], [(enc(F(0.5)), e_int(3)), (enc(F(-0.5)), e_int(1)), (enc(F(1.5)), e_int(2))]))
valid("canonical.order.tags", "4.2", "keys of different types sort by tag: bool, int, float, string, bytes, ref",
      tbl([(R(0), I(6)), (B(""), I(5)), (S(""), I(4)), (F(0.5), I(3)), (I(0), I(2)), (False, I(1))]),
      e_table([], [(h("01 00"), e_int(1)), (e_int(0), e_int(2)), (enc(F(0.5)), e_int(3)), (e_str(""), e_int(4)),
                   (e_bytes(b""), e_int(5)), (e_ref(0), e_int(6))]))
valid("canonical.order.false-true", "4.2", "false sorts before true", tbl([(True, I(1)), (False, I(0))]))
valid("canonical.order.refs", "4.2", "reference keys by little-endian id: 256 before 1", tbl([(R(1), I(1)), (R(256), I(2))]),
      e_table([], [(e_ref(256), e_int(2)), (e_ref(1), e_int(1))]))
nonc("canonical.order.strings-swapped", "4.2", '"b" before "a" is out of order',
     e_table([], [(e_str("b"), e_int(2)), (e_str("a"), e_int(1))]), tbl([(S("a"), I(1)), (S("b"), I(2))]), 9 + 6 + 9)
nonc("canonical.order.numeric-not-bytewise", "4.2", "integer keys 3 then 256 (numeric, not bytewise order)",
     e_table([], [(e_int(3), t1), (e_int(256), t1)]), tbl([(I(3), True), (I(256), True)]), 20)
nonc("canonical.order.alphabetic-not-length", "4.2", '"bio" then "id" (alphabetic, not length-prefixed order)',
     e_table([], [(e_str("bio"), t1), (e_str("id"), t1)]), tbl([(S("bio"), True), (S("id"), True)]), 19)
nonc("canonical.order.tags-swapped", "4.2", "a string key before an integer key",
     e_table([], [(e_str("a"), t1), (e_int(0), t1)]), tbl([(S("a"), True), (I(0), True)]), 17)
nonc("canonical.order.third-of-three", "4.2", "keys a, c, b: the third is the first out of order",
     e_table([], [(e_str("a"), t1), (e_str("c"), t1), (e_str("b"), t1)]),
     tbl([(S("a"), True), (S("b"), True), (S("c"), True)]), 25)
nonc("canonical.order.nested", "4.2", "an unsorted table inside a canonical one",
     e_table([e_table([], [(e_str("y"), t1), (e_str("x"), t1)])], []),
     T([tbl([(S("x"), True), (S("y"), True)])]), 5 + 17)
# 4.3 NaN
valid("canonical.nan.canonical", "4.3", "the canonical NaN 0x7FF8000000000000", FB(CANONICAL_NAN),
      h("03 00 00 00 00 00 00 F8 7F"))
nan_forms = [
    ("signalling", 0x7FF0000000000001, "signalling NaN 0x7FF0000000000001"),
    ("signalling-high", 0x7FF4000000000000, "signalling NaN 0x7FF4000000000000"),
    ("negative", 0xFFF8000000000000, "negative quiet NaN 0xFFF8000000000000 (x86 default NaN)"),
    ("payload", 0x7FF8000000000001, "quiet NaN with payload 1"),
    ("all-ones", 0xFFFFFFFFFFFFFFFF, "all bits set"), ("max-payload", 0x7FFFFFFFFFFFFFFF, "quiet NaN, all payload bits"),
    ("negative-signalling", 0xFFF0000000000001, "negative signalling NaN"),
]
for name, bits, desc in nan_forms:
    nonc("canonical.nan." + name, "4.3", desc + " reads as NaN", e_float_bits(bits), FB(CANONICAL_NAN), 0)
nonc("canonical.nan.in-array", "4.3", "a noncanonical NaN as the second array element",
     e_table([e_int(1), e_float_bits(0xFFF8000000000000)], []), T([I(1), FB(CANONICAL_NAN)]), 14)
nonc("canonical.nan.as-hash-value", "4.3", "a noncanonical NaN as a hash value",
     e_table([], [(e_str("x"), e_float_bits(0x7FF0000000000001))]), tbl([(S("x"), FB(CANONICAL_NAN))]), 15)
valid("canonical.nan.inf-is-not-nan", "4.3", "Infinity 0x7FF0000000000000 is not a NaN", FB(0x7FF0000000000000),
      h("03 00 00 00 00 00 00 F0 7F"))
# 4.4 nil entries
nonc("canonical.nil.only-element", "4.4", "array [nil] is the empty table", e_table([h("00")], []), T(), 5)
nonc("canonical.nil.middle", "4.4", "array [1, nil, 3]: key 2 absent, 3 keeps its key",
     e_table([e_int(1), h("00"), e_int(3)], []), tbl([(I(1), I(1)), (I(3), I(3))]), 14)
nonc("canonical.nil.first", "4.4", "array [nil, 2]: key 1 absent, 2 keeps its key",
     e_table([h("00"), e_int(2)], []), tbl([(I(2), I(2))]), 5)
nonc("canonical.nil.last", "4.4", "array [1, nil]: the trailing nil is dropped",
     e_table([e_int(1), h("00")], []), T([I(1)]), 14)
nonc("canonical.nil.hash-value", "4.4", 'hash {a = nil}: the entry is dropped',
     e_table([], [(e_str("a"), h("00"))]), T(), 15)
nonc("canonical.nil.hash-value-among-others", "4.4", "a nil hash value between two entries",
     e_table([], [(e_str("a"), t1), (e_str("b"), h("00")), (e_str("c"), t1)]),
     tbl([(S("a"), True), (S("c"), True)]), 23)
nonc("canonical.nil.array-and-hash", "4.4", "array [nil] with hash {x = 1}",
     e_table([h("00")], [(e_str("x"), e_int(1))]), tbl([(S("x"), I(1))]), 5)
nonc("canonical.nil.hole-then-hash-key", "4.4", "array [nil, 2] and hash key 3: keys 2 and 3 in the hash part",
     e_table([h("00"), e_int(2)], [(e_int(3), e_int(3))]), tbl([(I(2), I(2)), (I(3), I(3))]), 5)
nonc("canonical.nil.nested", "4.4", "a nil inside a nested table", e_table([e_table([h("00")], [])], []), T([T()]), 10)
# 4.5 non-normalised keys
nonc("canonical.key.float-integral", "4.5", "float key 7.0 among canonical keys is noncanonical",
     e_table([], [(e_int(0), t1), (e_float_bits(fbits(7.0)), t1)]), tbl([(I(0), True), (I(7), True)]), 20)
nonc("canonical.key.float-before-string", "4.5", "float key 3.0 before a string key",
     e_table([], [(e_float_bits(fbits(3.0)), t1), (e_str("a"), t1)]), tbl([(I(3), True), (S("a"), True)]), 9)
nonc("canonical.key.minus-zero-with-array", "4.5", "array [a], float key -0.0",
     e_table([e_str("a")], [(e_float_bits(1 << 63), e_str("z"))]), tbl([(I(1), S("a")), (I(0), S("z"))]), 15)
# 4.6 strict mode
nonc("canonical.strict.first-in-wire-order", "4.6", "a nil element, then unsorted keys: the nil is reported",
     e_table([e_int(1), h("00")], [(e_str("b"), t1), (e_str("a"), t1)]),
     tbl([(I(1), I(1)), (S("a"), True), (S("b"), True)]), 14)
nonc("canonical.strict.nan-before-key", "4.6", "a noncanonical NaN element before a non-normalised key",
     e_table([e_float_bits(0x7FF0000000000002)], [(e_float_bits(fbits(9.0)), t1)]),
     tbl([(I(1), FB(CANONICAL_NAN)), (I(9), True)]), 5)
nonc("canonical.strict.inner-before-outer", "4.6", "an unsorted inner table comes before an outer nil",
     e_table([e_table([], [(e_int(9), t1), (e_int(8), t1)]), h("00")], []),
     T([tbl([(I(8), True), (I(9), True)])]), 5 + 20)
invalid("canonical.strict.hard-error-wins", "4.6", "noncanonical NaN, then an unknown tag: unknown_tag in both modes",
        e_table([e_float_bits(0x7FF0000000000001), h("0A")], []), "unknown_tag", 14)
invalid("canonical.strict.truncated-wins", "4.6", "unsorted keys, then the input ends: truncated in both modes",
        e_table([], [(e_str("b"), t1), (e_str("a"), t1), (e_str("c"), t1)])[:-1], "truncated", 32)

# 4.7 summary
nonc("canonical.summary.every-rule", "4.7",
     "a nil element, an integral float key, a NaN with payload and an unsorted nil-valued key: the nil is first",
     e_table([e_int(1), h("00")], [(e_float_bits(fbits(5.0)), t1), (e_str("b"), e_float_bits(0x7FF0000000000001)),
                                   (e_str("a"), h("00"))]),
     tbl([(I(1), I(1)), (I(5), True), (S("b"), FB(CANONICAL_NAN))]), 14)

# ====================================================================== 5
begin("05-errors", "Errors")


def truncations(id, desc, value):
    """Every proper prefix of enc(value) is an error; the reference decoder
    computes which (truncated or length_overflow) and where."""
    raw = enc(value)
    for k in range(len(raw)):
        try:
            decode(raw[:k])
        except Err as e:
            invalid("errors.truncation.%s.%d" % (id, k), "5", "%s cut to %d of %d bytes" % (desc, k, len(raw)),
                    raw[:k], e.cls, e.offset)
        else:
            raise AssertionError((id, k))


truncations("table-10-20", "{10, 20}", T([I(10), I(20)]))
truncations("hash-a-1", '{a = 1.5}', tbl([(S("a"), F(1.5))]))
truncations("str-hi", '"hi"', S("hi"))
truncations("nested", "{{true}, ref 7}", T([T([True]), R(7)]))
truncations("bytes", "bytes 01 02 03", B("010203"))
invalid("errors.truncated.missing-tag-at-end", "5", "an array of 2 with only 1 element: missing tag at input length",
        h("06 02 00 00 00 00 00"), "truncated", 7)
invalid("errors.unknown-tag.offset", "5", "unknown_tag points at the tag byte, deep inside",
        e_table([e_table([e_int(1), h("0B")], [])], []), "unknown_tag", 19)
invalid("errors.invalid-bool.offset", "5", "invalid_bool points at the payload byte",
        e_table([], [(e_str("k"), h("01 02"))]), "invalid_bool", 16)
invalid("errors.length-overflow.nested", "5", "length_overflow points at the length field of a nested string",
        e_table([e_str("ok"), h("04 09 00 00 00 61")], []), "length_overflow", 13)
invalid("errors.length-overflow.inner-count", "5", "an inner table's count exceeds the bytes left",
        e_table([h("06 10 00 00 00 00 00 00 00")], []), "length_overflow", 6)
invalid("errors.invalid-key.offset", "5", "invalid_key points at the key's tag",
        e_table([e_int(1)], [(e_str("a"), t1), (h("00"), t1)]), "invalid_key", 26)
invalid("errors.precedence.wire-order", "5", "an invalid boolean before a length overflow: the first wins",
        e_table([h("01 05"), h("04 FF 00 00 00")], []), "invalid_bool", 6)
invalid("errors.precedence.utf8-before-trailing", "5", "invalid UTF-8, then trailing bytes: invalid_utf8",
        e_str(b"\xff") + h("00"), "invalid_utf8", 5)
invalid("errors.precedence.key-before-dup", "5", "a duplicate key, then an invalid key in the same table",
        dk((e_int(1), t1), (e_int(1), t1), (h("00"), t1)), "invalid_key", 31)
invalid("errors.precedence.dup-before-trailing", "5", "a duplicate key in the document, then trailing bytes",
        dk((e_int(4), t1), (e_int(4), t1)) + h("00"), "duplicate_key", 20)
invalid("errors.precedence.noncanonical-then-dup", "5",
        "unsorted keys then a duplicate: duplicate_key, not noncanonical, in strict mode",
        dk((e_int(3), t1), (e_int(2), t1), (e_int(3), t1)), "duplicate_key", 31)
# the examples of §5.3, byte for byte
for i, (cls, hexs, off, lim) in enumerate([
    ("truncated", "", 0, None), ("truncated", "01", 1, None), ("truncated", "02 01 00 00", 1, None),
    ("truncated", "04 02 00", 1, None), ("truncated", "06 00 00 00 00", 5, None),
    ("truncated", "06 02 00 00 00 02 0A 00 00 00 00 00 00 00", 14, None), ("truncated", "07 07 00", 1, None),
    ("unknown_tag", "08", 0, None), ("invalid_bool", "01 02", 1, None),
    ("invalid_utf8", "04 03 00 00 00 ED A0 80", 5, None), ("invalid_utf8", "04 03 00 00 00 61 E2 82", 6, None),
    ("length_overflow", "04 FF FF FF FF", 1, None), ("length_overflow", "06 03 00 00 00 00 00", 1, None),
    ("length_overflow", "06 00 00 00 00 02 00 00 00 01 01 01", 5, None),
    ("length_overflow", "04 05 00 00 00 68 65 6C 6C 6F", 0, {"max_size": 8}),
    ("depth_exceeded", "06 01 00 00 00 06 00 00 00 00 00 00 00 00 00 00 00 00", 5, {"max_depth": 1}),
    ("invalid_key", "06 00 00 00 00 01 00 00 00 00 01 01", 9, None),
    ("duplicate_key", "06 00 00 00 00 02 00 00 00 04 01 00 00 00 61 02 01 00 00 00 00 00 00 00 04 01 00 00 00 61 "
     "02 02 00 00 00 00 00 00 00", 24, None),
    ("duplicate_key", "06 01 00 00 00 04 01 00 00 00 78 01 00 00 00 02 01 00 00 00 00 00 00 00 04 01 00 00 00 79",
     15, None),
    ("trailing_bytes", "00 00", 1, None),
]):
    invalid("errors.example.%02d-%s" % (i + 1, cls.replace("_", "-")), "5.3",
            "the %s example of the spec's table (offset %d)" % (cls, off), h(hexs), cls, off, limits=lim)
nonc("errors.example.21-noncanonical", "5.3", "the noncanonical example of the spec's table (strict, offset 0)",
     h("03 01 00 00 00 00 00 F8 7F"), FB(CANONICAL_NAN), 0)
# encode classes (no bytes exist)
# (A whole document longer than max_size is only a SHOULD for encoders,
# §6.2, so no vector asserts it.)
encerr("errors.encode.depth-exceeded", "5", "a value of 129 nested tables cannot be written with the default limit",
       "depth_exceeded", value=nested(129),
       source="(() => { let v = []; for (let i = 1; i < 129; i++) v = [v]; return v; })()")
encerr("errors.encode.depth-exceeded-small-limit", "5", "two nested tables with max_depth 1", "depth_exceeded",
       value=T([T()]), limits={"max_depth": 1})
encerr("errors.encode.length-overflow-small-limit", "5", "a 5-byte string with max_size 4", "length_overflow",
       value=S("hello"), limits={"max_size": 4})
encerr("errors.encode.length-overflow-bytes", "5", "5 bytes with max_size 4", "length_overflow",
       value=B("0102030405"), limits={"max_size": 4})
encerr("errors.encode.integer-overflow", "5", "BigInt 2^63 is outside i64", "integer_overflow", source="2n ** 63n")
encerr("errors.encode.integer-overflow-negative", "5", "BigInt -2^63-1 is outside i64", "integer_overflow",
       source="-(2n ** 63n) - 1n")
encerr("errors.encode.integer-overflow-nested", "5", "an out-of-range BigInt inside an array", "integer_overflow",
       source="[1, 2n ** 64n]")
encerr("errors.encode.cycle-array", "5", "an array that contains itself", "cycle",
       source="(() => { const a = [1]; a.push(a); return a; })()")
encerr("errors.encode.cycle-object", "5", "an object that contains itself", "cycle",
       source="(() => { const o = {}; o.self = o; return o; })()")
encerr("errors.encode.cycle-map", "5", "a Map that contains itself as a value", "cycle",
       source="(() => { const m = new Map(); m.set('m', m); return m; })()")
encerr("errors.encode.cycle-deep", "5", "a cycle through three levels", "cycle",
       source="(() => { const a = {}; const b = [a]; const c = new Map([['b', b]]); a.c = c; return a; })()")
encerr("errors.encode.unsupported-function", "5", "a function", "unsupported_type", source="() => 1")
encerr("errors.encode.unsupported-symbol", "5", "a symbol", "unsupported_type", source="Symbol('s')")
encerr("errors.encode.unsupported-in-object", "5", "a function as an object property", "unsupported_type",
       source="({ f() {} })")
encerr("errors.encode.invalid-utf8", "5", "a string with a lone high surrogate", "invalid_utf8", source="'\\uD800'")
encerr("errors.encode.invalid-key", "5", "a Map with a NaN key", "invalid_key", source="new Map([[NaN, 1]])")
encerr("errors.encode.duplicate-key", "5", "a Map with keys 1 and 1n (equal after normalisation)", "duplicate_key",
       source="new Map([[1, 'a'], [1n, 'b']])")

# ====================================================================== 6
begin("06-limits", "Limits")


def nest_raw(depth, via="array"):
    """Raw bytes of `depth` nested tables (innermost empty) and the offset of each table tag."""
    if via == "array":
        return enc(nested(depth)), [5 * i for i in range(depth)]
    # through hash values under key "k"
    pre = h("06 00 00 00 00 01 00 00 00") + e_str("k")
    raw = enc(T())
    for _ in range(depth - 1):
        raw = pre + raw
    return raw, [len(pre) * i for i in range(depth)]


def nested_hash(depth):
    """`depth` tables nested through the hash value of key "k"."""
    v = T()
    for _ in range(depth - 1):
        v = tbl([(S("k"), v)])
    return v


raw128, _ = nest_raw(128)
valid("limits.depth.default-128", "6", "128 nested tables: exactly the default max_depth", nested(128), raw128)
raw129, offs = nest_raw(129)
invalid("limits.depth.default-129", "6", "129 nested tables: the 129th table tag is reported", raw129,
        "depth_exceeded", offs[128])
raw200, offs200 = nest_raw(200)
invalid("limits.depth.default-200", "6", "200 nested tables: still reported at the 129th", raw200,
        "depth_exceeded", offs200[128])
rawh, offsh = nest_raw(129, "hash")
invalid("limits.depth.default-129-hash", "6", "129 tables nested through hash values", rawh, "depth_exceeded",
        offsh[128])
rawh128, _ = nest_raw(128, "hash")
valid("limits.depth.default-128-hash", "6", "128 tables nested through hash values",
      nested_hash(128), rawh128)
valid("limits.depth.scalar-max-0", "6", "with max_depth 0 a scalar is fine", I(1), limits={"max_depth": 0})
invalid("limits.depth.table-max-0", "6", "with max_depth 0 any table is too deep", enc(T()), "depth_exceeded", 0,
        limits={"max_depth": 0})
valid("limits.depth.one-max-1", "6", "with max_depth 1 a flat table is fine", T([I(1), S("x")]), limits={"max_depth": 1})
invalid("limits.depth.two-max-1", "6", "with max_depth 1 a table in a table is too deep", enc(T([T()])),
        "depth_exceeded", 5, limits={"max_depth": 1})
invalid("limits.depth.second-element-max-1", "6", "max_depth 1: the second element is the nested table",
        enc(T([I(1), T()])), "depth_exceeded", 14, limits={"max_depth": 1})
valid("limits.depth.three-max-3", "6", "max_depth 3: three nested tables", nested(3), limits={"max_depth": 3})
invalid("limits.depth.four-max-3", "6", "max_depth 3: four nested tables", enc(nested(4)), "depth_exceeded", 15,
        limits={"max_depth": 3})
invalid("limits.depth.hash-value-max-2", "6", "max_depth 2: a table three deep through hash values",
        nest_raw(3, "hash")[0], "depth_exceeded", nest_raw(3, "hash")[1][2], limits={"max_depth": 2})
valid("limits.depth.siblings-max-2", "6", "max_depth 2: many sibling tables at depth 2 are fine",
      T([T(), T([I(1)]), tbl([(S("a"), I(1))])]), limits={"max_depth": 2})
invalid("limits.depth.before-count", "6", "depth is checked at the tag, before the table's counts are read",
        h("06 01 00 00 00 06 FF FF FF FF"), "depth_exceeded", 5, limits={"max_depth": 1})
valid("limits.size.exact", "6", "a 9-byte document with max_size 9", I(5), limits={"max_size": 9})
invalid("limits.size.over", "6", "a 9-byte document with max_size 8: length_overflow at offset 0", e_int(5),
        "length_overflow", 0, limits={"max_size": 8})
invalid("limits.size.over-before-anything", "6", "input over max_size is refused before reading it (reserved tag)",
        h("FF FF FF FF FF"), "length_overflow", 0, limits={"max_size": 4})
valid("limits.size.string-exact", "6", "a string whose 9-byte document is exactly max_size", S("abcd"), limits={"max_size": 9})
invalid("limits.size.string-over", "6", "a 10-byte string document with max_size 9: offset 0", e_str("abcde"), "length_overflow", 0,
        limits={"max_size": 9})
invalid("limits.size.default-declared", "6", "a declared length just over the default 256 MiB",
        h("05") + u32(DEFAULT_SIZE + 1) + b"x", "length_overflow", 1)
invalid("limits.size.default-declared-exact", "6", "a declared length of exactly 256 MiB with 1 byte present",
        h("05") + u32(DEFAULT_SIZE) + b"x", "length_overflow", 1)
invalid("limits.count.array-left-plus-one", "6", "array count 4 with 3 bytes left", h("06 04 00 00 00 00 00 00"),
        "length_overflow", 1)
invalid("limits.count.array-equals-left", "6", "array count 3 with exactly 3 bytes left is allowed; then truncated",
        h("06 03 00 00 00 00 00 00"), "truncated", 8)
invalid("limits.count.hash-2m-equals-left", "6", "hash count 1 with exactly 2 bytes left is allowed; then truncated",
        h("06 00 00 00 00 01 00 00 00 01 01"), "truncated", 11)
invalid("limits.count.hash-2m-over-left", "6", "hash count 2 needs 4 bytes, 3 left",
        h("06 00 00 00 00 02 00 00 00 01 01 00"), "length_overflow", 5)
invalid("limits.count.hash-huge", "6", "hash count 0x80000000 (2m overflows 32 bits)",
        h("06 00 00 00 00 00 00 00 80 01 01"), "length_overflow", 5)
encerr("limits.size.encode-table-part", "6", "an encoder refuses a table part of 5 entries with max_size 4",
       "length_overflow", value=T([True] * 5), source="[true, true, true, true, true]", limits={"max_size": 4})
encerr("limits.size.encode-string", "6", "an encoder refuses a string longer than max_size", "length_overflow",
       value=S("x" * 17), source="'x'.repeat(17)", limits={"max_size": 16})
encerr("limits.depth.encode-129", "6", "an encoder refuses 129 nested tables (default max_depth)", "depth_exceeded",
       value=nested(129))
valid("limits.depth.encode-128", "6", "an encoder writes 128 nested tables (default max_depth)", nested(128),
      js={"source": "(() => { let v = []; for (let i = 1; i < 128; i++) v = [v]; return v; })()"})
valid("limits.count.string-equals-left", "6", "a string whose length is exactly the bytes left", S("abc"),
      h("04 03 00 00 00 61 62 63"))
valid("limits.count.bytes-empty-at-end", "6", "zero-length bytes at the very end of the input", B(""),
      h("05 00 00 00 00"))
valid("limits.count.small-values", "6",
      "a table of 4 booleans", T([False, True, False, True]))

# ====================================================================== 8
begin("08-js-mapping", "JavaScript mapping")
BR = 'Symbol.for("luaxt.TableRef")'


def jsref(i):
    return "({ id: %d, [%s]: true })" % (i, BR)


def jv(id, desc, value, js_value=None, source=None, raw=None, sec="8"):
    js = {}
    if js_value is not None:
        js["value"] = js_value
    if source is not None:
        js["source"] = source
    valid("js." + id, sec, desc, value, raw, js=js or None)


# decode
jv("decode.nil", "nil decodes to null", None, "null", "null")
jv("decode.undefined", "undefined at top level encodes as nil", None, "null", "undefined")
jv("decode.true", "boolean", True, "true", "true")
jv("decode.int-small", "a small integer is a number", I(5), "5", "5")
jv("decode.int-safe-max", "2^53-1 is a number", I(2**53 - 1), "9007199254740991", "9007199254740991")
jv("decode.int-safe-min", "-(2^53-1) is a number", I(-(2**53 - 1)), "-9007199254740991", "-9007199254740991")
jv("decode.int-2p53", "2^53 is a BigInt", I(2**53), "9007199254740992n", "9007199254740992n")
jv("decode.int-minus-2p53", "-2^53 is a BigInt", I(-(2**53)), "-9007199254740992n", "-9007199254740992n")
jv("decode.int-i64-max", "i64 max is a BigInt", I(I64_MAX), "9223372036854775807n", "2n ** 63n - 1n")
jv("decode.int-i64-min", "i64 min is a BigInt", I(I64_MIN), "-9223372036854775808n", "-(2n ** 63n)")
jv("decode.int-zero", "integer 0 is +0", I(0), "0", "0")
jv("decode.float-1.5", "a float is a number", F(1.5), "1.5", "1.5")
jv("decode.float-minus-zero", "-0.0 stays -0", FB(1 << 63), "-0", "-0")
jv("decode.float-nan", "NaN", FB(CANONICAL_NAN), "NaN", "NaN")
jv("decode.float-inf", "+Infinity", FB(0x7FF0000000000000), "Infinity", "Infinity")
jv("decode.float-minus-inf", "-Infinity", FB(0xFFF0000000000000), "-Infinity", "-Infinity")
jv("decode.float-subnormal", "the smallest subnormal is exact", FB(1), "5e-324", "5e-324")
jv("decode.float-integral", "float 5.0 decodes to the number 5 (lossy: it re-encodes as integer 5)", F(5.0), "5")
jv("decode.float-2p53", "float 2^53 is the number 2^53 and re-encodes as a float", F(2.0**53), "9007199254740992",
   "9007199254740992")
jv("decode.float-1e300", "a large integral float stays a float", F(1e300), "1e300", "1e300")
jv("decode.string", "a string", S("h\u00e9"), '"h\\u00e9"', '"h\\u00e9"')
jv("decode.string-digits", 'a string "1" stays a string', S("1"), '"1"', '"1"')
jv("decode.bytes", "bytes decode to a Uint8Array", B("00ff"), "new Uint8Array([0, 255])", "new Uint8Array([0, 255])")
jv("decode.bytes-empty", "empty bytes", B(""), "new Uint8Array(0)", "new Uint8Array(0)")
jv("decode.ref", "a reference decodes to a branded TableRef", R(7), jsref(7), jsref(7))
jv("decode.ref-zero", "reference 0", R(0), jsref(0), jsref(0))
jv("decode.ref-max", "reference 2^32-1", R(2**32 - 1), jsref(2**32 - 1), jsref(2**32 - 1))
jv("decode.table-empty", "the empty table is []", T(), "[]", "[]")
jv("decode.table-empty-object", "an empty object encodes as the empty table (and comes back as [])", T(), "[]", "({})")
jv("decode.table-empty-map", "an empty Map encodes as the empty table", T(), "[]", "new Map()")
jv("decode.array", "hash part empty: an Array", T([I(1), S("a"), True]), '[1, "a", true]', '[1, "a", true]')
jv("decode.array-nested", "nested arrays", T([T([I(1)]), T()]), "[[1], []]", "[[1], []]")
jv("decode.object", "string keys only: a plain object", tbl([(S("b"), I(2)), (S("a"), I(1))]), "({ a: 1, b: 2 })",
   "({ b: 2, a: 1 })")
jv("decode.object-digit-keys", 'string keys "1" and "2" stay strings: an object, not an array',
   tbl([(S("1"), True), (S("2"), False)]), '({ "1": true, "2": false })', '({ "1": true, "2": false })')
jv("decode.object-proto", "a key __proto__ is an own data property, never the prototype",
   tbl([(S("__proto__"), I(1))]),
   'Object.defineProperty({}, "__proto__", { value: 1, enumerable: true, writable: true, configurable: true })',
   'Object.defineProperty({}, "__proto__", { value: 1, enumerable: true, writable: true, configurable: true })')
jv("decode.object-proto-table", "__proto__ holding a table stays an own property",
   tbl([(S("__proto__"), tbl([(S("polluted"), True)])), (S("a"), I(1))]),
   '(() => { const o = { a: 1 }; Object.defineProperty(o, "__proto__", { value: { polluted: true }, '
   'enumerable: true, writable: true, configurable: true }); return o; })()')
jv("decode.object-empty-key", "the empty string key", tbl([(S(""), I(0))]), '({ "": 0 })', '({ "": 0 })')
jv("decode.map-array-and-string", "array part and string keys: a Map (array keys first)",
   tbl([(I(1), S("a")), (S("n"), I(1))]), 'new Map([[1, "a"], ["n", 1]])', 'new Map([[1, "a"], ["n", 1]])')
jv("decode.map-hole", "an array with a hole comes back as a Map", tbl([(I(1), S("a")), (I(3), S("c"))]),
   'new Map([[1, "a"], [3, "c"]])', '[ "a", null, "c" ]')
jv("decode.map-zero-key", "integer key 0: a Map", tbl([(I(0), S("z"))]), 'new Map([[0, "z"]])', 'new Map([[0, "z"]])')
jv("decode.map-negative-key", "integer key -1: a Map", tbl([(I(-1), True)]), "new Map([[-1, true]])",
   "new Map([[-1, true]])")
jv("decode.map-bigint-key", "integer key 2^60: a BigInt key", tbl([(I(2**60), True)]),
   "new Map([[1152921504606846976n, true]])", "new Map([[2n ** 60n, true]])")
jv("decode.map-float-key", "float key 1.5", tbl([(F(1.5), True)]), "new Map([[1.5, true]])", "new Map([[1.5, true]])")
jv("decode.map-bool-key", "boolean keys", tbl([(False, I(0)), (True, I(1))]), "new Map([[false, 0], [true, 1]])",
   "new Map([[true, 1], [false, 0]])")
jv("decode.map-bytes-key", "a bytes key is a Uint8Array key", tbl([(B("6b"), I(1))]),
   "new Map([[new Uint8Array([107]), 1]])", "new Map([[new Uint8Array([107]), 1]])")
jv("decode.map-ref-key", "a reference key is a TableRef key", tbl([(R(3), S("x"))]),
   'new Map([[%s, "x"]])' % jsref(3), 'new Map([[%s, "x"]])' % jsref(3))
jv("decode.map-order", "Map iteration follows canonical order: array part, then encoded-key order",
   tbl([(I(1), S("a")), (S("bio"), I(1)), (S("id"), I(2)), (I(256), I(3)), (I(3), I(4))]),
   'new Map([[1, "a"], [256, 3], [3, 4], ["id", 2], ["bio", 1]])',
   'new Map([["bio", 1], [3, 4], ["id", 2], [1, "a"], [256, 3]])')
jv("decode.map-string-and-int", 'string "1" and integer 2 keys', tbl([(S("1"), I(1)), (I(2), I(2))]),
   'new Map([[2, 2], ["1", 1]])', 'new Map([["1", 1], [2, 2]])')
# encode
jv("encode.number-int", "a safe integer number is an integer", I(42), None, "42")
jv("encode.number-minus-zero", "-0 is the float -0.0", FB(1 << 63), None, "-0")
jv("encode.number-fraction", "a fractional number is a float", F(0.1), None, "0.1")
jv("encode.number-2p53", "2^53 (integral, not safe) is a float", F(2.0**53), None, "2 ** 53")
jv("encode.number-minus-2p53", "-2^53 is a float", F(-(2.0**53)), None, "-(2 ** 53)")
jv("encode.number-2p63", "2^63 as a number is a float", F(2.0**63), None, "2 ** 63")
jv("encode.number-1e21", "1e21 is a float", F(1e21), None, "1e21")
jv("encode.bigint-small", "a small BigInt is an integer", I(5), None, "5n")
jv("encode.bigint-zero", "0n is an integer", I(0), None, "0n")
jv("encode.bigint-negative", "a negative BigInt", I(-7), None, "-7n")
jv("encode.buffer", "a Buffer is bytes", B("6869"), "new Uint8Array([104, 105])", 'Buffer.from("hi")')
jv("encode.sparse-array", "an array hole is an absent key", tbl([(I(1), I(1)), (I(3), I(3))]), None, "[1, , 3]")
jv("encode.array-null", "null in an array is an absent key", tbl([(I(1), I(1)), (I(3), I(3))]), None, "[1, null, 3]")
jv("encode.array-undefined-last", "a trailing undefined element is absent", T([I(1)]), None, "[1, undefined]")
jv("encode.array-all-null", "an array of nulls is the empty table", T(), None, "[null, undefined]")
jv("encode.array-extra-props", "non-index properties of an array are ignored", T([I(1), I(2)]), None,
   "Object.assign([1, 2], { x: 3 })")
jv("encode.object-null-prop", "a null property is omitted", tbl([(S("b"), I(1))]), None, "({ a: null, b: 1 })")
jv("encode.object-undefined-prop", "an undefined property is omitted", tbl([(S("b"), I(1))]), None,
   "({ a: undefined, b: 1 })")
jv("encode.object-digit-key", 'key "1" of an object stays a string key', tbl([(S("1"), True)]), None, '({ 1: true })')
jv("encode.object-null-proto", "an object with a null prototype is a plain object", tbl([(S("a"), I(1))]), None,
   "Object.assign(Object.create(null), { a: 1 })")
jv("encode.object-symbol-key", "symbol-keyed properties are ignored", tbl([(S("a"), I(1))]), None,
   '({ a: 1, [Symbol("s")]: 2 })')
jv("encode.object-non-enumerable", "non-enumerable properties are ignored", tbl([(S("a"), I(1))]), None,
   'Object.defineProperty({ a: 1 }, "b", { value: 2, enumerable: false })')
jv("encode.object-nested", "nested objects and arrays", tbl([(S("list"), T([I(1), F(2.5)])), (S("o"), tbl([(S("x"), I(0))]))]),
   None, "({ list: [1, 2.5], o: { x: 0 } })")
jv("encode.map-int-key", "Map key 1 is integer key 1", T([S("a")]), None, 'new Map([[1, "a"]])')
jv("encode.map-bigint-key", "Map key 1n is integer key 1", T([S("a")]), None, 'new Map([[1n, "a"]])')
jv("encode.map-string-key", 'Map key "1" is a string key', tbl([(S("1"), S("a"))]), None, 'new Map([["1", "a"]])')
jv("encode.map-float-key", "Map key 1.5 is a float key", tbl([(F(1.5), S("a"))]), None, 'new Map([[1.5, "a"]])')
jv("encode.map-2p53-key", "Map key 2^53 (a number) normalises to integer key 2^53", tbl([(I(2**53), True)]), None,
   "new Map([[2 ** 53, true]])")
jv("encode.map-2p63-key", "Map key 2^63 (a number) stays a float key", tbl([(F(2.0**63), True)]), None,
   "new Map([[2 ** 63, true]])")
jv("encode.map-bool-key", "Map key true", tbl([(True, I(1))]), None, "new Map([[true, 1]])")
jv("encode.map-bytes-key", "Map key Uint8Array is a bytes key", tbl([(B("0102"), I(1))]), None,
   "new Map([[new Uint8Array([1, 2]), 1]])")
jv("encode.map-ref-key", "Map key TableRef is a reference key", tbl([(R(9), I(1))]), None,
   "new Map([[%s, 1]])" % jsref(9))
jv("encode.map-undefined-value", "a Map entry with an undefined value is omitted", tbl([(S("b"), I(2))]), None,
   'new Map([["a", undefined], ["b", 2]])')
jv("encode.map-null-value", "a Map entry with a null value is omitted", T(), None, 'new Map([["a", null]])')
jv("encode.map-unordered", "Map entries are written in canonical order", tbl([(S("id"), I(1)), (S("bio"), I(2))]),
   None, 'new Map([["bio", 2], ["id", 1]])')
jv("encode.map-minus-zero-key", "Map key -0 (SameValueZero makes it 0) is integer key 0", tbl([(I(0), True)]), None,
   "new Map([[-0, true]])")
jv("encode.nested-ref", "a TableRef inside an array", T([R(1), R(2)]), None, "[%s, %s]" % (jsref(1), jsref(2)))
# 8.4 options, 8.6 lossy round trips
nonc("js.options.strict", "8.4", "deserializeObject(bytes, { strict: true }) rejects a NaN with payload",
     e_float_bits(0x7FF4000000000000), FB(CANONICAL_NAN), 0)
invalid("js.options.max-depth", "8.4", "deserializeObject with { maxDepth: 2 } refuses three nested arrays",
        enc(nested(3)), "depth_exceeded", 10, limits={"max_depth": 2})
invalid("js.options.max-size", "8.4", "deserializeObject with { maxSize: 4 } refuses a 5-byte reference",
        e_ref(1), "length_overflow", 0, limits={"max_size": 4})
encerr("js.options.encode-max-depth", "8.4", "serializeObject with { maxDepth: 2 } refuses three nested arrays",
       "depth_exceeded", value=nested(3), source="[[[]]]", limits={"max_depth": 2})
encerr("js.options.encode-max-size-string", "8.4", "serializeObject with { maxSize: 4 } refuses a 5-byte string",
       "length_overflow", value=S("hello"), source="'hello'", limits={"max_size": 4})
jv("lossy.map-all-strings", "a Map whose keys are all strings comes back as an object", tbl([(S("a"), I(1))]),
   "({ a: 1 })", 'new Map([["a", 1]])')
jv("lossy.integral-float", "Lua 5.0 comes to JS as 5 and goes back as the integer 5", F(5.0), "5")
jv("lossy.big-integer", "an integer beyond 2^53 written from a BigInt comes back as a BigInt", I(2**60),
   "1152921504606846976n", "2n ** 60n")
jv("encode.map-2p60-number-key", "Map key 2**60 (a number, not safe: a float) normalises to integer key 2^60",
   tbl([(I(2**60), True)]), None, "new Map([[2 ** 60, true]])")
jv("encode.shared-not-cycle", "an array that appears twice (not inside itself) is written twice",
   T([T([I(1)]), T([I(1)])]), None, "(() => { const a = [1]; return [a, a]; })()")
jv("encode.getter", "object properties are read with ordinary access (getters run)", tbl([(S("a"), I(1))]), None,
   "({ get a() { return 1; } })")
jv("encode.subarray", "a Uint8Array view writes the bytes of its view only", B("0203"), None,
   "new Uint8Array([1, 2, 3, 4]).subarray(1, 3)")
jv("encode.branded-array", "the TableRef brand is checked first: a branded array is a reference", R(4), None,
   "Object.assign([1, 2], { id: 4, [%s]: true })" % BR)
jv("encode.branded-map", "a branded Map is a reference", R(5), None,
   "Object.assign(new Map([[1, 2]]), { id: 5, [%s]: true })" % BR)
jv("encode.branded-null-proto", "a branded object with a null prototype is a reference", R(6), None,
   "Object.assign(Object.create(null), { id: 6, [%s]: true })" % BR)
encerr("js.encode-error.cycle-before-depth", "8.5.13",
       "with maxDepth 1 an array containing itself is a cycle, not depth_exceeded (cycle is checked first)", "cycle",
       source="(() => { const a = []; a.push(a); return a; })()", limits={"max_depth": 1})
# encode errors of the JS mapping
for name, src, err, desc in [
    ("map-nan-key", "new Map([[NaN, 1]])", "invalid_key", "Map key NaN"),
    ("map-null-key", "new Map([[null, 1]])", "invalid_key", "Map key null"),
    ("map-undefined-key", "new Map([[undefined, 1]])", "invalid_key", "Map key undefined"),
    ("map-table-key", "new Map([[[1], 1]])", "invalid_key", "Map key that is an array (a table)"),
    ("map-object-key", "new Map([[{}, 1]])", "invalid_key", "Map key that is an object (a table)"),
    ("map-1-and-1n", "new Map([[1, 'a'], [1n, 'b']])", "duplicate_key", "Map keys 1 and 1n"),
    ("map-equal-bytes-keys", "new Map([[new Uint8Array([1]), 'a'], [new Uint8Array([1]), 'b']])", "duplicate_key",
     "two Uint8Array Map keys with equal content"),
    ("map-map-key", "new Map([[new Map(), 1]])", "invalid_key", "Map key that is a Map"),
    ("map-function-key", "new Map([[() => 0, 1]])", "invalid_key", "Map key that is a function"),
    ("map-symbol-key", "new Map([[Symbol('k'), 1]])", "invalid_key", "Map key that is a symbol"),
    ("map-date-key", "new Map([[new Date(0), 1]])", "invalid_key", "Map key that is a Date"),
    ("map-surrogate-key", "new Map([['\\uDFFF', 1]])", "invalid_utf8", "Map key string with a lone surrogate"),
    ("map-bad-ref-key", "new Map([[{ id: -1, [%s]: true }, 1]])" % BR, "unsupported_type",
     "Map key TableRef with id -1"),
    ("map-2p53-and-bigint", "new Map([[2 ** 53, 'a'], [2n ** 53n, 'b']])", "duplicate_key",
     "Map keys 2^53 (number) and 2^53n (BigInt)"),
    ("bigint-2p63", "2n ** 63n", "integer_overflow", "BigInt 2^63"),
    ("bigint-minus-2p63-minus-1", "-(2n ** 63n) - 1n", "integer_overflow", "BigInt -2^63-1"),
    ("bigint-map-key", "new Map([[2n ** 64n, 1]])", "integer_overflow", "an out-of-range BigInt as a Map key"),
    ("lone-high-surrogate", "'a\\uD800'", "invalid_utf8", "a string ending in a lone high surrogate"),
    ("lone-low-surrogate", "'\\uDC00b'", "invalid_utf8", "a string starting with a lone low surrogate"),
    ("reversed-surrogates", "'\\uDC00\\uD800'", "invalid_utf8", "a low surrogate before a high one"),
    ("surrogate-key", "({ '\\uD800': 1 })", "invalid_utf8", "an object key with a lone surrogate"),
    ("cycle-array", "(() => { const a = []; a[0] = a; return a; })()", "cycle", "an array containing itself"),
    ("cycle-map-key", "(() => { const m = new Map(); m.set('x', [m]); return m; })()", "cycle",
     "a Map reachable from its own value"),
    ("function", "function f() {}", "unsupported_type", "a function"),
    ("symbol", "Symbol.iterator", "unsupported_type", "a symbol"),
    ("date", "new Date(0)", "unsupported_type", "a Date"),
    ("regexp", "/x/", "unsupported_type", "a RegExp"),
    ("set", "new Set([1])", "unsupported_type", "a Set"),
    ("class-instance", "new (class Point { constructor() { this.x = 1; } })()", "unsupported_type", "a class instance"),
    ("uint16array", "new Uint16Array(2)", "unsupported_type", "a Uint16Array (only Uint8Array is bytes)"),
    ("arraybuffer", "new ArrayBuffer(4)", "unsupported_type", "an ArrayBuffer"),
    ("dataview", "new DataView(new ArrayBuffer(4))", "unsupported_type", "a DataView"),
    ("ref-negative", "({ id: -1, [%s]: true })" % BR, "unsupported_type", "a TableRef with id -1"),
    ("ref-too-big", "({ id: 2 ** 32, [%s]: true })" % BR, "unsupported_type", "a TableRef with id 2^32"),
    ("ref-fraction", "({ id: 1.5, [%s]: true })" % BR, "unsupported_type", "a TableRef with id 1.5"),
    ("ref-string-id", "({ id: '7', [%s]: true })" % BR, "unsupported_type", "a TableRef whose id is a string"),
    ("ref-no-id", "({ [%s]: true })" % BR, "unsupported_type", "a TableRef without an id"),
    ("ref-bigint-id", "({ id: 7n, [%s]: true })" % BR, "unsupported_type", "a TableRef whose id is a BigInt"),
    ("boxed-number", "new Number(1)", "unsupported_type", "a boxed primitive"),
    ("promise", "Promise.resolve(1)", "unsupported_type", "a Promise"),
    ("weakmap", "new WeakMap()", "unsupported_type", "a WeakMap"),
    ("nested-function", "[1, { f: () => 0 }]", "unsupported_type", "a function nested in an object in an array"),
]:
    encerr("js.encode-error." + name, "8", desc, err, source=src)



# ====================================================================== 14
# The informative examples of spec/14-examples.md, read from the chapter
# itself so the kit and the text cannot drift apart: every example must be
# what lxt.py's model says (the script stops otherwise).
begin("14-examples", "Examples (informative, from spec/14-examples.md)")
SPEC14 = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "spec", "14-examples.md")


SLUGS = set()


def slug(prefix, text):
    """A stable id from an example's own words (not its position)."""
    taken = SLUGS
    text = "empty string" if text == '""' else text
    text = text.replace("−", "minus-").replace("^", "p").replace("Ω", "O").replace("{}", "table")
    out = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48].strip("-") or "x"
    out = prefix + out
    base, k = out, 2
    while out in taken:
        out, k = "%s-%d" % (base, k), k + 1
    taken.add(out)
    return out


def hexcell(cell):
    cell = cell.strip().strip("`").strip()
    return b"" if cell == "(empty)" else h(cell)


def cell_limits(text):
    m = re.search(r"with (max_size|max_depth) (\d+)", text)
    return {m.group(1): int(m.group(2))} if m else None


def spec_examples(text):
    section = None
    blocks = []  # (section, hex bytes, title)
    rows = []  # (section, cells)
    lines = text.split("\n")
    i = 0
    title = ""
    while i < len(lines):
        line = lines[i]
        m = re.match(r"## (14\.\d)", line)
        if m:
            section = m.group(1)
        if line.startswith("```"):
            raw = b""
            i += 1
            while not lines[i].startswith("```"):
                hm = re.match(r"^((?:[0-9A-F]{2} )*[0-9A-F]{2})(?:\s|$)", lines[i])
                if hm:
                    raw += h(hm.group(1))
                i += 1
            blocks.append((section, raw, title))
        elif line.startswith("|") and not line.startswith("|---"):
            rows.append((section, [c.strip() for c in line.strip().strip("|").split("|")]))
        elif line.strip() and not lines[i - 1].strip():
            title = line.strip()  # the first line of the paragraph before a block
        i += 1
    return blocks, rows


if os.path.exists(SPEC14):
    with open(SPEC14, encoding="utf-8") as f:
        spec14 = f.read()
    blocks, rows = spec_examples(spec14)
    n = {"14.1": 0, "14.2": 0, "14.3": 0, "14.4": 0}
    for sec, cells in rows:
        if cells[0] in ("value", "what", "input"):
            continue
        n[sec] += 1
        if sec == "14.1":
            value = json.loads(cells[2].strip("`"))
            valid(slug("examples.scalar.", cells[0]), sec, "§14.1 example: " + cells[0], value, hexcell(cells[1]))
        elif sec == "14.3":
            canonical = hexcell(cells[3])
            value, _ = decode(canonical)
            nonc(slug("examples.noncanonical.", cells[0]), sec, "§14.3 example: " + cells[0].replace("`", ""),
                 hexcell(cells[1]), value, int(cells[2]))
        elif sec == "14.4":
            lim = cell_limits(cells[0])
            raw = hexcell(cells[0].split(" with ")[0])
            invalid(slug("examples.invalid.", cells[1]), sec, "§14.4 example: " + cells[1].replace("`", ""), raw,
                    cells[2].strip("`"), int(cells[3]), limits=lim)
    for sec, raw, title in blocks:
        n[sec] += 1
        if sec == "14.2":
            value, _ = decode(raw)
            valid(slug("examples.table.", title.split(",")[0].split(":")[0]), sec, "§14.2 example: " + title.rstrip(":").replace("`", ""),
                  value, raw)
        elif sec == "14.3":
            m = re.search(r"Lenient: `([0-9A-F ]+)`", spec14)
            value, _ = decode(h(m.group(1)))
            off = int(re.search(r"Strict: `noncanonical` at (\d+)", spec14).group(1))
            nonc("examples.noncanonical.nested", sec, "§14.3 example: the first noncanonical item across nesting",
                 raw, value, off)
    m = re.search(r"`(06 01 00 00 00 00 01[0-9A-F ]+)`, is\s+`duplicate_key` at (\d+)", spec14)
    invalid("examples.noncanonical.reveals-duplicate", "14.3", "§14.3 example: normalising key 1.0 reveals a duplicate",
            h(m.group(1)), "duplicate_key", int(m.group(2)))

# Subsections of the spec chapters (spec/decisions.md lists them): the first
# matching id prefix gives a vector its section; vectors not listed keep the
# section they were written with.
SUBSECTIONS = [
    ("overview.little-endian.", "1.1"), ("overview.model.", "1.3"), ("overview.conformance.", "1.4"),
    ("overview.", "1.2"),
    ("errors.truncation.", "5.1"), ("errors.truncated.", "5.1"), ("errors.unknown-tag.", "5.1"),
    ("errors.invalid-bool.", "5.1"), ("errors.length-overflow.", "5.1"), ("errors.invalid-key.", "5.1"),
    ("errors.precedence.", "5.2"), ("errors.example.", "5.3"), ("errors.encode.", "5.4"),
    ("limits.depth.", "6.1"), ("limits.size.", "6.2"), ("limits.count.", "6.3"),
    ("js.decode.int-", "8.5.1"), ("js.decode.map-bigint-key", "8.5.1"),
    ("js.decode.float-minus-zero", "8.5.2"), ("js.encode.number-minus-zero", "8.5.2"),
    ("js.encode.map-minus-zero-key", "8.5.2"),
    ("js.decode.float-nan", "8.5.3"), ("js.decode.float-inf", "8.5.3"), ("js.decode.float-minus-inf", "8.5.3"),
    ("js.decode.float-integral", "8.6"), ("js.decode.float-2p53", "8.5.4"), ("js.decode.float-1e300", "8.5.4"),
    ("js.encode.number-", "8.5.4"),
    ("js.encode.bigint-", "8.5.5"), ("js.encode-error.bigint-", "8.5.5"),
    ("js.decode.string", "8.5.6"), ("js.decode.bytes", "8.5.6"), ("js.decode.map-bytes-key", "8.5.6"),
    ("js.encode.buffer", "8.6"),
    ("js.decode.undefined", "8.5.7"), ("js.encode.array-undefined-last", "8.5.7"),
    ("js.encode.object-undefined-prop", "8.5.7"), ("js.encode.map-undefined-value", "8.5.7"),
    ("js.encode.sparse-array", "8.5.8"), ("js.encode.array-null", "8.5.8"), ("js.encode.array-all-null", "8.5.8"),
    ("js.decode.map-hole", "8.6"),
    ("js.decode.table-empty-object", "8.6"), ("js.decode.table-empty", "8.5.9"),
    ("js.decode.map-array-and-string", "8.5.10"),
    ("js.decode.object-digit-keys", "8.5.11"), ("js.encode.object-digit-key", "8.5.11"),
    ("js.decode.map-string-and-int", "8.5.11"),
    ("js.decode.map-", "8.5.12"), ("js.encode.map-", "8.5.12"), ("js.encode-error.map-", "8.5.12"),
    ("js.encode-error.cycle-", "8.5.13"),
    ("js.decode.ref", "8.3"), ("js.encode.nested-ref", "8.3"), ("js.encode-error.ref-", "8.3"),
    ("js.encode.branded-", "8.3"), ("js.encode-error.map-bad-ref-key", "8.3"),
    ("js.options.", "8.4"), ("js.lossy.", "8.6"), ("js.encode.object-null-prop", "8.6"),
    ("js.decode.", "8.1"), ("js.encode.", "8.2"), ("js.encode-error.", "8.2"),
]


def subsection(v):
    for prefix, sec in SUBSECTIONS:
        if v["id"].startswith(prefix):
            return sec
    return v["section"]


# ====================================================================== write
def dump(doc):
    """The file layout shared with generate-vectors: one vector per line."""
    head = ",\n".join(" %s: %s" % (json.dumps(k), json.dumps(v)) for k, v in doc.items() if k != "vectors")
    lines = ",\n".join("  " + json.dumps(v, ensure_ascii=False, separators=(", ", ": ")) for v in doc["vectors"])
    return "{\n%s,\n \"vectors\": [\n%s\n ]\n}\n" % (head, lines)


def main():
    check = "--check" in sys.argv
    total = 0
    stale = []
    for name, (title, vectors) in FILES.items():
        for v in vectors:
            v["section"] = subsection(v)
        doc = {
            "$schema": "../schema/vectors.schema.json",
            "title": title,
            "generated_by": "conformance/tools/make_vectors.py",
            "vectors": vectors,
        }
        text = dump(doc)
        path = os.path.join(OUT, name + ".json")
        total += len(vectors)
        if check:
            with open(path) as f:
                if f.read() != text:
                    stale.append(path)
        else:
            with open(path, "w") as f:
                f.write(text)
        counts = {}
        for v in vectors:
            counts[v["class"]] = counts.get(v["class"], 0) + 1
        print("%-16s %4d  %s" % (name, len(vectors), counts))
    print("total %d" % total)
    try:
        import jsonschema
    except ImportError:
        jsonschema = None
    if "--schema" in sys.argv and jsonschema is None:
        sys.exit("--schema needs the Python package jsonschema")
    if "--schema" in sys.argv:  # validate every file against the JSON Schema
        sys.setrecursionlimit(20000)
        here = os.path.dirname(os.path.abspath(__file__))
        with open(os.path.join(here, "..", "schema", "vectors.schema.json")) as f:
            validator = jsonschema.Draft202012Validator(json.load(f))
        for name in sorted(os.listdir(OUT)):
            with open(os.path.join(OUT, name)) as f:
                validator.validate(json.load(f))
        print("schema: every file validates")
    if stale:
        sys.exit("out of date: " + ", ".join(stale))


if __name__ == "__main__":
    main()
