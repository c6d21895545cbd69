//! Admins upload their own IVR prompts as WAV files: accepted ones are converted to 8 kHz mono
//! and play back at the right length, refused ones answer 400 `invalid_audio` with the reason;
//! flows may only name the enterprise's own prompts, and a prompt a flow plays cannot be deleted.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{ADMIN_PASS, AGENT_PASS, TestApp, code};
use serde_json::Value;

/// A WAV file: `tag` 1 = PCM (16-bit), 7 = µ-law (8-bit); `frames` frames of a ramp.
fn wav(tag: u16, rate: u32, channels: u16, frames: usize) -> Vec<u8> {
    let bytes_per_sample: u16 = if tag == 1 { 2 } else { 1 };
    let block = channels * bytes_per_sample;
    let mut data = Vec::new();
    for i in 0..frames {
        for _ in 0..channels {
            if tag == 1 {
                data.extend_from_slice(&(((i % 100) as i16 - 50) * 300).to_le_bytes());
            } else {
                data.push((i % 256) as u8);
            }
        }
    }
    let mut out = Vec::new();
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&tag.to_le_bytes());
    out.extend_from_slice(&channels.to_le_bytes());
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&(rate * u32::from(block)).to_le_bytes());
    out.extend_from_slice(&block.to_le_bytes());
    out.extend_from_slice(&(bytes_per_sample * 8).to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(&data);
    out
}

async fn upload(
    app: &TestApp,
    token: &str,
    name: &str,
    ct: &str,
    body: Vec<u8>,
) -> (StatusCode, Value) {
    let (st, _, bytes) = app
        .call_raw(
            Method::POST,
            &format!("/api/v1/prompts?name={name}&file_name=f.wav"),
            Some(token),
            Some(ct),
            body,
        )
        .await;
    (st, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// The data chunk's length of a 44-byte-header WAV, and its format facts.
fn wav_facts(bytes: &[u8]) -> (u16, u16, u32, u16, usize) {
    let u16_at = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]);
    let u32_at =
        |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    assert_eq!(&bytes[0..4], b"RIFF");
    assert_eq!(&bytes[36..40], b"data");
    (
        u16_at(20),
        u16_at(22),
        u32_at(24),
        u16_at(34),
        u32_at(40) as usize,
    )
}

