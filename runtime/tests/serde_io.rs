//! The serde-generic host API: set_input / output / set_meta / meta.

use std::collections::BTreeMap;

use luaxt_format::TableId;
use luaxt_runtime::{Error, Limits, MemoryStore, Runtime};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Order {
    id: u32,
    customer: String,
    items: Vec<Item>,
    note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Item {
    sku: String,
    qty: i64,
    price: f64,
}

#[derive(Debug, PartialEq, Deserialize)]
struct Summary {
    orders: i64,
    revenue: f64,
    by_customer: BTreeMap<String, f64>,
    biggest: Order,
}

fn orders() -> Vec<Order> {
    (1..=50)
        .map(|i| Order {
            id: i,
            customer: format!("c{}", i % 3),
            items: vec![
                Item {
                    sku: "a".into(),
                    qty: i64::from(i),
                    price: 1.5,
                },
                Item {
                    sku: "b".into(),
                    qty: 1,
                    price: 10.0,
                },
            ],
            note: (i % 2 == 0).then(|| "even".to_string()),
        })
        .collect()
}

#[test]
fn serde_input_output_round_trip() {
    let mut rt = Runtime::new(MemoryStore::new(), Limits::default()).unwrap();
    let input = orders();
    rt.set_input(&input).unwrap();
    rt.set_meta(&("run", 7)).unwrap();
    rt.compute(
        r#"
        local revenue, by, biggest, best = 0, {}, nil, -1
        for _, o in ipairs(_io.input) do
          local total = 0
          for _, it in ipairs(o.items) do total = total + it.qty * it.price end
          revenue = revenue + total
          by[o.customer] = (by[o.customer] or 0) + total
          if total > best then best, biggest = total, o end
        end
        assert(_io.meta[1] == "run" and _io.meta[2] == 7)
        _io.output = { orders = #_io.input, revenue = revenue, by_customer = by, biggest = biggest }
        "#,
    )
    .unwrap();
    let summary: Summary = rt.output().unwrap();
    assert_eq!(summary.orders, 50);
    let expected: f64 = input
        .iter()
        .map(|o| o.items.iter().map(|i| i.qty as f64 * i.price).sum::<f64>())
        .sum();
    assert_eq!(summary.revenue, expected);
    assert_eq!(summary.by_customer.len(), 3);
    assert_eq!(summary.biggest, input[49]);
    assert_eq!(rt.meta::<(String, i64)>().unwrap(), ("run".to_string(), 7));

    // Echo: what goes in comes out unchanged.
    rt.compute("_io.output = _io.input").unwrap();
    assert_eq!(rt.output::<Vec<Order>>().unwrap(), input);

    // Unset output reads as None; a type that does not fit is an error.
    rt.clear_io().unwrap();
    assert_eq!(rt.output::<Option<Summary>>().unwrap(), None);
    rt.compute("_io.output = 'text'").unwrap();
    assert!(matches!(rt.output::<i64>(), Err(Error::Format(_))));
    rt.set_input(&None::<i64>).unwrap();
    assert_eq!(
        rt.compute("return _io.input == nil").unwrap(),
        luaxt_format::Value::Bool(true)
    );
}

#[test]
fn references_cross_as_table_ids() {
    let mut rt = Runtime::new(MemoryStore::new(), Limits::default()).unwrap();
    rt.compute("local t = ext.table() t.x = 1 _home.t = t _io.output = { t = t }")
        .unwrap();
    let out: BTreeMap<String, TableId> = rt.output().unwrap();
    let id = out["t"];
    rt.set_input(&id).unwrap();
    assert_eq!(
        rt.compute("return _io.input == _home.t and _io.input.x")
            .unwrap(),
        luaxt_format::Value::Int(1)
    );
}
