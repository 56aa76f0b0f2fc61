use super::*;
use order_domain::test_support::{event, event_files};

const FN: &str = "profile-welcome";

fn load(file: &str) -> Event {
    serde_json::from_value(event(FN, file)).unwrap()
}

fn failures(outcome: &Outcome) -> Vec<String> {
    outcome
        .response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.clone().unwrap())
        .collect()
}

#[test]
fn every_sample_is_covered() {
    assert_eq!(
        event_files(FN),
        ["insert-and-modify.json", "insert-without-user-id.json"]
    );
}

#[test]
fn inserts_are_greeted_and_modify_is_skipped() {
    let batch = load("insert-and-modify.json");
    assert_eq!(batch.records.len(), 3);
    let outcome = welcome(&batch);
    assert_eq!(
        outcome.greetings,
        [
            "WELCOME: userId=0c8e2f5a-1d3b-4e6f-9a7b-2c4d6e8f0a1b name=Ada Lovelace",
            "WELCOME: userId=7f3a9b1c-2d4e-4f60-8a1b-3c5d7e9f1a2b name=Grace Hopper",
        ]
    );
    assert!(failures(&outcome).is_empty());
    // The response serializes in the shape Lambda's partial batch response expects.
    assert_eq!(
        serde_json::to_value(&outcome.response).unwrap(),
        serde_json::json!({"batchItemFailures": []})
    );
}

#[test]
fn unreadable_inserts_are_reported_by_sequence_number() {
    let outcome = welcome(&load("insert-without-user-id.json"));
    assert_eq!(
        outcome.greetings,
        ["WELCOME: userId=5b6c7d8e-9f01-4a2b-8c3d-4e5f6a7b8c9d name=Alan Turing"]
    );
    assert_eq!(failures(&outcome), ["400000000000000000003"]);
    assert_eq!(
        serde_json::to_value(&outcome.response).unwrap(),
        serde_json::json!({"batchItemFailures": [{"itemIdentifier": "400000000000000000003"}]})
    );
}

#[test]
fn replaying_a_batch_gives_the_same_outcome() {
    let batch = load("insert-and-modify.json");
    assert_eq!(welcome(&batch).greetings, welcome(&batch).greetings);
}

/// The stream records dynoxide produces for real writes (what the local cloud will deliver)
/// deserialize as AWS's event and get the same treatment as the samples.
#[tokio::test]
async fn records_from_a_real_stream_are_handled() {
    use order_domain::dynamo::s;
    use order_domain::test_support::{dynamo_with_db, stream_event, PROFILES};
    let (client, db) = dynamo_with_db().await;
    for (id, name) in [("u-1", "Ada"), ("u-2", "Grace")] {
        client
            .put_item()
            .table_name(PROFILES)
            .item("userId", s(id))
            .item("name", s(name))
            .item("email", s(format!("{id}@example.com")))
            .send()
            .await
            .unwrap();
    }
    client
        .put_item()
        .table_name(PROFILES)
        .item("userId", s("u-1"))
        .item("name", s("Ada King"))
        .send()
        .await
        .unwrap();
    let batch: Event = serde_json::from_value(stream_event(&db, PROFILES)).unwrap();
    let names: Vec<&str> = batch
        .records
        .iter()
        .map(|r| r.event_name.as_str())
        .collect();
    assert_eq!(names, ["INSERT", "INSERT", "MODIFY"]);
    let outcome = welcome(&batch);
    assert_eq!(
        outcome.greetings,
        [
            "WELCOME: userId=u-1 name=Ada",
            "WELCOME: userId=u-2 name=Grace"
        ]
    );
    assert!(failures(&outcome).is_empty());
}
