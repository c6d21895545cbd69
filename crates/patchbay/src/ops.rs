//! Operator commands.

use std::io::Write;

use anyhow::{Context, bail};

use crate::cli::{AdminCommand, ResetPasswordArgs, SettingsArgs, TranscribeArgs};
use crate::config::Config;
use crate::serve::open_store;

/// `patchbay reset-password WORKID`: prints a new password and signs the user out everywhere.
pub async fn reset_password(args: SettingsArgs, cmd: ResetPasswordArgs) -> anyhow::Result<()> {
    let config = Config::load(&args)?;
    let store = open_store(&config).await?;
    let Some(ent) = store.enterprise_by_code(&cmd.enterprise).await? else {
        bail!("no enterprise with code {:?}", cmd.enterprise);
    };
    let t = store.tenant(ent.id);
    let Some(creds) = t.credentials(&cmd.work_id).await? else {
        bail!(
            "no user with work ID {:?} in enterprise {:?}",
            cmd.work_id,
            cmd.enterprise
        );
    };
    let password = api::auth::generate_password();
    let hash = api::auth::hash_password(password.clone()).await?;
    t.set_password(creds.user_id, &hash).await?;
    let now = engine::Clock::now_ms(&engine::SystemClock);
    t.revoke_sessions_of(creds.user_id, None, now).await?;
    store.close().await;
    println!(
        "New password for {} in {}: {password}",
        cmd.work_id, cmd.enterprise
    );
    Ok(())
}

/// Whether a platform administrator's user name is 1–32 letters, digits, `.`, `_` or `-`.
pub fn valid_admin_name(name: &str) -> bool {
    (1..=32).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// `patchbay admin create NAME` and `patchbay admin reset-password NAME`: a platform
/// administrator with a generated password, printed once (only its Argon2 hash is stored).
pub async fn admin(args: SettingsArgs, cmd: AdminCommand) -> anyhow::Result<()> {
    let config = Config::load(&args)?;
    let store = open_store(&config).await?;
    let now = engine::Clock::now_ms(&engine::SystemClock);
    let password = api::auth::generate_password();
    let hash = api::auth::hash_password(password.clone()).await?;
    let result = match &cmd {
        AdminCommand::Create(a) => {
            if !valid_admin_name(&a.username) {
                bail!("the user name must be 1 to 32 letters, digits, '.', '_' or '-'");
            }
            match store.create_platform_admin(&a.username, &hash, now).await {
                Err(store::StoreError::Duplicate(_)) => Err(anyhow::anyhow!(
                    "a platform administrator {:?} already exists (use `patchbay admin reset-password`)",
                    a.username
                )),
                other => other.map(|_| ()).map_err(Into::into),
            }
        }
        AdminCommand::ResetPassword(a) => {
            match store
                .set_platform_admin_password(&a.username, &hash, now)
                .await
            {
                Err(store::StoreError::NotFound) => Err(anyhow::anyhow!(
                    "no platform administrator {:?}",
                    a.username
                )),
                other => other.map_err(Into::into),
            }
        }
    };
    store.close().await;
    result?;
    let (AdminCommand::Create(a) | AdminCommand::ResetPassword(a)) = &cmd;
    println!(
        "Platform administrator {}: password {password}\n\
         It is shown once. Sign in at /platform in the web app, or POST /api/v1/platform/auth/login.",
        a.username
    );
    Ok(())
}

/// `patchbay openapi`: the OpenAPI document as pretty JSON on stdout.
pub fn print_openapi() -> anyhow::Result<()> {
    let doc = api::openapi();
    println!(
        "{}",
        serde_json::to_string_pretty(&doc).context("serialising the OpenAPI document")?
    );
    Ok(())
}

/// `patchbay transcribe FILE.wav`: the recording's final segments, one a line, in time order:
/// `00:01.20-00:03.40 customer: hello there`. A mono file is all `customer`.
/// `--engine sherpa-onnx` takes its model from the configuration (`sherpa_onnx_model_dir`).
pub fn transcribe(settings: &SettingsArgs, args: &TranscribeArgs) -> anyhow::Result<()> {
    let engine: asr::Engine = if args.engine == "sherpa-onnx" {
        let config = Config::load(settings)?;
        asr::Engine::sherpa_onnx(config.sherpa_onnx_model_dir.as_deref())
            .context("--engine sherpa-onnx")?
    } else {
        args.engine.parse().context("--engine")?
    };
    let segments = asr::transcribe_wav(&args.file, &engine)
        .with_context(|| format!("cannot transcribe {}", args.file.display()))?;
    let mut out = std::io::stdout().lock();
    for (speaker, segment) in &segments {
        writeln!(out, "{}", transcript_line(*speaker, segment))?;
    }
    Ok(())
}

/// One line of `patchbay transcribe`'s output.
fn transcript_line(speaker: asr::Speaker, segment: &asr::Segment) -> String {
    let speaker = match speaker {
        asr::Speaker::Agent => "agent",
        asr::Speaker::Customer | asr::Speaker::Mixed => "customer",
    };
    format!(
        "{}-{} {speaker}: {}",
        asr::clock(segment.start_ms),
        asr::clock(segment.end_ms),
        segment.text
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transcript_lines_name_the_side_and_its_times() {
        let s = asr::Segment {
            utterance: 0,
            text: "hello there".into(),
            start_ms: 1_200,
            end_ms: 3_400,
            is_final: true,
            confidence: 0.9,
        };
        assert_eq!(
            transcript_line(asr::Speaker::Customer, &s),
            "00:01.20-00:03.40 customer: hello there"
        );
        assert_eq!(
            transcript_line(asr::Speaker::Mixed, &s),
            "00:01.20-00:03.40 customer: hello there"
        );
        assert_eq!(
            transcript_line(asr::Speaker::Agent, &s),
            "00:01.20-00:03.40 agent: hello there"
        );
    }
}
