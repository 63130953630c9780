// §2 Tags: the byte that starts every value, and the numeric bounds the
// codec checks against (u32 lengths, the i64 range).

/**
 * The tag byte that starts every LXT value (§2). Bytes 0x08–0xFF are
 * reserved and decode as `unknown_tag`.
 * @readonly
 * @enum {number}
 */
export const Tag = Object.freeze({
  NIL: 0x00,
  BOOL: 0x01,
  INT: 0x02,
  FLOAT: 0x03,
  STR: 0x04,
  BYTES: 0x05,
  TABLE: 0x06,
  REF: 0x07,
});

// The same as plain constants: the hot paths compare against literals.
export const T_NIL = 0x00;
export const T_BOOL = 0x01;
export const T_INT = 0x02;
export const T_FLOAT = 0x03;
export const T_STR = 0x04;
export const T_BYTES = 0x05;
export const T_TABLE = 0x06;
export const T_REF = 0x07;

export const TWO_32 = 4294967296;
export const U32_MAX = 0xffffffff;
/** 2^63 as a double (exact): numbers in [-2^63, 2^63) are in i64 range. */
export const TWO_63 = 9223372036854775808;
export const I64_MIN = -(2n ** 63n);
export const I64_MAX = 2n ** 63n - 1n;
