//! Every API route keeps enterprises apart: a second enterprise's admin gets 404 on each of the
//! first enterprise's resources, and lists show only their own rows. Both enterprises are made
//! the way an operator makes them: the platform administrator creates each through the API, and
//! each one's first admin signs in and creates an agent. The platform administrator's session
//! opens no enterprise route, and no enterprise session opens a platform route. The walk runs
//! with a SIP endpoint, alpha's agent signed in and a live call on alpha's number; the routes on
//! the caller's own account and calls are sent too (as beta's admin), and nothing they answer
//! holds alpha's data, nor do they touch alpha's call. The events socket is checked in
//! `events_stay_in_their_enterprise.rs`.
//!
//! The table below must name every route of the OpenAPI document; a new route without a case
//! fails the test, so nobody adds an endpoint without deciding how it is isolated.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{TestApp, webrtc_offer};

/// How a route is checked.
#[derive(Debug, Clone, Copy)]
enum Case {
    /// A route on one resource: enterprise B's admin must get 404 for enterprise A's resource.
    Foreign(Resource),
    /// A list: B's admin must not see A's rows (A's row names all contain "alpha").
    List,
    /// The same for a list returned as a plain array.
    ListArray,
    /// Acts only on the caller's own account or session (login, logout, me …): nothing of
    /// another enterprise is addressable through it.
    OwnAccount,
    /// Open to anyone without a session (sign-in pages, the web widget).
    Public,
    /// A platform administrator's route: an enterprise's session gets 401.
    Platform,
}

#[derive(Debug, Clone, Copy)]
enum Resource {
    User,
    Role,
    SkillGroup,
    CustomStatus,
    Session,
    Trunk,
    Number,
    Call,
    MissedCall,
    Prompt,
    Customer,
    Callback,
    Campaign,
    CampaignCustomer,
    CampaignImport,
}

