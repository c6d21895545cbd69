//! Operator commands.

use anyhow::{Context, bail};

use crate::cli::{ResetPasswordArgs, SettingsArgs};
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

/// `patchbay openapi`: the OpenAPI document as pretty JSON on stdout.
pub fn print_openapi() -> anyhow::Result<()> {
    let doc = api::openapi();
    println!(
        "{}",
        serde_json::to_string_pretty(&doc).context("serialising the OpenAPI document")?
    );
    Ok(())
}
