//! Uploaded IVR prompts: create, list, audio, rename, delete; names unique per enterprise;
//! deleting a prompt an IVR flow plays is refused naming the numbers; tenant isolation; the SIP
//! directory carries every enterprise's prompts.

#![allow(clippy::unwrap_used)]

mod common;

use model::telephony::{NumberInput, NumberService, SipTransport, TrunkInput, TrunkMode};
use model::{NumberId, PageQuery, PromptId};
use store::{Store, StoreError, Tenant};

fn tone(len: usize) -> Vec<i16> {
    (0..len).map(|i| ((i % 80) as i16 - 40) * 500).collect()
}

async fn ivr_number(t: Tenant<'_>, number: &str, file: PromptId) -> NumberId {
    let trunk = match t.trunks().await.unwrap().into_iter().next() {
        Some(tr) => tr.id,
        None => {
            t.create_trunk(
                &TrunkInput {
                    name: "main".to_owned(),
                    mode: TrunkMode::Peer,
                    host: "192.0.2.1".to_owned(),
                    port: 5060,
                    transport: SipTransport::Udp,
                    username: None,
                    password: None,
                    allowed_sources: Vec::new(),
                    codecs: vec!["PCMA".to_owned()],
                    max_calls: 0,
                    register_expires: 3600,
                    enabled: true,
                    keepalive: true,
                    public_address: None,
                },
                1,
            )
            .await
            .unwrap()
            .id
        }
    };
    let n = t
        .create_number(
            &NumberInput {
                number: number.to_owned(),
                trunk_id: trunk,
                service: NumberService::Ivr,
                description: None,
            },
            1,
        )
        .await
        .unwrap();
    let flow = serde_json::json!({ "start": "hello", "steps": {
        "hello": { "type": "play", "prompt": { "file": file.0 }, "next": "bye" },
        "bye": { "type": "hangup" } } });
    t.set_number_flow(n.id, Some(&flow)).await.unwrap();
    n.id
}

