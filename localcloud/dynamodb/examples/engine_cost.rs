//! The engine's own time per PutItem and GetItem: dynoxide's typed requests parsed from JSON,
//! run against an in-memory database and serialised, in a loop on one thread, with no HTTP.
//! Compare with the round trip of section a) of `scripts/bench.sh` to see how much of a
//! request's time is the engine and how much is HTTP, the client and the kernel.
//!
//!     cargo run --release -p localcloud-dynamodb --example engine_cost

use std::time::Instant;

use dynoxide::actions::{create_table, get_item, put_item};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn main() -> Res<()> {
    let db = dynoxide::Database::memory()?;
    db.create_table(serde_json::from_str::<create_table::CreateTableRequest>(
        r#"{"TableName":"bench","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],
            "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],
            "BillingMode":"PAY_PER_REQUEST"}"#,
    )?)?;
    let n = 50_000;
    let value = "v".repeat(100);
    let t = Instant::now();
    for i in 0..n {
        let body = format!(
            r#"{{"TableName":"bench","Item":{{"pk":{{"S":"k{}"}},"v":{{"S":"{value}"}},"n":{{"N":"{i}"}}}}}}"#,
            i % 500
        );
        let resp = db.put_item(serde_json::from_str::<put_item::PutItemRequest>(&body)?)?;
        std::hint::black_box(serde_json::to_string(&resp)?);
    }
    let put = t.elapsed().as_secs_f64() * 1e6 / f64::from(n);
    let t = Instant::now();
    for i in 0..n {
        let body = format!(
            r#"{{"TableName":"bench","Key":{{"pk":{{"S":"k{}"}}}}}}"#,
            i % 500
        );
        let resp = db.get_item(serde_json::from_str::<get_item::GetItemRequest>(&body)?)?;
        std::hint::black_box(serde_json::to_string(&resp)?);
    }
    let get = t.elapsed().as_secs_f64() * 1e6 / f64::from(n);
    println!("engine only, 100-byte items, {n} of each: PutItem {put:.1} µs, GetItem {get:.1} µs");
    Ok(())
}
