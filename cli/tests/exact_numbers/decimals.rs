//! Random decimal numbers in the forms JSON allows, from a seeded PRNG, with
//! the cases that trip parsers that are not correctly rounded: long
//! mantissas, numbers next to the midpoint between two doubles, subnormals,
//! and the edges of the binary64 range.

/// SplitMix64: tiny, seeded, and spreads consecutive seeds well.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    /// `n` random digits, the first not zero.
    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|i| {
                let lo = if i == 0 { 1 } else { 0 };
                char::from(b'0' + self.range(lo, 9) as u8)
            })
            .collect()
    }
}

/// Hand-picked numbers first: the known misrounding, the edges of the
/// range, the integer edges of i64 and every spelling JSON allows.
const FIXED: &[&str] = &[
    "3e23",
    "0.1",
    "0",
    "-0",
    "0.0",
    "-0.0",
    "0e0",
    "0E-5",
    "1E+5",
    "1e007",
    "1e0000000000000000000023",
    "0.000000000000000000000000000000000000000001",
    "1e-400",
    "-1e-400",
    "5e-324",
    "2.4703282292062327e-324",
    "2.4703282292062328e-324",
    "2.2250738585072011e-308",
    "2.2250738585072012e-308",
    "1.7976931348623157e308",
    "1.7976931348623158e308",
    "-1.7976931348623158e308",
    "9007199254740993",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "123456789012345678901234567890",
];

/// `count` numbers: the fixed ones, then random ones from `seed`.
pub fn cases(seed: u64, count: usize) -> Vec<String> {
    let mut rng = Rng::new(seed);
    let mut out: Vec<String> = FIXED.iter().map(|s| s.to_string()).collect();
    while out.len() < count {
        let negative = rng.chance(30);
        let text = match rng.range(0, 99) {
            0..=29 => short(&mut rng),
            30..=54 => long(&mut rng),
            55..=69 => near_midpoint(&mut rng),
            70..=79 => tiny(&mut rng),
            80..=87 => huge(&mut rng),
            _ => integer(&mut rng),
        };
        out.push(if negative { format!("-{text}") } else { text });
    }
    out
}

/// 1 to 3 digits, mostly with a moderate exponent (`0.1`, `3e23`).
fn short(rng: &mut Rng) -> String {
    let n = rng.range(1, 3) as usize;
    let digits = rng.digits(n);
    let q = if rng.chance(80) {
        rng.range(-32, 28)
    } else {
        rng.range(-330, 310)
    };
    render(rng, &digits, q)
}

/// 17 to 40 significant digits anywhere in the normal range.
fn long(rng: &mut Rng) -> String {
    let n = rng.range(17, 40) as usize;
    let digits = rng.digits(n);
    let q = rng.range(-300, 300) - n as i64;
    render(rng, &digits, q)
}

/// Around 1e-310 down to 5e-324 (subnormals) and a little below (zero).
fn tiny(rng: &mut Rng) -> String {
    let n = rng.range(1, 25) as usize;
    let digits = rng.digits(n);
    let q = rng.range(-330, -307) - n as i64;
    render(rng, &digits, q)
}

/// Near 1e308, some of them beyond the largest double.
fn huge(rng: &mut Rng) -> String {
    let n = rng.range(1, 25) as usize;
    let digits = rng.digits(n);
    let q = rng.range(306, 309) - n as i64 + 1;
    render(rng, &digits, q)
}

/// Integers: inside i64 (they must stay integers), at its edges, and
/// beyond it (floats).
fn integer(rng: &mut Rng) -> String {
    match rng.range(0, 9) {
        0..=5 => {
            let bits = rng.range(0, 63);
            ((rng.next() >> 1) >> (63 - bits)).to_string()
        }
        6 => (i64::MAX as i128 + rng.range(-3, 3) as i128).to_string(),
        _ => {
            let n = rng.range(19, 40) as usize;
            rng.digits(n)
        }
    }
}

/// The exact decimal of the midpoint between a random double and the
/// next one up, or that midpoint cut to 17 to 40 digits, or cut and then
/// raised in its last digit (just below and just above the midpoint).
fn near_midpoint(rng: &mut Rng) -> String {
    let exponent = rng.range(0, 2046) as u64;
    let fraction = rng.next() & ((1 << 52) - 1);
    let (digits, q) = midpoint(exponent, fraction);
    let n = rng.range(17, 40) as usize;
    if digits.len() <= n || rng.chance(10) {
        return render(rng, &digits, q);
    }
    let cut = &digits[..n];
    let q = q + (digits.len() - n) as i64;
    if rng.chance(50) {
        render(rng, cut, q)
    } else {
        let (raised, q) = raise_last(cut, q);
        render(rng, &raised, q)
    }
}