fn case(path: &str, method: &str) -> Option<Case> {
    use Case::*;
    use Resource::*;
    Some(match (path, method) {
        ("/api/v1/auth/login" | "/api/v1/platform/auth/login", "post") => Public,
        ("/api/v1/auth/logout", "post") => OwnAccount,
        // The platform administrator's own routes: enterprises themselves, never their data.
        ("/api/v1/platform/auth/logout", "post")
        | ("/api/v1/platform/me", "get")
        | ("/api/v1/platform/enterprises", "get" | "post")
        | ("/api/v1/platform/enterprises/{id}", "get" | "patch") => Platform,
        ("/api/v1/me", "get")
        | ("/api/v1/me/password", "post")
        | ("/api/v1/me/sessions", "get") => OwnAccount,
        ("/api/v1/permissions", "get") => OwnAccount,
        // Public (the web widget): a visitor reaches calls only by the unguessable id its own
        // POST returned; `widget_calls.rs` checks them.
        ("/api/v1/widget/calls", "post")
        | ("/api/v1/widget/calls/{id}", "delete")
        | ("/api/v1/widget/calls/{id}/dtmf", "post") => Public,
        // Dials from the caller's own desk phone with the caller's own enterprise's trunks.
        ("/api/v1/me/dial", "post") => OwnAccount,
        // The caller's own presence, queues, calls and reminders.
        ("/api/v1/me/presence", _)
        | ("/api/v1/me/queues", "get")
        | ("/api/v1/me/call/{action}", "post")
        | ("/api/v1/me/call/transcription", "post")
        | ("/api/v1/me/missed-calls", "get") => OwnAccount,
        // The caller's own call; the group must be one of the caller's enterprise (the endpoint
        // checks it: another enterprise's group is "no such skill group").
        ("/api/v1/me/call/transfer", "post") => OwnAccount,
        // The caller's own call; the colleague must be one of the caller's enterprise (the
        // endpoint checks it: another enterprise's agent is "no such agent").
        ("/api/v1/me/call/consult" | "/api/v1/me/call/consult/{step}", "post") => OwnAccount,
        ("/api/v1/me/call/dtmf", "post") => OwnAccount,
        // The caller's own enterprise's numbers.
        ("/api/v1/me/ivr-entries", "get") => OwnAccount,
        ("/api/v1/me/caller-numbers", "get") => OwnAccount,
        ("/api/v1/numbers/{id}/callers", "get" | "put") => Foreign(Number),
        // The caller's own enterprise's agent (another enterprise's is "not found").
        ("/api/v1/monitor/agents/{id}/{step}", "post") => Foreign(User),
        // The caller's own enterprise's agents; the notes of the caller's own call (its record
        // is looked up by the engine's key within the caller's enterprise).
        ("/api/v1/me/colleagues", "get")
        | ("/api/v1/me/call/notes", "get" | "post")
        | ("/api/v1/me/call/record", "get") => OwnAccount,
        // Notes on a call the caller talked on, after it: another enterprise's is "not found".
        ("/api/v1/me/calls/{id}/notes", "get" | "post") => Foreign(Call),
        ("/api/v1/me/missed-calls/{id}/handled", "post") => Foreign(MissedCall),
        // The caller's own enterprise's monitor.
        ("/api/v1/monitor", "get") => OwnAccount,
        // The caller's own enterprise's settings; checked after the loop.
        ("/api/v1/enterprise/settings", "get" | "put") => OwnAccount,
        // The server's engines, the same for every enterprise.
        ("/api/v1/enterprise/transcription-engines", "get") => OwnAccount,
        ("/api/v1/numbers/{id}/flow", "put") => Foreign(Number),
        ("/api/v1/skill-groups/{id}/settings", "put") => Foreign(SkillGroup),
        ("/api/v1/trunks", "get") => ListArray,
        ("/api/v1/calls", "get") => List,
        // A file, not a JSON page: checked after the walk (beta's export holds beta's call only).
        ("/api/v1/calls/export", "get") => OwnAccount,
        (
            "/api/v1/calls/{id}"
            | "/api/v1/calls/{id}/recording"
            | "/api/v1/calls/{id}/transcript"
            | "/api/v1/calls/{id}/notes"
            | "/api/v1/calls/{id}/segments"
            | "/api/v1/calls/{id}/supervision",
            "get",
        ) => Foreign(Call),
        ("/api/v1/numbers", "get") => List,
        ("/api/v1/trunks" | "/api/v1/numbers", "post") => OwnAccount,
        ("/api/v1/trunks/{id}", _) => Foreign(Trunk),
        ("/api/v1/numbers/{id}", _) => Foreign(Number),
        ("/api/v1/prompts", "get") => List,
        // Uploads into the caller's own enterprise; checked by the list afterwards.
        ("/api/v1/prompts", "post") => OwnAccount,
        ("/api/v1/prompts/{id}" | "/api/v1/prompts/{id}/audio", _) => Foreign(Prompt),
        ("/api/v1/users/{id}/sip-account", _) => Foreign(User),
        ("/api/v1/me/sessions/{id}", "delete") => Foreign(Session),
        (
            "/api/v1/users" | "/api/v1/roles" | "/api/v1/skill-groups" | "/api/v1/custom-statuses",
            "get",
        ) => List,
        // Creating writes into the caller's own enterprise only; checked by the lists afterwards.
        (
            "/api/v1/users" | "/api/v1/roles" | "/api/v1/skill-groups" | "/api/v1/custom-statuses",
            "post",
        ) => OwnAccount,
        ("/api/v1/users/{id}" | "/api/v1/users/{id}/reset-password", _) => Foreign(User),
        ("/api/v1/roles/{id}", _) => Foreign(Role),
        ("/api/v1/skill-groups/{id}" | "/api/v1/skill-groups/{id}/members", _) => {
            Foreign(SkillGroup)
        }
        ("/api/v1/custom-statuses/{id}", _) => Foreign(CustomStatus),
        ("/api/v1/customers" | "/api/v1/callbacks", "get") => List,
        // Creating writes into the caller's own enterprise only; checked by the lists.
        ("/api/v1/customers" | "/api/v1/callbacks", "post") => OwnAccount,
        // Finds only the caller's own enterprise's customers; checked after the walk.
        ("/api/v1/customers/lookup" | "/api/v1/customers/export", "get") => OwnAccount,
        // Imports into the caller's own enterprise.
        ("/api/v1/customers/import", "post") => OwnAccount,
        // The caller's own callbacks of today.
        ("/api/v1/me/callbacks", "get") => OwnAccount,
        (
            "/api/v1/customers/{id}"
            | "/api/v1/customers/{id}/follow-ups"
            | "/api/v1/customers/{id}/timeline",
            _,
        ) => Foreign(Customer),
        ("/api/v1/callbacks/{id}" | "/api/v1/callbacks/{id}/done", _) => Foreign(Callback),
        ("/api/v1/campaigns", "get") => ListArray,
        // Creating writes into the caller's own enterprise only; checked by the list.
        ("/api/v1/campaigns", "post") => OwnAccount,
        (
            "/api/v1/campaigns/{id}"
            | "/api/v1/campaigns/{id}/actions"
            | "/api/v1/campaigns/{id}/customers"
            | "/api/v1/campaigns/{id}/import",
            _,
        ) => Foreign(Campaign),
        (
            "/api/v1/campaign-customers/{id}"
            | "/api/v1/campaign-customers/{id}/dial"
            | "/api/v1/campaign-customers/{id}/to-customer",
            _,
        ) => Foreign(CampaignCustomer),
        ("/api/v1/campaign-imports/{id}/errors", "get") => Foreign(CampaignImport),
        ("/api/v1/do-not-call", "get") => ListArray,
        // The caller's own enterprise's list (a number, not an id, names the entry) and risk
        // settings.
        ("/api/v1/do-not-call", "post")
        | ("/api/v1/do-not-call/{number}", "delete")
        | ("/api/v1/risk-control", _) => OwnAccount,
        _ => return None,
    })
}