#[tokio::test]
async fn accepted_files_are_converted_and_play_back_at_the_right_length() {
    let app = TestApp::new().await;
    app.tenant("acme").await;
    let admin = app.token("acme", "admin", ADMIN_PASS).await;

    // Two seconds of 16 kHz PCM become two seconds at 8 kHz.
    let (st, p) = upload(
        &app,
        &admin,
        "Welcome",
        "audio/wav",
        wav(1, 16_000, 1, 32_000),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{p}");
    assert_eq!(p["name"], "Welcome");
    assert_eq!(p["file_name"], "f.wav");
    assert!((p["seconds"].as_f64().unwrap() - 2.0).abs() < 0.01, "{p}");
    let (st, ct, audio) = app
        .call_raw(
            Method::GET,
            &format!("/api/v1/prompts/{}/audio", p["id"]),
            Some(&admin),
            None,
            Vec::new(),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(ct.as_deref(), Some("audio/wav"));
    let (tag, channels, rate, bits, data_len) = wav_facts(&audio);
    assert_eq!((tag, channels, rate, bits), (1, 1, 8_000, 16));
    assert_eq!(audio.len(), 44 + data_len);
    assert!((data_len as i64 - 32_000).abs() <= 160, "{data_len} bytes");

    // One and a half seconds of 8 kHz stereo µ-law, as application/octet-stream.
    let (st, p) = upload(
        &app,
        &admin,
        "Menu%20%E8%8F%9C%E5%8D%95",
        "application/octet-stream",
        wav(7, 8_000, 2, 12_000),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{p}");
    assert_eq!(p["name"], "Menu 菜单");
    assert!((p["seconds"].as_f64().unwrap() - 1.5).abs() < 1e-6, "{p}");
    let (_, _, audio) = app
        .call_raw(
            Method::GET,
            &format!("/api/v1/prompts/{}/audio", p["id"]),
            Some(&admin),
            None,
            Vec::new(),
        )
        .await;
    assert_eq!(wav_facts(&audio).4, 24_000);

    let (st, list) = app
        .call(Method::GET, "/api/v1/prompts", Some(&admin), None)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(list["total"], 2);
    assert_eq!(list["items"][0]["name"], "Menu 菜单");

    // The name is unique; a rename keeps the audio.
    let (st, body) = upload(&app, &admin, "Welcome", "audio/wav", wav(1, 8_000, 1, 800)).await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::CONFLICT, "name_taken"),
        "{body}"
    );
    let (st, body) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/prompts/{}", p["id"]),
            Some(&admin),
            Some(r#"{"name":"Main menu"}"#),
        )
        .await;
    assert_eq!(
        (st, &body["name"]),
        (StatusCode::OK, &Value::from("Main menu")),
        "{body}"
    );
    let (st, body) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/prompts/{}", p["id"]),
            Some(&admin),
            Some(r#"{"name":"Welcome"}"#),
        )
        .await;
    assert_eq!((st, code(&body)), (StatusCode::CONFLICT, "name_taken"));
    let (st, body) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/prompts/{}", p["id"]),
            Some(&admin),
            Some(r#"{"name":"  "}"#),
        )
        .await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::BAD_REQUEST, "validation_failed")
    );

    let (st, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/prompts/{}", p["id"]),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, list) = app
        .call(Method::GET, "/api/v1/prompts", Some(&admin), None)
        .await;
    assert_eq!((st, &list["total"]), (StatusCode::OK, &Value::from(1)));
}

