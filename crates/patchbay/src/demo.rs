//! The demo enterprise created on first start, so a newcomer can try everything at once.

use std::path::Path;

use anyhow::Context;
use model::telephony::{NumberInput, NumberService, SipTransport, TrunkInput, TrunkMode};
use model::{DataScope, Permission, SkillGroupId, UserId};
use store::{NewUser, Store, Tenant};

/// Name of the file in the data directory that keeps the demo passwords.
pub const CREDENTIALS_FILE: &str = "demo-credentials.txt";

/// One demo account, for the credentials file.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    /// Work ID.
    pub work_id: String,
    /// Generated password.
    pub password: String,
    /// Role name.
    pub role: String,
    /// SIP user name and password for a desk phone (agents).
    pub sip: Option<(String, String)>,
}

/// Creates the demo enterprise when the database has no enterprise yet. Returns the accounts
/// created (empty when the database was not new).
pub async fn seed_if_empty(
    store: &Store,
    data_dir: &Path,
    sip_listen: std::net::SocketAddr,
    now: i64,
) -> anyhow::Result<Vec<DemoAccount>> {
    if store.enterprise_count().await? > 0 {
        return Ok(Vec::new());
    }
    let ent = store
        .create_enterprise("demo", "演示企业 Demo Co.", now)
        .await?;
    let t = store.tenant(ent.id);
    let admin = t
        .create_role(
            "管理员",
            Some("Administrator: everything"),
            &Permission::ALL,
            DataScope::Enterprise,
            true,
            now,
        )
        .await?;
    t.create_role(
        "班长",
        Some("Supervisor: agent work plus monitoring of own skill groups"),
        &[
            Permission::AgentLogin,
            Permission::AnswerDial,
            Permission::ConsultTransfer,
            Permission::Monitor,
            Permission::ViewCallRecords,
            Permission::ViewRecordings,
            Permission::Export,
        ],
        DataScope::SkillGroups,
        false,
        now,
    )
    .await?;
    let agent = t
        .create_role(
            "坐席",
            Some("Agent: answers and makes calls, sees own records"),
            &[
                Permission::AgentLogin,
                Permission::AnswerDial,
                Permission::ConsultTransfer,
                Permission::ViewCallRecords,
            ],
            DataScope::Own,
            false,
            now,
        )
        .await?;
    let sales = t
        .create_skill_group("Sales 销售", Some("Sales line, menu option 1"), now)
        .await?;
    let support = t
        .create_skill_group("Support 客服", Some("Customer support, menu option 2"), now)
        .await?;
    for (name, desc) in [
        ("会议中", "In a meeting"),
        ("小休", "Short break"),
        ("培训", "Training"),
    ] {
        t.create_custom_status(name, Some(desc), now).await?;
    }

    // A local trunk: calls from this machine reach the demo numbers with no carrier at all.
    let trunk = t
        .create_trunk(
            &TrunkInput {
                name: "本地 Local".to_owned(),
                mode: TrunkMode::Peer,
                host: sip_listen.ip().to_string(),
                port: sip_listen.port(),
                transport: SipTransport::Udp,
                username: None,
                password: None,
                allowed_sources: vec!["127.0.0.1".to_owned()],
                codecs: vec!["PCMA".to_owned(), "PCMU".to_owned()],
                max_calls: 0,
                register_expires: 3600,
                enabled: true,
                keepalive: true,
                public_address: None,
            },
            now,
        )
        .await?;
    for (number, service, description) in [
        ("4008000000", NumberService::Ivr, "Demo hotline 演示热线"),
        ("9196", NumberService::EchoTest, "Echo test 回声测试"),
    ] {
        let n = t
            .create_number(
                &NumberInput {
                    number: number.to_owned(),
                    trunk_id: trunk.id,
                    service,
                    description: Some(description.to_owned()),
                },
                now,
            )
            .await?;
        if service == NumberService::Ivr {
            // Welcome, then "press 1 for sales, 2 for support".
            let flow = serde_json::to_value(ivr::Flow::demo(sales.id.0, support.id.0))?;
            t.set_number_flow(n.id, Some(&flow)).await?;
        }
    }
    // Five seconds of after-call work (事后整理) after each call.
    t.set_after_call_work_secs(5).await?;

    let mut accounts = Vec::new();
    for (work_id, name, role) in [
        ("admin", "管理员 Admin", &admin),
        ("1001", "坐席 1001", &agent),
        ("1002", "坐席 1002", &agent),
    ] {
        let password = api::auth::generate_password();
        let password_hash = api::auth::hash_password(password.clone()).await?;
        let user = t
            .create_user(
                &NewUser {
                    work_id: work_id.to_owned(),
                    name: name.to_owned(),
                    mobile: None,
                    department: None,
                    role_id: role.id,
                    enabled: true,
                    password_hash,
                },
                now,
            )
            .await?;
        let mut sip = None;
        if role.id == agent.id {
            // 1001 leads Sales, 1002 leads Support; both can take either.
            let (s, p) = if work_id == "1001" { (5, 3) } else { (4, 5) };
            add(t, sales.id, user.id, s).await?;
            add(t, support.id, user.id, p).await?;
            let sip_password = api::auth::generate_password();
            t.set_sip_account(user.id, work_id, &sip_password, now)
                .await?;
            sip = Some((work_id.to_owned(), sip_password));
        }
        accounts.push(DemoAccount {
            work_id: work_id.to_owned(),
            password,
            role: role.name.clone(),
            sip,
        });
    }
    write_credentials(data_dir, &ent.code, &accounts)?;
    Ok(accounts)
}

async fn add(t: Tenant<'_>, g: SkillGroupId, u: UserId, level: i32) -> anyhow::Result<()> {
    t.add_skill_group_member(g, u, level).await?;
    Ok(())
}

/// The credentials as text: one account per line, whitespace-separated columns.
pub fn credentials_text(enterprise: &str, accounts: &[DemoAccount]) -> String {
    let mut s = String::from(
        "# Patchbay demo accounts. Sign in at the web UI with enterprise code, work ID and password.\n\
         # Change these passwords after the first login.\n\
         # enterprise work_id password role\n",
    );
    for a in accounts {
        s.push_str(&format!(
            "{enterprise} {} {} {}\n",
            a.work_id, a.password, a.role
        ));
    }
    for a in accounts {
        if let Some((user, password)) = &a.sip {
            s.push_str(&format!(
                "# desk phone of {}: SIP user {user} password {password}\n",
                a.work_id
            ));
        }
    }
    s
}

fn write_credentials(
    data_dir: &Path,
    enterprise: &str,
    accounts: &[DemoAccount],
) -> anyhow::Result<()> {
    let path = data_dir.join(CREDENTIALS_FILE);
    std::fs::write(&path, credentials_text(enterprise, accounts))
        .with_context(|| format!("writing {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}
