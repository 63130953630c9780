//! Canonicalisation (§4): rewriting any valid encoding in canonical form.

use alloc::vec::Vec;

use crate::{DecodeOptions, Error, ValueRef, encode};

/// Decodes `bytes` leniently and writes their value in canonical form.
///
/// ```
/// // The array element 1 written in the hash part (§4.1) moves back.
/// let loose = [6, 0, 0, 0, 0, 1, 0, 0, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1];
/// let canonical = luaxt_format::canonicalize(&loose)?;
/// assert_eq!(canonical, [6, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0]);
/// assert!(luaxt_format::is_canonical(&canonical)?);
/// # Ok::<(), luaxt_format::Error>(())
/// ```
pub fn canonicalize(bytes: &[u8]) -> Result<Vec<u8>, Error> {
    encode(&ValueRef::decode(bytes)?)
}

/// Whether valid `bytes` are canonical; invalid input is an error.
pub fn is_canonical(bytes: &[u8]) -> Result<bool, Error> {
    Ok(DecodeOptions::new().check(bytes)? == crate::Canonicity::Canonical)
}
