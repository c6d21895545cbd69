//! The ringing pop an agent receives on the events WebSocket carries the caller's number location
//! (归属地) and how often, and when last, the number called the enterprise before.

#![allow(clippy::unwrap_used)]

mod common;

use common::{AGENT_PASS, TestApp};
use futures_util::StreamExt;
use model::calls::{CallDirection, CallEvent, HangupSide};
use model::presence::Offer;
use model::{Event, SkillGroupId};
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;

/// The offer the engine publishes: the call as routed, nothing looked up.
fn offer(caller: &str) -> Offer {
    Offer {
        call: "7".to_owned(),
        caller: caller.to_owned(),
        enterprise_number: "4008000000".to_owned(),
        group_id: SkillGroupId(1),
        group_name: "Sales".to_owned(),
        auto_answer: false,
        customer_name: None,
        location: None,
        previous_calls: 0,
        last_call_at: None,
        consult_by: None,
        consult_from: None,
        transferred_by: None,
        transferred_from: None,
    }
}

/// An ended inbound call from `caller` that started at `at`.
async fn earlier_call(app: &TestApp, e: model::EnterpriseId, key: &str, caller: &str, at: i64) {
    let store = &app.state.store;
    store
        .apply_call_event(&CallEvent::Started {
            key: key.to_owned(),
            enterprise: e,
            direction: CallDirection::Inbound,
            caller: caller.to_owned(),
            callee: "4008000000".to_owned(),
            enterprise_number: Some("4008000000".to_owned()),
            agent: None,
            at,
        })
        .await
        .unwrap();
    store
        .apply_call_event(&CallEvent::Ended {
            key: key.to_owned(),
            at: at + 60_000,
            failure: None,
            hangup_side: HangupSide::Customer,
        })
        .await
        .unwrap();
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn next_event(ws: &mut Socket) -> Value {
    loop {
        match ws.next().await.unwrap().unwrap() {
            Message::Text(t) => return serde_json::from_str(t.as_str()).unwrap(),
            Message::Close(c) => panic!("socket closed: {c:?}"),
            _ => {}
        }
    }
}

/// Serves the app on a loopback port and opens the agent's events socket (past `hello`).
async fn agent_socket(app: &TestApp, token: &str) -> Socket {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = api::app(app.state.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });
    let (mut ws, _) =
        tokio_tungstenite::connect_async(format!("ws://{addr}/api/v1/events?token={token}"))
            .await
            .unwrap();
    assert_eq!(next_event(&mut ws).await["type"], "hello");
    ws
}

#[tokio::test]
async fn a_ringing_pop_carries_the_callers_location_and_history() {
    let app = TestApp::new().await;
    let t = app.tenant("acme").await;
    let other = app.tenant("bolt").await;
    earlier_call(&app, t.id, "k1", "18957509123", 1_700_000_000_000).await;
    earlier_call(&app, t.id, "k2", "+8618957509123", 1_700_000_500_000).await;
    earlier_call(&app, other.id, "k3", "18957509123", 1_700_000_900_000).await;
    let token = app.token("acme", "1001", AGENT_PASS).await;
    let mut ws = agent_socket(&app, &token).await;

    app.state.hub.publish(
        t.agent,
        Event::Ringing {
            offer: offer("+86 189 5750 9123"),
        },
    );
    let ev = next_event(&mut ws).await;
    assert_eq!(ev["type"], "ringing", "{ev}");
    let o = &ev["offer"];
    assert_eq!(o["location"], "浙江 绍兴市 中国电信", "{ev}");
    assert_eq!(o["previous_calls"], 2, "{ev}");
    assert_eq!(o["last_call_at"], 1_700_000_500_000_i64, "{ev}");
    assert_eq!(o["customer_name"], Value::Null);
    assert_eq!(
        (o["caller"].as_str(), o["group_name"].as_str()),
        (Some("+86 189 5750 9123"), Some("Sales"))
    );
}

#[tokio::test]
async fn a_first_call_from_a_number_without_location_rings_with_neither() {
    let app = TestApp::new().await;
    let t = app.tenant("acme").await;
    let token = app.token("acme", "1001", AGENT_PASS).await;
    let mut ws = agent_socket(&app, &token).await;

    app.state.hub.publish(
        t.agent,
        Event::Ringing {
            offer: offer("+14155552671"),
        },
    );
    let ev = next_event(&mut ws).await;
    assert_eq!(ev["type"], "ringing", "{ev}");
    assert_eq!(ev["offer"]["location"], Value::Null, "{ev}");
    assert_eq!(ev["offer"]["previous_calls"], 0, "{ev}");
    assert_eq!(ev["offer"]["last_call_at"], Value::Null, "{ev}");

    // Other events pass through as they are.
    app.state.hub.publish(
        t.agent,
        Event::CallEnded {
            call: "7".to_owned(),
        },
    );
    assert_eq!(next_event(&mut ws).await["type"], "call_ended");
}

#[tokio::test]
async fn enriching_an_offer_fills_only_what_the_engine_left_empty() {
    let app = TestApp::new().await;
    let t = app.tenant("acme").await;
    earlier_call(&app, t.id, "k1", "075588888888", 1_700_000_000_000).await;
    let mut o = offer("+86 755 8888 8888");
    api::enrich_offer(&app.state.store, t.id, &mut o).await;
    assert_eq!(o.location.as_deref(), Some("广东 深圳市"));
    assert_eq!(
        (o.previous_calls, o.last_call_at),
        (1, Some(1_700_000_000_000))
    );

    let mut given = offer("075588888888");
    given.location = Some("given".to_owned());
    given.previous_calls = 9;
    api::enrich_offer(&app.state.store, t.id, &mut given).await;
    assert_eq!(
        (given.location.as_deref(), given.previous_calls),
        (Some("given"), 9)
    );
}
