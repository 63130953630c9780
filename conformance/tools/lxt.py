"""A tiny, independent LXT 1 model used to write the normative vectors.

It follows spec/decisions.md directly (it does not call luaxt-format):
typed JSON values (§7), a canonical encoder (§2, §4), canonical tables built
from entries (§3.2, §4.1, §4.2), raw byte builders for noncanonical and
invalid inputs, and a reference decoder that computes the error class and
offset of §5, used to double-check every hand-written expectation.
"""

import struct

DEFAULT_DEPTH = 128
DEFAULT_SIZE = 256 * 1024 * 1024
CANONICAL_NAN = 0x7FF8000000000000
I64_MIN = -(2**63)
I64_MAX = 2**63 - 1

# ---------------------------------------------------------------- typed JSON


def I(n):
    assert I64_MIN <= n <= I64_MAX
    return {"int": str(n)}


def fbits(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def F(x):
    """A float by value (Python float)."""
    return FB(fbits(x))


def FB(bits):
    """A float by bit pattern."""
    return {"float": "0x%016x" % bits}


def S(s):
    return {"str": s}


def B(data):
    if isinstance(data, str):
        data = bytes.fromhex(data)
    return {"bytes": data.hex()}


def R(i):
    return {"ref": i}


def bits_of(v):
    return int(v["float"], 16)


def is_nan_bits(bits):
    return (bits >> 52) & 0x7FF == 0x7FF and bits & ((1 << 52) - 1) != 0


def kind(v):
    if v is None:
        return "nil"
    if isinstance(v, bool):
        return "bool"
    (k,) = v.keys()
    return k


# ------------------------------------------------------------------ encoding


def u32(n):
    return struct.pack("<I", n)


def e_int(n):
    return b"\x02" + struct.pack("<q", n)


def e_float_bits(bits):
    return b"\x03" + struct.pack("<Q", bits)


def e_str(raw):
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    return b"\x04" + u32(len(raw)) + raw


def e_bytes(raw):
    return b"\x05" + u32(len(raw)) + raw


def e_ref(i):
    return b"\x07" + u32(i)


def e_table(items, pairs, n=None, m=None):
    """Raw table bytes: `items` (encoded values), `pairs` (encoded key, value)."""
    out = b"\x06" + u32(len(items) if n is None else n) + b"".join(items)
    out += u32(len(pairs) if m is None else m)
    for k, v in pairs:
        out += k + v
    return out


def enc(v):
    """Canonical encoding of a typed value (tables must be canonical)."""
    k = kind(v)
    if k == "nil":
        return b"\x00"
    if k == "bool":
        return b"\x01" + (b"\x01" if v else b"\x00")
    if k == "int":
        return e_int(int(v["int"]))
    if k == "float":
        bits = bits_of(v)
        if is_nan_bits(bits):
            bits = CANONICAL_NAN
        return e_float_bits(bits)
    if k == "str":
        return e_str(v["str"])
    if k == "bytes":
        return e_bytes(bytes.fromhex(v["bytes"]))
    if k == "ref":
        return e_ref(v["ref"])
    if k == "table":
        t = v["table"]
        assert canonical_table(t), t
        return e_table([enc(x) for x in t["array"]], [(enc(a), enc(b)) for a, b in t["hash"]])
    raise ValueError(v)


def normalise_key(k):
    """§3.2: the normalised key, or None for an invalid key."""
    kk = kind(k)
    if kk in ("nil", "table"):
        return None
    if kk == "float":
        bits = bits_of(k)
        if is_nan_bits(bits):
            return None
        x = struct.unpack("<d", struct.pack("<Q", bits))[0]
        if x not in (float("inf"), float("-inf")) and x == int(x):
            n = int(x)
            if I64_MIN <= n <= I64_MAX:
                return I(n)
    return k


def T(array=(), hash=()):
    """A canonical table from its parts, checked to be canonical."""
    t = {"array": list(array), "hash": [list(p) for p in hash]}
    assert canonical_table(t), t
    return {"table": t}


def tbl(entries):
    """The canonical table of (key, value) entries (keys normalised, nil
    values dropped); asserts keys are valid and distinct."""
    norm = []
    for k, v in entries:
        nk = normalise_key(k)
        assert nk is not None, k
        if v is None:
            continue
        norm.append((nk, v))
    encs = [enc(k) for k, _ in norm]
    assert len(set(encs)) == len(encs), "duplicate key"
    ints = {int(k["int"]): v for k, v in norm if kind(k) == "int"}
    n = 0
    while n + 1 in ints:
        n += 1
    array = [ints[i] for i in range(1, n + 1)]
    rest = [(k, v) for k, v in norm if not (kind(k) == "int" and 1 <= int(k["int"]) <= n)]
    rest.sort(key=lambda kv: enc(kv[0]))
    return {"table": {"array": array, "hash": [[k, v] for k, v in rest]}}


def canonical_table(t):
    if any(x is None for x in t["array"]):
        return False
    n = len(t["array"])
    prev = None
    for k, v in t["hash"]:
        nk = normalise_key(k)
        if nk is None or nk != k or v is None:
            return False
        if kind(k) == "int" and 1 <= int(k["int"]) <= n + 1:
            return False
        e = enc(k)
        if prev is not None and e <= prev:
            return False
        prev = e
    return True


# ------------------------------------------------------------------ decoding


class Err(Exception):
    def __init__(self, cls, offset):
        super().__init__("%s at %d" % (cls, offset))
        self.cls = cls
        self.offset = offset


class Decoder:
    def __init__(self, data, max_depth, max_size):
        self.b = data
        self.max_depth = max_depth
        self.max_size = max_size
        self.nc = None

    def noncanonical(self, at):
        if self.nc is None:
            self.nc = at

    def need(self, pos, n):
        if pos + n > len(self.b):
            raise Err("truncated", pos)

    def count(self, pos, min_item):
        self.need(pos, 4)
        declared = struct.unpack_from("<I", self.b, pos)[0]
        left = len(self.b) - (pos + 4)
        if declared * min_item > left or declared > self.max_size:
            raise Err("length_overflow", pos)
        return declared, pos + 4

    def value(self, pos, depth):
        self.need(pos, 1)
        tag = self.b[pos]
        if tag == 0:
            return None, pos + 1
        if tag == 1:
            self.need(pos + 1, 1)
            x = self.b[pos + 1]
            if x > 1:
                raise Err("invalid_bool", pos + 1)
            return x == 1, pos + 2
        if tag == 2:
            self.need(pos + 1, 8)
            return I(struct.unpack_from("<q", self.b, pos + 1)[0]), pos + 9
        if tag == 3:
            self.need(pos + 1, 8)
            bits = struct.unpack_from("<Q", self.b, pos + 1)[0]
            if is_nan_bits(bits):
                if bits != CANONICAL_NAN:
                    self.noncanonical(pos)
                bits = CANONICAL_NAN
            return FB(bits), pos + 9
        if tag in (4, 5):
            n, p = self.count(pos + 1, 1)
            raw = self.b[p : p + n]
            if tag == 5:
                return B(raw), p + n
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                raise Err("invalid_utf8", p + e.start)
            return S(text), p + n
        if tag == 6:
            return self.table(pos, depth + 1)
        if tag == 7:
            self.need(pos + 1, 4)
            return R(struct.unpack_from("<I", self.b, pos + 1)[0]), pos + 5
        raise Err("unknown_tag", pos)

    def key(self, pos, depth):
        self.need(pos, 1)
        tag = self.b[pos]
        if tag in (0, 6):
            raise Err("invalid_key", pos)
        if tag == 3:
            self.need(pos + 1, 8)
            bits = struct.unpack_from("<Q", self.b, pos + 1)[0]
            if is_nan_bits(bits):
                raise Err("invalid_key", pos)
            k = FB(bits)
            nk = normalise_key(k)
            if nk != k:
                self.noncanonical(pos)
            return nk, pos + 9
        return self.value(pos, depth)

    def table(self, pos, depth):
        if depth > self.max_depth:
            raise Err("depth_exceeded", pos)
        n, p = self.count(pos + 1, 1)
        entries = []
        for i in range(n):
            at = p
            v, p = self.value(p, depth)
            if v is None:
                self.noncanonical(at)
            entries.append((I(i + 1), v))
        m, p = self.count(p, 2)
        seen = {}
        dup = None
        prev = None
        for _ in range(m):
            kpos = p
            k, p = self.key(p, depth)
            raw = self.b[kpos:p]
            if prev is not None and raw <= prev:
                self.noncanonical(kpos)
            prev = raw
            e = enc(k)
            if kind(k) == "int" and 1 <= int(k["int"]) <= n:
                dup = kpos if dup is None else min(dup, kpos)
            elif e in seen:
                dup = kpos if dup is None else min(dup, kpos)
            if kind(k) == "int" and int(k["int"]) == n + 1:
                self.noncanonical(kpos)
            seen.setdefault(e, kpos)
            vpos = p
            v, p = self.value(p, depth)
            if v is None:
                self.noncanonical(vpos)
            entries.append((k, v))
        if dup is not None:
            raise Err("duplicate_key", dup)
        return tbl(entries), p


def decode(data, strict=False, max_depth=DEFAULT_DEPTH, max_size=DEFAULT_SIZE):
    """(value, first noncanonical offset or None), or raises Err."""
    if len(data) > max_size:
        raise Err("length_overflow", 0)
    d = Decoder(data, max_depth, max_size)
    v, p = d.value(0, 0)
    if p != len(data):
        raise Err("trailing_bytes", p)
    if strict and d.nc is not None:
        raise Err("noncanonical", d.nc)
    return v, d.nc