#[tokio::test]
async fn refused_files_answer_400_with_the_reason() {
    let app = TestApp::new().await;
    app.tenant("acme").await;
    let admin = app.token("acme", "admin", ADMIN_PASS).await;
    let cases: [(Vec<u8>, &str); 4] = [
        (b"hello, this is not audio\n".to_vec(), "not a WAV file"),
        (
            wav(1, 96_000, 1, 9_600),
            "unsupported sample rate 96000 Hz: use 8 to 48 kHz",
        ),
        (wav(1, 8_000, 3, 800), "3 channels: use mono or stereo"),
        (wav(1, 8_000, 1, 0), "the file holds no audio"),
    ];
    for (body, message) in cases {
        let (st, err) = upload(&app, &admin, "Bad", "audio/wav", body).await;
        assert_eq!(
            (st, code(&err)),
            (StatusCode::BAD_REQUEST, "invalid_audio"),
            "{err}"
        );
        assert_eq!(err["error"]["message"], message);
    }
    let (st, err) = upload(&app, &admin, "Bad", "text/plain", b"hello".to_vec()).await;
    assert_eq!(st, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{err}");
    let (st, err) = upload(&app, &admin, "", "audio/wav", wav(1, 8_000, 1, 800)).await;
    assert_eq!(
        (st, code(&err)),
        (StatusCode::BAD_REQUEST, "validation_failed"),
        "{err}"
    );

    // Over 20 MB: 413 with a message (here without a Content-Length, so the body is counted).
    let big = vec![0u8; 20 * 1024 * 1024 + 1];
    let (st, err) = upload(&app, &admin, "Big", "audio/wav", big).await;
    assert_eq!(
        (st, code(&err)),
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
        "{err}"
    );
    assert!(err["error"]["message"].as_str().unwrap().contains("20 MB"));

    let (_, list) = app
        .call(Method::GET, "/api/v1/prompts", Some(&admin), None)
        .await;
    assert_eq!(list["total"], 0, "nothing refused was stored");

    // Agents may not upload.
    let agent = app.token("acme", "1001", AGENT_PASS).await;
    let (st, err) = upload(&app, &agent, "Mine", "audio/wav", wav(1, 8_000, 1, 800)).await;
    assert_eq!((st, code(&err)), (StatusCode::FORBIDDEN, "forbidden"));
}

#[tokio::test]
async fn flows_name_only_the_enterprises_prompts_and_a_played_prompt_cannot_be_deleted() {
    let app = TestApp::new().await;
    app.tenant("acme").await;
    app.tenant("other").await;
    let admin = app.token("acme", "admin", ADMIN_PASS).await;
    let other = app.token("other", "admin", ADMIN_PASS).await;
    let (_, mine) = upload(&app, &admin, "Hello", "audio/wav", wav(1, 8_000, 1, 800)).await;
    let (_, theirs) = upload(&app, &other, "Theirs", "audio/wav", wav(1, 8_000, 1, 800)).await;

    let (_, trunk) = app
        .call(
            Method::POST,
            "/api/v1/trunks",
            Some(&admin),
            Some(r#"{"name":"local","mode":"peer","host":"127.0.0.1"}"#),
        )
        .await;
    let (st, n) = app
        .call(
            Method::POST,
            "/api/v1/numbers",
            Some(&admin),
            Some(&format!(
                r#"{{"number":"4008000000","trunk_id":{},"service":"ivr"}}"#,
                trunk["id"]
            )),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{n}");
    let url = format!("/api/v1/numbers/{}/flow", n["id"]);
    let flow = |hello: &Value, bye: &Value| {
        format!(
            r#"{{"flow":{{"start":"hello","steps":{{
              "hello":{{"type":"play","prompt":{{"file":{hello}}},"next":"bye"}},
              "bye":{{"type":"hangup","prompt":{{"file":{bye}}}}}}}}}}}"#
        )
    };

    // Another enterprise's prompt and an id nobody has are both named by step and field.
    let (st, body) = app
        .call(
            Method::PUT,
            &url,
            Some(&admin),
            Some(&flow(&theirs["id"], &Value::from(999_999))),
        )
        .await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::BAD_REQUEST, "invalid_flow"),
        "{body}"
    );
    let problems: Vec<&str> = body["error"]["details"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[0].starts_with("step \"bye\", prompt: no uploaded prompt has id 999999"),
        "{problems:?}"
    );
    assert!(
        problems[1].starts_with(&format!(
            "step \"hello\", prompt: no uploaded prompt has id {}",
            theirs["id"]
        )),
        "{problems:?}"
    );

    let (st, body) = app
        .call(
            Method::PUT,
            &url,
            Some(&admin),
            Some(&flow(&mine["id"], &mine["id"])),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");

    let (st, body) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/prompts/{}", mine["id"]),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(
        (st, code(&body)),
        (StatusCode::CONFLICT, "prompt_in_use"),
        "{body}"
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("4008000000"),
        "{body}"
    );
    assert_eq!(
        body["error"]["details"]["numbers"],
        serde_json::json!(["4008000000"])
    );

    // Removing the flow frees it.
    let (st, _) = app
        .call(Method::PUT, &url, Some(&admin), Some(r#"{"flow":null}"#))
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/prompts/{}", mine["id"]),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn a_prompt_larger_than_the_small_default_body_limit_is_still_accepted() {
    let app = TestApp::new().await;
    app.tenant("acme").await;
    let admin = app.token("acme", "admin", ADMIN_PASS).await;
    // 30 s of 16 kHz 16-bit mono: about 960 KB, well over the 256 KB JSON limit.
    let file = wav(1, 16_000, 1, 480_000);
    assert!(file.len() > api::MAX_BODY_BYTES);
    let (st, p) = upload(&app, &admin, "Long", "audio/wav", file).await;
    assert_eq!(st, StatusCode::CREATED, "{p}");
}