async fn prompts_are_stored_converted_listed_renamed_and_deleted(store: &Store) {
    let (e, _) = common::enterprise(store, "acme").await;
    let t = store.tenant(e);
    let samples = tone(12_000);
    let p = t
        .create_prompt("Welcome 欢迎", Some("welcome.wav"), &samples, 7)
        .await
        .unwrap();
    assert_eq!(p.name, "Welcome 欢迎");
    assert!((p.seconds - 1.5).abs() < 1e-9);
    assert_eq!(p.file_name.as_deref(), Some("welcome.wav"));
    assert_eq!(p.created_at, 7);
    assert_eq!(t.prompt_audio(p.id).await.unwrap(), samples);

    assert!(matches!(
        t.create_prompt("Welcome 欢迎", None, &samples, 8).await,
        Err(StoreError::Duplicate("name"))
    ));
    let other = t
        .create_prompt("After hours", None, &tone(800), 8)
        .await
        .unwrap();
    assert!(matches!(
        t.rename_prompt(other.id, "Welcome 欢迎").await,
        Err(StoreError::Duplicate("name"))
    ));

    let all = t.prompts(&PageQuery::default()).await.unwrap();
    assert_eq!(all.total, 2);
    assert_eq!(all.items[0].name, "After hours", "ordered by name");
    let page = t
        .prompts(&PageQuery {
            q: Some("WELC".to_owned()),
            page: Some(1),
            page_size: Some(1),
        })
        .await
        .unwrap();
    assert_eq!((page.total, page.items.len()), (1, 1));
    assert_eq!(page.items[0].id, p.id);
    let second = t
        .prompts(&PageQuery {
            q: None,
            page: Some(2),
            page_size: Some(1),
        })
        .await
        .unwrap();
    assert_eq!(second.items[0].id, p.id);

    let renamed = t.rename_prompt(other.id, "Closed 下班").await.unwrap();
    assert_eq!(renamed.name, "Closed 下班");
    assert!((renamed.seconds - 0.1).abs() < 1e-9);

    t.delete_prompt(other.id).await.unwrap();
    assert!(matches!(
        t.prompt(other.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        t.delete_prompt(other.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        t.rename_prompt(other.id, "x").await,
        Err(StoreError::NotFound)
    ));
}

async fn a_prompt_an_ivr_flow_plays_cannot_be_deleted(store: &Store) {
    let (e, _) = common::enterprise(store, "acme").await;
    let t = store.tenant(e);
    let p = t.create_prompt("Menu", None, &tone(800), 1).await.unwrap();
    let n2 = ivr_number(t, "4002", p.id).await;
    ivr_number(t, "4001", p.id).await;
    match t.delete_prompt(p.id).await {
        Err(StoreError::PromptInUse(numbers)) => assert_eq!(numbers, ["4001", "4002"]),
        other => panic!("expected PromptInUse, got {other:?}"),
    }
    assert_eq!(t.numbers_playing(p.id).await.unwrap(), ["4001", "4002"]);
    let message = t.delete_prompt(p.id).await.unwrap_err().to_string();
    assert!(message.contains("4001, 4002"), "{message}");

    // Once no flow plays it, it goes.
    t.set_number_flow(n2, None).await.unwrap();
    let n1 = t
        .numbers(&PageQuery::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|n| n.number == "4001")
        .unwrap();
    let other = t.create_prompt("Other", None, &tone(80), 1).await.unwrap();
    let flow = serde_json::json!({ "start": "m", "steps": {
        "m": { "type": "menu", "prompt": { "builtin": "ivr-menu" },
               "invalid_prompt": { "file": other.id.0 }, "options": { "1": "bye" } },
        "bye": { "type": "hangup" } } });
    t.set_number_flow(n1.id, Some(&flow)).await.unwrap();
    t.delete_prompt(p.id).await.unwrap();
    assert!(matches!(
        t.delete_prompt(other.id).await,
        Err(StoreError::PromptInUse(n)) if n == ["4001"]
    ));
}

async fn a_deleted_survey_prompt_gives_the_group_the_built_in_survey(store: &Store) {
    let (e, _) = common::enterprise(store, "acme").await;
    let t = store.tenant(e);
    let p = t
        .create_prompt("Survey", None, &tone(800), 1)
        .await
        .unwrap();
    let g = t.create_skill_group("Sales", None, 1).await.unwrap();
    let settings = model::org::QueueSettings {
        survey: true,
        survey_prompt_id: Some(p.id),
        ..model::org::QueueSettings::default()
    };
    let g = t.set_queue_settings(g.id, &settings).await.unwrap();
    assert_eq!(g.settings.survey_prompt_id, Some(p.id));
    t.delete_prompt(p.id).await.unwrap();
    let g = t.skill_group(g.id).await.unwrap();
    assert!(g.settings.survey, "the survey stays on");
    assert_eq!(g.settings.survey_prompt_id, None);
}

on_both_backends!(a_deleted_survey_prompt_gives_the_group_the_built_in_survey);

async fn prompts_of_one_enterprise_are_invisible_to_another(store: &Store) {
    let (a, _) = common::enterprise(store, "alpha").await;
    let (b, _) = common::enterprise(store, "beta").await;
    let (ta, tb) = (store.tenant(a), store.tenant(b));
    let p = ta
        .create_prompt("Welcome", None, &tone(800), 1)
        .await
        .unwrap();
    // The same name is free in another enterprise.
    let q = tb
        .create_prompt("Welcome", None, &tone(1600), 1)
        .await
        .unwrap();

    assert!(matches!(tb.prompt(p.id).await, Err(StoreError::NotFound)));
    assert!(matches!(
        tb.prompt_audio(p.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        tb.rename_prompt(p.id, "Mine").await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        tb.delete_prompt(p.id).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        tb.prompts(&PageQuery::default()).await.unwrap().items,
        std::slice::from_ref(&q)
    );
    assert_eq!(ta.prompt(p.id).await.unwrap().name, "Welcome");

    // Another enterprise's flow naming this id does not hold it.
    ivr_number(tb, "5001", p.id).await;
    assert!(ta.numbers_playing(p.id).await.unwrap().is_empty());

    let dir = store.sip_directory().await.unwrap();
    let mut got: Vec<_> = dir
        .prompts
        .iter()
        .map(|(e, id, audio)| (*e, *id, audio.0.len()))
        .collect();
    got.sort();
    assert_eq!(got, [(a, p.id, 800), (b, q.id, 1600)]);
    ta.delete_prompt(p.id).await.unwrap();
    assert_eq!(store.sip_directory().await.unwrap().prompts.len(), 1);
}

on_both_backends!(
    prompts_are_stored_converted_listed_renamed_and_deleted,
    a_prompt_an_ivr_flow_plays_cannot_be_deleted,
    prompts_of_one_enterprise_are_invisible_to_another,
);
