//! `DecodeOptions::value_len` and `table_spans` let a reader jump to one
//! entry of a document without decoding the others (the runtime's input
//! views). What they say must be what `decode` says: on a valid document
//! the value's length is the document's, and a table whose spans are
//! `direct` decodes to exactly its spans' entries; on an invalid document
//! they fail (or stop short of its end). Checked on every vector and on
//! generated cases.

use luaxt_conformance::{cases, vectors};
use luaxt_format::{DecodeOptions, Limits, Table, Value};

#[track_caller]
fn agree(what: &str, bytes: &[u8], limits: Limits) {
    let options = DecodeOptions::new().limits(limits);
    let decoded = options.decode(bytes);
    let len = options.value_len(bytes);
    // The size of a whole document (§6.2) is the caller's to check.
    if bytes.len() as u64 > limits.max_size {
        return;
    }
    match &decoded {
        Ok(_) => assert_eq!(len.as_ref().ok(), Some(&bytes.len()), "{what}"),
        // Trailing bytes are the one error that lies past the value.
        Err(_) => assert!(
            len.as_ref().is_ok_and(|&n| n < bytes.len()) || len.is_err(),
            "{what}: {len:?}"
        ),
    }
    let Ok(Value::Table(table)) = decoded else {
        return;
    };
    let spans = options
        .table_spans(bytes)
        .unwrap_or_else(|e| panic!("{what}: the decoder took the table, spans refused it: {e}"));
    assert_eq!(spans.len as usize, bytes.len(), "{what}");
    if !spans.direct {
        return;
    }
    let at = |start: u32| {
        let rest = &bytes[start as usize..];
        let n = options.value_len(rest).expect("a span holds a value");
        options.decode(&rest[..n]).expect("a span holds a value")
    };
    let array: Vec<Value> = spans.array.iter().map(|&s| at(s)).collect();
    let hash: Vec<(Value, Value)> = spans.hash.iter().map(|&(k, v)| (at(k), at(v))).collect();
    assert_eq!(table.array(), array.as_slice(), "{what}: array part");
    assert_eq!(table.hash(), hash.as_slice(), "{what}: hash part");
    let mut rebuilt = Table::from_array(array);
    for (key, value) in hash {
        rebuilt.insert(key, value).unwrap();
    }
    assert_eq!(rebuilt, table, "{what}");
}

#[test]
fn spans_agree_with_decode_on_every_vector() {
    let mut direct = 0;
    for vector in vectors() {
        if let Some(bytes) = &vector.bytes {
            agree(&vector.id, bytes, vector.limits);
            let spans = DecodeOptions::new()
                .limits(vector.limits)
                .table_spans(bytes);
            direct += usize::from(spans.is_ok_and(|s| s.direct));
        }
    }
    assert!(direct > 300, "{direct} direct tables");
}

#[test]
fn spans_agree_with_decode_on_generated_cases() {
    for index in 0..20_000 {
        let case = cases::case(0x5a_a5, index);
        agree(
            &format!("case {index}: {}", case.description()),
            &case.bytes(),
            case.limits,
        );
    }
}

#[test]
fn a_value_that_is_not_a_table_has_no_spans() {
    let err = DecodeOptions::new().table_spans(&[0x02, 1, 0, 0, 0, 0, 0, 0, 0]);
    assert!(err.is_err());
    assert_eq!(
        DecodeOptions::new().value_len(&[0x01, 0x01, 0xFF]).unwrap(),
        2
    );
}