fn body_for(path: &str, method: &str) -> Option<&'static str> {
    match method {
        "patch" if path.starts_with("/api/v1/callbacks") => Some(r#"{"remark":"stolen"}"#),
        "patch" if path.starts_with("/api/v1/campaign-customers") => Some(r#"{"notes":"stolen"}"#),
        "post" if path.ends_with("/actions") => Some(r#"{"action":"pause"}"#),
        "put" if path.starts_with("/api/v1/campaigns") => {
            Some(r#"{"name":"stolen","start_at":0,"end_at":1}"#)
        }
        "post" if path.ends_with("/follow-ups") => Some(r#"{"body":"stolen"}"#),
        "post" if path.ends_with("/notes") => Some(r#"{"text":"stolen"}"#),
        "patch" => Some(r#"{"name":"stolen"}"#),
        "put" if path.ends_with("/members") => Some("[]"),
        "put" if path.ends_with("/flow") => Some(r#"{"flow":null}"#),
        "put" if path.ends_with("/settings") => Some("{}"),
        "post" if path.ends_with("/handled") => None,
        "put" if path.ends_with("/sip-account") => Some(r#"{"username":"stolen1"}"#),
        "put" if path.ends_with("/callers") => Some(r#"{"user_ids":[],"group_ids":[]}"#),
        "put" if path.starts_with("/api/v1/trunks") => {
            Some(r#"{"name":"stolen","mode":"peer","host":"192.0.2.9"}"#)
        }
        "put" if path.starts_with("/api/v1/numbers") => {
            Some(r#"{"number":"4000000009","trunk_id":1}"#)
        }
        _ => None,
    }
}

#[tokio::test]
async fn a_second_enterprise_gets_404_on_every_resource_of_the_first() {
    let mut app = TestApp::new().await;
    let platform = app.platform_token().await;
    let a = app.real_tenant(&platform, "alpha").await;
    let b = app.real_tenant(&platform, "beta").await;
    // The store handle itself (a pool) lets the app start its SIP endpoint later.
    let db = app.state.store.clone();
    let ta = db.tenant(a.id);
    let group = ta.create_skill_group("alpha group", None, 0).await.unwrap();
    let status = ta
        .create_custom_status("alpha break", None, 0)
        .await
        .unwrap();
    let role = ta
        .create_role("alpha role", None, &[], model::DataScope::Own, false, 0)
        .await
        .unwrap();
    let trunk_input = |name: &str| model::telephony::TrunkInput {
        name: name.to_owned(),
        mode: model::telephony::TrunkMode::Peer,
        // Nobody listens there: the running endpoint sends nothing off this machine.
        host: "127.0.0.1".to_owned(),
        port: 9,
        transport: model::telephony::SipTransport::Udp,
        username: None,
        password: None,
        allowed_sources: vec![],
        codecs: vec!["PCMA".to_owned()],
        max_calls: 0,
        register_expires: 3600,
        enabled: true,
        keepalive: false,
        public_address: None,
    };
    let number_input = |n: &str, t, d: &str| model::telephony::NumberInput {
        number: n.to_owned(),
        trunk_id: t,
        service: model::telephony::NumberService::Welcome,
        description: Some(d.to_owned()),
    };
    let trunk = ta
        .create_trunk(&trunk_input("alpha trunk"), 0)
        .await
        .unwrap();
    let number = ta
        .create_number(&number_input("4001110001", trunk.id, "alpha line"), 0)
        .await
        .unwrap();
    ta.set_sip_account(a.agent, "alpha1001", "password1", 0)
        .await
        .unwrap();
    let call_event = |key: &str, e, callee: &str| model::calls::CallEvent::Started {
        key: key.to_owned(),
        enterprise: e,
        direction: model::calls::CallDirection::Inbound,
        caller: "13800000000".to_owned(),
        callee: callee.to_owned(),
        enterprise_number: None,
        agent: None,
        at: 1,
    };
    let store = &db;
    store
        .apply_call_event(&call_event("a1", a.id, "alpha-line"))
        .await
        .unwrap();
    store
        .apply_call_event(&call_event("b1", b.id, "beta-line"))
        .await
        .unwrap();
    let call_a = ta
        .calls(&model::PageQuery::default(), None)
        .await
        .unwrap()
        .items[0]
        .id;
    for (key, text) in [("a1", "alpha secret refund"), ("b1", "beta refund")] {
        store
            .apply_call_event(&model::calls::CallEvent::Transcript {
                key: key.to_owned(),
                segment: model::calls::TranscriptSegment {
                    speaker: model::calls::TranscriptSpeaker::Customer,
                    start_ms: 0,
                    end_ms: 1_000,
                    text: text.to_owned(),
                    confidence: 0.9,
                    is_final: true,
                },
            })
            .await
            .unwrap();
    }
    let missed_a = store
        .apply_call_event(&model::calls::CallEvent::Missed {
            key: "a1".to_owned(),
            agent: a.agent,
            caller: "13800000000".to_owned(),
            enterprise_number: None,
            at: 2,
        })
        .await
        .unwrap()
        .unwrap()
        .id;
    let prompt_a = ta
        .create_prompt("alpha prompt", None, &[0; 800], 0)
        .await
        .unwrap();
    let tb = db.tenant(b.id);
    tb.create_prompt("beta prompt", None, &[0; 800], 0)
        .await
        .unwrap();
    let trunk_b = tb
        .create_trunk(&trunk_input("beta trunk"), 0)
        .await
        .unwrap();
    tb.create_number(&number_input("4002220002", trunk_b.id, "beta line"), 0)
        .await
        .unwrap();
    tb.create_skill_group("beta group", None, 0).await.unwrap();
    tb.create_custom_status("beta break", None, 0)
        .await
        .unwrap();
    let customer_input = |name: &str, number: &str| store::CustomerInput {
        name: name.to_owned(),
        numbers: vec![number.to_owned()],
        ..store::CustomerInput::default()
    };
    let customer_a = ta
        .create_customer(&customer_input("alpha customer", "13811110000"), a.agent, 0)
        .await
        .unwrap();
    ta.add_follow_up(customer_a.id, a.agent, "alpha note", 0)
        .await
        .unwrap();
    let callback_input = |c, number: &str, agent| store::CallbackInput {
        customer: Some(c),
        number: number.to_owned(),
        agent,
        due_at: 0,
        remark: Some("callback".to_owned()),
    };
    let callback_a = ta
        .create_callback(
            &callback_input(customer_a.id, "13811110000", a.agent),
            a.agent,
            0,
            0,
        )
        .await
        .unwrap();
    let customer_b = tb
        .create_customer(&customer_input("beta customer", "13822220000"), b.agent, 0)
        .await
        .unwrap();
    tb.create_callback(
        &callback_input(customer_b.id, "13822220000", b.agent),
        b.agent,
        0,
        0,
    )
    .await
    .unwrap();
    let campaign_input = |name: &str| store::CampaignWrite {
        name: name.to_owned(),
        description: String::new(),
        start_at: 0,
        end_at: i64::MAX / 2,
        caller_numbers: vec![],
        masking: false,
        max_attempts: 5,
        hours_from: "09:00".to_owned(),
        hours_to: "20:00".to_owned(),
        time_zone: "Asia/Shanghai".to_owned(),
        mode: "preview".to_owned(),
        abandon_cap_bp: 300,
        agents: vec![],
    };
    let campaign_a = ta
        .create_campaign(&campaign_input("alpha campaign"), a.agent, 0)
        .await
        .unwrap();
    let customer_row = |name: &str, number: &str| store::CampaignCustomerWrite {
        name: name.to_owned(),
        number: number.to_owned(),
        fields: Default::default(),
    };
    ta.add_campaign_customers(
        campaign_a.id,
        &[customer_row("alpha lead", "+8613811110001")],
        0,
    )
    .await
    .unwrap();
    let campaign_customer_a = ta
        .campaign_customers(
            campaign_a.id,
            &store::CampaignCustomerFilter::default(),
            &model::PageQuery::default(),
        )
        .await
        .unwrap()
        .items[0]
        .id;
    let import_a = ta
        .save_import_report(campaign_a.id, "alpha.csv", 1, vec![], a.agent, 0)
        .await
        .unwrap();
    ta.add_do_not_call("+8613811119999", "alpha reason", a.agent, 0)
        .await
        .unwrap();
    tb.create_campaign(&campaign_input("beta campaign"), b.agent, 0)
        .await
        .unwrap();
    tb.add_do_not_call("+8613822229999", "beta reason", b.agent, 0)
        .await
        .unwrap();
    let a_token = a.admin_token.clone();
    let a_session = app
        .call(Method::GET, "/api/v1/me/sessions", Some(&a_token), None)
        .await
        .1[0]["id"]
        .as_i64()
        .unwrap();
    let b_token = b.admin_token.clone();
    // A running SIP endpoint, alpha's agent signed in and a live call on alpha's number: the
    // routes of calls in progress (`/me/call/…`, `/me/dial`, `/monitor`) meet real state.
    app.start_sip((41_500, 41_599), 4).await;
    let a_agent = app.token("alpha", "1001", &a.agent_password).await;
    let (st, body) = app
        .call(
            Method::PUT,
            "/api/v1/me/presence",
            Some(&a_agent),
            Some(r#"{"login":"online","device":"desk_phone"}"#),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let (st, live) = app
        .call(
            Method::POST,
            "/api/v1/widget/calls",
            None,
            Some(&serde_json::json!({ "number": "4001110001", "sdp": webrtc_offer() }).to_string()),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{live}");
    let (_, monitor_a) = app
        .call(Method::GET, "/api/v1/monitor", Some(&a_token), None)
        .await;
    assert!(
        monitor_a.to_string().contains("alpha 1001"),
        "alpha's own monitor shows its agent: {monitor_a}"
    );

    let doc = serde_json::to_value(api::openapi()).unwrap();
    let mut checked = 0;
    let mut own_sent = 0;
    let mut missing = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let Some(c) = case(path, method) else {
                missing.push(format!("{method} {path}"));
                continue;
            };
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            match c {
                Case::Foreign(r) => {
                    let id = match r {
                        Resource::User => a.agent.0,
                        Resource::Role => role.id.0,
                        Resource::SkillGroup => group.id.0,
                        Resource::CustomStatus => status.id.0,
                        Resource::Session => a_session,
                        Resource::Trunk => trunk.id.0,
                        Resource::Number => number.id.0,
                        Resource::Call => call_a.0,
                        Resource::MissedCall => missed_a,
                        Resource::Prompt => prompt_a.id.0,
                        Resource::Customer => customer_a.id.0,
                        Resource::Callback => callback_a.id.0,
                        Resource::Campaign => campaign_a.id,
                        Resource::CampaignCustomer => campaign_customer_a,
                        Resource::CampaignImport => import_a.id,
                    };
                    let url = path
                        .replace("{id}", &id.to_string())
                        .replace("{step}", "listen");
                    let (st, body) = app
                        .call(m, &url, Some(&b_token), body_for(path, method))
                        .await;
                    assert_eq!(
                        st,
                        StatusCode::NOT_FOUND,
                        "{method} {url} as beta's admin: {body}"
                    );
                    assert_eq!(common::code(&body), "not_found");
                }
                Case::List => {
                    let (st, body) = app.call(m, path, Some(&b_token), None).await;
                    assert_eq!(st, StatusCode::OK, "{method} {path}: {body}");
                    assert!(
                        body["total"].as_i64().unwrap() >= 1,
                        "beta sees its own rows of {path}"
                    );
                    let text = body.to_string();
                    assert!(
                        !text.contains("alpha"),
                        "{path} leaked alpha's rows: {text}"
                    );
                }
                Case::ListArray => {
                    let (st, body) = app.call(m, path, Some(&b_token), None).await;
                    assert_eq!(st, StatusCode::OK, "{method} {path}: {body}");
                    assert!(
                        !body.as_array().unwrap().is_empty(),
                        "beta sees its own rows of {path}"
                    );
                    let text = body.to_string();
                    assert!(
                        !text.contains("alpha"),
                        "{path} leaked alpha's rows: {text}"
                    );
                }
                Case::Platform => {
                    // Neither enterprise's admin opens a platform route.
                    for token in [&a_token, &b_token] {
                        let url = path.replace("{id}", &a.id.0.to_string());
                        let (st, body) = app
                            .call(m.clone(), &url, Some(token), body_for(path, method))
                            .await;
                        assert_eq!(
                            st,
                            StatusCode::UNAUTHORIZED,
                            "{method} {url} with an enterprise session: {body}"
                        );
                    }
                }
                Case::OwnAccount => {
                    // Sent as beta's admin, with the live state above: whatever it answers
                    // holds nothing of alpha's. Signing out would end the walk's session.
                    if path != "/api/v1/auth/logout" {
                        let url = path
                            .replace("{action}", "hangup")
                            .replace("{step}", "cancel")
                            .replace("{number}", "8613811119999");
                        let body =
                            (method != "get").then(|| body_for(path, method).unwrap_or("{}"));
                        let (st, reply) = app.call(m, &url, Some(&b_token), body).await;
                        assert!(
                            !st.is_server_error(),
                            "{method} {url} as beta's admin: {st} {reply}"
                        );
                        let text = reply.to_string();
                        assert!(
                            !text.contains("alpha") && !text.contains("4001110001"),
                            "{method} {url} as beta's admin shows alpha's: {text}"
                        );
                        own_sent += 1;
                    }
                }
                Case::Public => {}
            }
            if !matches!(c, Case::Platform | Case::Public) {
                // The platform administrator's session opens no enterprise route.
                let url = path
                    .replace("{id}", &call_a.0.to_string())
                    .replace("{action}", "hangup");
                let (st, body) = app
                    .call(
                        Method::from_bytes(method.to_uppercase().as_bytes()).unwrap(),
                        &url,
                        Some(&platform),
                        body_for(path, method),
                    )
                    .await;
                assert_eq!(
                    st,
                    StatusCode::UNAUTHORIZED,
                    "{method} {url} with the platform administrator's session: {body}"
                );
            }
            checked += 1;
        }
    }

    // The platform administrator sees both enterprises (that is its job), with user counts but
    // none of their users, calls or settings.
    let (st, list) = app
        .call(
            Method::GET,
            "/api/v1/platform/enterprises",
            Some(&platform),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{list}");
    let codes: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["alpha", "beta"]);
    assert!(!list.to_string().contains("1001"), "{list}");
    assert!(
        missing.is_empty(),
        "routes without an isolation case: {missing:?}"
    );
    assert!(checked >= 20, "only {checked} routes checked");
    assert!(own_sent >= 25, "only {own_sent} own-account routes sent");
    // Alpha's live call and signed-in agent came through beta's hang-ups, dials and transfers.
    let token = live["call_id"].as_str().unwrap();
    let (st, body) = app
        .call(
            Method::POST,
            &format!("/api/v1/widget/calls/{token}/dtmf"),
            None,
            Some(r#"{"digit":"1"}"#),
        )
        .await;
    assert!(st.is_success(), "alpha's call is still up: {st} {body}");
    let (_, presence) = app
        .call(Method::GET, "/api/v1/me/presence", Some(&a_agent), None)
        .await;
    assert_eq!(presence["login"], "online", "{presence}");

    // Beta's exports hold beta's call and nothing of alpha's.
    for format in ["csv", "xlsx"] {
        let (st, _, file) = app
            .call_raw(
                Method::GET,
                &format!("/api/v1/calls/export?format={format}&lang=en"),
                Some(&b_token),
                None,
                vec![],
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{format}");
        let text = String::from_utf8_lossy(&file);
        if format == "csv" {
            assert!(text.contains("beta-line"), "{text}");
            assert_eq!(text.lines().count(), 2, "title row and beta's call: {text}");
        }
        assert!(
            !text.contains("alpha"),
            "the {format} export leaked alpha's rows"
        );
    }

    // Beta's look-up of alpha's customer's number finds nobody.
    let (st, body) = app
        .call(
            Method::GET,
            "/api/v1/customers/lookup?number=13811110000",
            Some(&b_token),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["customer"], serde_json::Value::Null, "{body}");
    let (st, _, file) = app
        .call_raw(
            Method::GET,
            "/api/v1/customers/export",
            Some(&b_token),
            None,
            vec![],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let text = String::from_utf8_lossy(&file);
    assert!(text.contains("beta customer"), "{text}");
    assert!(
        !text.contains("alpha"),
        "the customer export leaked: {text}"
    );
    assert_eq!(
        ta.customer(customer_a.id, store::CallScope::Enterprise)
            .await
            .unwrap()
            .name,
        "alpha customer"
    );

    // Beta's keyword search finds only beta's calls, and beta's settings are beta's.
    let (st, body) = app
        .call(
            Method::GET,
            "/api/v1/calls?keyword=refund",
            Some(&b_token),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["total"], 1, "{body}");
    let (_, body) = app
        .call(
            Method::GET,
            "/api/v1/calls?keyword=secret",
            Some(&b_token),
            None,
        )
        .await;
    assert_eq!(body["total"], 0, "alpha's transcript leaked: {body}");
    let (st, _) = app
        .call(
            Method::PUT,
            "/api/v1/enterprise/settings",
            Some(&b_token),
            Some(r#"{"transcribe_all_calls":true,"after_call_work_secs":60}"#),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let settings = ta.enterprise_settings().await.unwrap();
    assert!(
        !settings.transcribe_all_calls,
        "beta switched alpha's setting"
    );
    assert_eq!(settings.after_call_work_secs, 0);

    // Alpha's rows are untouched by everything beta tried.
    assert_eq!(ta.user(a.agent).await.unwrap().name, "alpha 1001");
    assert_eq!(ta.role(role.id).await.unwrap().name, "alpha role");
    assert_eq!(ta.skill_group(group.id).await.unwrap().name, "alpha group");
    assert_eq!(
        ta.custom_status(status.id).await.unwrap().name,
        "alpha break"
    );
    assert_eq!(ta.trunk(trunk.id).await.unwrap().name, "alpha trunk");
    assert_eq!(ta.number(number.id).await.unwrap().number, "4001110001");
    assert!(ta.number(number.id).await.unwrap().flow.is_none());
    assert_eq!(
        ta.missed_calls(a.agent).await.unwrap()[0].handled_at,
        None,
        "alpha's reminder is not handled by beta"
    );
    assert_eq!(
        ta.sip_account(a.agent).await.unwrap().unwrap().0,
        "alpha1001"
    );
    let (st, _) = app
        .call(Method::GET, "/api/v1/me", Some(&a_token), None)
        .await;
    assert_eq!(
        st,
        StatusCode::OK,
        "alpha's session survived beta's revoke attempt"
    );
}