/// The midpoint between the double with these fields (not NaN or
/// infinity) and the next double up, as digits D and q with value D·10^q.
/// The midpoint is (2m+1)·2^(e−1) for the double m·2^e.
pub fn midpoint(exponent: u64, fraction: u64) -> (String, i64) {
    let (m, e) = if exponent == 0 {
        (fraction, -1074)
    } else {
        (fraction | 1 << 52, exponent as i64 - 1075)
    };
    let mut n = Big::from(2 * m + 1);
    let e = e - 1;
    if e >= 0 {
        n.mul_pow(2, e as u32);
        (n.to_string(), 0)
    } else {
        n.mul_pow(5, -e as u32);
        (n.to_string(), e)
    }
}

/// `digits` + 1 in the last place, as digits and exponent.
fn raise_last(digits: &str, q: i64) -> (String, i64) {
    let mut bytes = digits.as_bytes().to_vec();
    for b in bytes.iter_mut().rev() {
        if *b == b'9' {
            *b = b'0';
        } else {
            *b += 1;
            return (String::from_utf8(bytes).unwrap(), q);
        }
    }
    // All nines: 10…0, one digit longer; drop a zero to keep the length.
    bytes.insert(0, b'1');
    bytes.pop();
    (String::from_utf8(bytes).unwrap(), q + 1)
}

/// A JSON spelling of digits·10^q, chosen at random: scientific with the
/// point anywhere, `0.000ddd` with an exponent, or plain digits with zeros;
/// `e` or `E`, an optional `+`, leading zeros in the exponent.
fn render(rng: &mut Rng, digits: &str, q: i64) -> String {
    let n = digits.len() as i64;
    let (mantissa, exponent) = match rng.range(0, 9) {
        // Plain integer digits, when that is short.
        0 if (0..=20).contains(&q) => return format!("{digits}{}", "0".repeat(q as usize)),
        // Plain `12.34` or `0.00ddd`, when that is short.
        1 if (-n - 20..0).contains(&q) => {
            return match usize::try_from(n + q) {
                Ok(point) if point > 0 => format!("{}.{}", &digits[..point], &digits[point..]),
                _ => format!("0.{}{digits}", "0".repeat((-q - n) as usize)),
            };
        }
        2 | 3 => {
            let zeros = rng.range(0, 5);
            let mantissa = format!("0.{}{digits}", "0".repeat(zeros as usize));
            (mantissa, q + zeros + n)
        }
        _ => {
            let k = rng.range(1, n) as usize;
            let mantissa = if k == digits.len() {
                digits.to_owned()
            } else {
                format!("{}.{}", &digits[..k], &digits[k..])
            };
            (mantissa, q + n - k as i64)
        }
    };
    let e = if rng.chance(20) { "E" } else { "e" };
    let sign = match exponent {
        x if x < 0 => "-",
        _ if rng.chance(20) => "+",
        _ => "",
    };
    let zeros = "0".repeat(if rng.chance(10) {
        rng.range(1, 3) as usize
    } else {
        0
    });
    format!("{mantissa}{e}{sign}{zeros}{}", exponent.unsigned_abs())
}

/// A non-negative big integer in base 10^9, least significant limb first:
/// just enough arithmetic for exact midpoints.
struct Big(Vec<u64>);

const BASE: u64 = 1_000_000_000;

impl Big {
    fn from(mut n: u64) -> Big {
        let mut limbs = Vec::new();
        while n > 0 {
            limbs.push(n % BASE);
            n /= BASE;
        }
        Big(limbs)
    }

    /// Multiplies by `base`^`exp` (`base` 2 or 5), 13 factors at a time.
    fn mul_pow(&mut self, base: u64, mut exp: u32) {
        while exp > 0 {
            let step = exp.min(13);
            self.mul(base.pow(step));
            exp -= step;
        }
    }

    /// Multiplies by `factor` < 2^32.
    fn mul(&mut self, factor: u64) {
        let mut carry = 0;
        for limb in &mut self.0 {
            let x = *limb * factor + carry;
            *limb = x % BASE;
            carry = x / BASE;
        }
        while carry > 0 {
            self.0.push(carry % BASE);
            carry /= BASE;
        }
    }
}

impl std::fmt::Display for Big {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut limbs = self.0.iter().rev();
        write!(f, "{}", limbs.next().copied().unwrap_or(0))?;
        limbs.try_for_each(|limb| write!(f, "{limb:09}"))
    }
}
