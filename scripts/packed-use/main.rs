//! Uses the packed crates (`cargo package`) as a dependent would: built by
//! scripts/test-packages in a scratch crate outside the repository.
use luaxt_derive::Encode;
use luaxt_format::{Value, decode, encode};
use luaxt_json::{Dialect, json_to_lxt, to_plain};
use luaxt_runtime::{Limits, MemoryStore, Runtime};

fn main() {
    let bytes = encode(&Value::from("packed")).expect("encode");
    assert_eq!(decode(&bytes).expect("decode"), Value::from("packed"));
    let mut rt = Runtime::new(MemoryStore::new(), Limits::default()).expect("runtime");
    rt.set_input(&vec![1, 2, 3]).expect("input");
    let sum = rt
        .compute("local s = 0 for _, x in ipairs(_io.input) do s = s + x end return s")
        .expect("compute");
    assert_eq!(sum, Value::Int(6));
    let from_json = json_to_lxt(r#"{"n": [1, 2.5]}"#, "x", Dialect::Plain, &Default::default())
        .expect("plain JSON");
    let back = to_plain(&decode(&from_json).expect("decode").as_value_ref()).expect("to JSON");
    assert_eq!(back.to_string(), r#"{"n":[1,2.5]}"#);
    #[derive(Encode)]
    struct Point {
        y: i32,
        x: i32,
    }
    let point = luaxt_format::native::to_vec(&Point { y: 2, x: 1 }).expect("derived encode");
    assert_eq!(decode(&point).expect("decode").to_string(), "{x = 1, y = 2}");
    println!("rust program on the packed crates: ok");
}
