//! Trunks, enterprise numbers and agents' SIP accounts, and the [`SipDirectory`] the SIP endpoint
//! works from (with the uploaded prompts of `prompts.rs`).

use model::telephony::{
    EnterpriseNumber, NumberInput, NumberService, SipDirectory, SipTransport, Trunk, TrunkInput,
    TrunkMode,
};
use model::{EnterpriseId, NumberId, Page, PageQuery, TrunkId, UserId};

use crate::secrets::{Column, Sealer};
use crate::{Result, Store, StoreError, Tenant, like_pattern, on_pool};

/// A `trunks` row.
#[derive(sqlx::FromRow)]
struct TrunkRow {
    id: i64,
    enterprise_id: i64,
    name: String,
    mode: String,
    host: String,
    port: i64,
    transport: String,
    username: Option<String>,
    password: Option<String>,
    allowed_sources: String,
    codecs: String,
    max_calls: i64,
    register_expires: i64,
    enabled: bool,
    keepalive: bool,
    public_address: Option<String>,
}

fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect()
}

impl TrunkRow {
    /// The trunk, and its password opened by `sealer` (none when it does not open: logged).
    fn into_trunk(self, sealer: &Sealer) -> (EnterpriseId, Trunk, Option<String>) {
        let password = self.password.as_deref().and_then(|p| {
            sealer
                .open(Column::TrunkPassword, p)
                .map_err(|_| {
                    tracing::error!(
                        trunk = self.id,
                        "a trunk's stored password does not open with this data directory's secret.key: enter it again"
                    );
                })
                .ok()
        });
        let trunk = Trunk {
            id: TrunkId(self.id),
            name: self.name,
            mode: if self.mode == "register" {
                TrunkMode::Register
            } else {
                TrunkMode::Peer
            },
            host: self.host,
            port: u16::try_from(self.port).unwrap_or(5060),
            transport: if self.transport == "tcp" {
                SipTransport::Tcp
            } else {
                SipTransport::Udp
            },
            username: self.username,
            has_password: self.password.as_deref().is_some_and(|p| !p.is_empty()),
            allowed_sources: split_list(&self.allowed_sources),
            codecs: split_list(&self.codecs),
            max_calls: u32::try_from(self.max_calls).unwrap_or(0),
            register_expires: u32::try_from(self.register_expires).unwrap_or(3600),
            enabled: self.enabled,
            keepalive: self.keepalive,
            public_address: self.public_address,
            status: None,
        };
        (EnterpriseId(self.enterprise_id), trunk, password)
    }
}

/// `SELECT` of every trunk column, followed by the rest of the statement.
macro_rules! select_trunks {
    ($rest:literal) => {
        concat!(
            "SELECT id, enterprise_id, name, mode, host, port, transport, username, password, ",
            "allowed_sources, codecs, max_calls, register_expires, enabled, keepalive, public_address FROM trunks ",
            $rest
        )
    };
}

fn mode_str(m: TrunkMode) -> &'static str {
    match m {
        TrunkMode::Peer => "peer",
        TrunkMode::Register => "register",
    }
}

fn transport_str(t: SipTransport) -> &'static str {
    match t {
        SipTransport::Udp => "udp",
        SipTransport::Tcp => "tcp",
    }
}

fn service_str(s: NumberService) -> &'static str {
    match s {
        NumberService::Welcome => "welcome",
        NumberService::EchoTest => "echo_test",
        NumberService::Ivr => "ivr",
    }
}

/// A `numbers` row.
#[derive(sqlx::FromRow)]
struct NumberRow {
    id: i64,
    enterprise_id: i64,
    number: String,
    trunk_id: i64,
    service: String,
    description: Option<String>,
    flow: Option<String>,
}

/// Every `numbers` column, then the rest of the statement.
macro_rules! select_numbers {
    ($rest:literal) => {
        concat!(
            "SELECT id, enterprise_id, number, trunk_id, service, description, flow FROM numbers ",
            $rest
        )
    };
}

impl NumberRow {
    fn into_number(self) -> (EnterpriseId, EnterpriseNumber) {
        let n = EnterpriseNumber {
            id: NumberId(self.id),
            number: self.number,
            trunk_id: TrunkId(self.trunk_id),
            service: match self.service.as_str() {
                "echo_test" => NumberService::EchoTest,
                "ivr" => NumberService::Ivr,
                _ => NumberService::Welcome,
            },
            description: self.description,
            flow: self.flow.and_then(|f| serde_json::from_str(&f).ok()),
        };
        (EnterpriseId(self.enterprise_id), n)
    }
}

impl Store {
    /// Every enterprise's trunks, numbers and SIP accounts, for the SIP endpoint.
    pub async fn sip_directory(&self) -> Result<SipDirectory> {
        let (trunks, numbers, accounts, mobiles) = on_pool!(self, pool => {
            let trunks: Vec<TrunkRow> =
                sqlx::query_as(select_trunks!("ORDER BY id"))
                    .fetch_all(pool)
                    .await?;
            let numbers: Vec<NumberRow> = sqlx::query_as(select_numbers!("ORDER BY id"))
            .fetch_all(pool)
            .await?;
            let accounts: Vec<(i64, i64, String, String)> = sqlx::query_as(
                "SELECT a.enterprise_id, a.user_id, a.username, a.password FROM sip_accounts a \
                 JOIN users u ON u.enterprise_id = a.enterprise_id AND u.id = a.user_id \
                 WHERE u.enabled ORDER BY a.user_id",
            )
            .fetch_all(pool)
            .await?;
            let mobiles: Vec<(i64, i64, String)> = sqlx::query_as(
                "SELECT enterprise_id, id, mobile FROM users \
                 WHERE enabled AND mobile IS NOT NULL AND mobile <> '' ORDER BY id",
            )
            .fetch_all(pool)
            .await?;
            (trunks, numbers, accounts, mobiles)
        });
        let (groups, after_call_work, time_zones) = self.acd_directory().await?;
        let transcribe_all: Vec<(i64,)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id FROM enterprises WHERE transcribe_all_calls ORDER BY id")
                .fetch_all(pool)
                .await?
        });
        let prompts = self.prompt_directory().await?;
        let limits = self.enterprise_limits().await?;
        let mut directory = SipDirectory {
            limits,
            prompts,
            groups,
            after_call_work,
            time_zones,
            transcribe_all: transcribe_all
                .into_iter()
                .map(|(e,)| EnterpriseId(e))
                .collect(),
            trunks: trunks
                .into_iter()
                .map(|t| t.into_trunk(&self.sealer))
                .collect(),
            numbers: numbers.into_iter().map(NumberRow::into_number).collect(),
            accounts: accounts
                .into_iter()
                .filter_map(|(e, u, n, p)| {
                    let p = self.open_sip_password(UserId(u), &p)?;
                    Some((EnterpriseId(e), UserId(u), n, p))
                })
                .collect(),
            mobiles: mobiles
                .into_iter()
                .map(|(e, u, m)| (EnterpriseId(e), UserId(u), m))
                .collect(),
        };
        // A disabled enterprise's numbers, trunks and desk phones are off the SIP endpoint.
        let disabled: Vec<i64> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT id FROM enterprises WHERE NOT enabled")
                .fetch_all(pool)
                .await?
        });
        if !disabled.is_empty() {
            let on = |e: &EnterpriseId| !disabled.contains(&e.0);
            directory.trunks.retain(|(e, ..)| on(e));
            directory.numbers.retain(|(e, _)| on(e));
            directory.accounts.retain(|(e, ..)| on(e));
            directory.mobiles.retain(|(e, ..)| on(e));
        }
        Ok(directory)
    }
}

impl Tenant<'_> {
    /// The enterprise's trunks, by name.
    pub async fn trunks(&self) -> Result<Vec<Trunk>> {
        let rows: Vec<TrunkRow> = on_pool!(self.store, pool => sqlx::query_as(select_trunks!(
            "WHERE enterprise_id = $1 ORDER BY name"
        ))
        .bind(self.enterprise.0)
        .fetch_all(pool)
        .await?);
        Ok(rows
            .into_iter()
            .map(|r| r.into_trunk(&self.store.sealer).1)
            .collect())
    }

    /// One trunk.
    pub async fn trunk(&self, id: TrunkId) -> Result<Trunk> {
        let row: Option<TrunkRow> = on_pool!(self.store, pool => sqlx::query_as(select_trunks!(
            "WHERE enterprise_id = $1 AND id = $2"
        ))
        .bind(self.enterprise.0)
        .bind(id.0)
        .fetch_optional(pool)
        .await?);
        row.map(|r| r.into_trunk(&self.store.sealer).1)
            .ok_or(StoreError::NotFound)
    }

    /// Creates a trunk; `Duplicate("name")` if the name is taken.
    pub async fn create_trunk(&self, t: &TrunkInput, now: i64) -> Result<Trunk> {
        let id: i64 = on_pool!(self.store, pool => sqlx::query_scalar(
            "INSERT INTO trunks (enterprise_id, name, mode, host, port, transport, username, password, \
             allowed_sources, codecs, max_calls, register_expires, enabled, created_at, keepalive, public_address) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
        )
        .bind(self.enterprise.0)
        .bind(&t.name)
        .bind(mode_str(t.mode))
        .bind(&t.host)
        .bind(i64::from(t.port))
        .bind(transport_str(t.transport))
        .bind(&t.username)
        .bind(self.sealed_trunk_password(t))
        .bind(t.allowed_sources.join(","))
        .bind(t.codecs.join(","))
        .bind(i64::from(t.max_calls))
        .bind(i64::from(t.register_expires))
        .bind(t.enabled)
        .bind(now)
        .bind(t.keepalive)
        .bind(&t.public_address)
        .fetch_one(pool)
        .await
        .map_err(|e| StoreError::on_write(e, "name"))?);
        self.trunk(TrunkId(id)).await
    }

    /// Replaces a trunk's settings; a `None` password keeps the stored one, `""` clears it.
    pub async fn update_trunk(&self, id: TrunkId, t: &TrunkInput) -> Result<Trunk> {
        let n = on_pool!(self.store, pool => sqlx::query(
            "UPDATE trunks SET name = $3, mode = $4, host = $5, port = $6, transport = $7, username = $8, \
             password = CASE WHEN $9 THEN $10 ELSE password END, allowed_sources = $11, codecs = $12, \
             max_calls = $13, register_expires = $14, enabled = $15, keepalive = $16, public_address = $17 \
             WHERE enterprise_id = $1 AND id = $2",
        )
        .bind(self.enterprise.0)
        .bind(id.0)
        .bind(&t.name)
        .bind(mode_str(t.mode))
        .bind(&t.host)
        .bind(i64::from(t.port))
        .bind(transport_str(t.transport))
        .bind(&t.username)
        .bind(t.password.is_some())
        .bind(self.sealed_trunk_password(t))
        .bind(t.allowed_sources.join(","))
        .bind(t.codecs.join(","))
        .bind(i64::from(t.max_calls))
        .bind(i64::from(t.register_expires))
        .bind(t.enabled)
        .bind(t.keepalive)
        .bind(&t.public_address)
        .execute(pool)
        .await
        .map_err(|e| StoreError::on_write(e, "name"))?
        .rows_affected());
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        self.trunk(id).await
    }

    /// Deletes a trunk; `InUse` while numbers are on it.
    pub async fn delete_trunk(&self, id: TrunkId) -> Result<()> {
        self.delete_by_id(
            "DELETE FROM trunks WHERE enterprise_id = $1 AND id = $2",
            id.0,
        )
        .await
    }

    /// A page of the enterprise's numbers containing the search text, ordered by number.
    pub async fn numbers(&self, q: &PageQuery) -> Result<Page<EnterpriseNumber>> {
        let e = self.enterprise.0;
        let pattern = like_pattern(q.search());
        let (rows, total): (Vec<NumberRow>, i64) = on_pool!(self.store, pool => {
            let rows = sqlx::query_as::<_, NumberRow>(select_numbers!(
                "WHERE enterprise_id = $1 AND (number LIKE $2 ESCAPE '\\' OR LOWER(COALESCE(description, '')) LIKE $2 ESCAPE '\\') \
                 ORDER BY number LIMIT $3 OFFSET $4"
            ))
            .bind(e)
            .bind(&pattern)
            .bind(i64::from(q.page_size()))
            .bind(q.offset())
            .fetch_all(pool)
            .await?;
            let total: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM numbers WHERE enterprise_id = $1 AND \
                 (number LIKE $2 ESCAPE '\\' OR LOWER(COALESCE(description, '')) LIKE $2 ESCAPE '\\')",
            )
            .bind(e)
            .bind(&pattern)
            .fetch_one(pool)
            .await?;
            (rows, total)
        });
        Ok(Page {
            items: rows.into_iter().map(|r| r.into_number().1).collect(),
            total,
            page: q.page(),
            page_size: q.page_size(),
        })
    }

    /// One number.
    pub async fn number(&self, id: NumberId) -> Result<EnterpriseNumber> {
        let row: Option<NumberRow> = on_pool!(self.store, pool => sqlx::query_as(
            select_numbers!("WHERE enterprise_id = $1 AND id = $2"),
        )
        .bind(self.enterprise.0)
        .bind(id.0)
        .fetch_optional(pool)
        .await?);
        row.map(|r| r.into_number().1).ok_or(StoreError::NotFound)
    }

    /// Adds a number; `Duplicate("number")` if any enterprise has it, `InvalidReference` for a
    /// trunk that is not this enterprise's.
    pub async fn create_number(&self, n: &NumberInput, now: i64) -> Result<EnterpriseNumber> {
        let id: i64 = on_pool!(self.store, pool => sqlx::query_scalar(
            "INSERT INTO numbers (enterprise_id, number, trunk_id, service, description, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(self.enterprise.0)
        .bind(&n.number)
        .bind(n.trunk_id.0)
        .bind(service_str(n.service))
        .bind(&n.description)
        .bind(now)
        .fetch_one(pool)
        .await
        .map_err(|e| StoreError::on_write(e, "number"))?);
        self.number(NumberId(id)).await
    }

    /// Replaces a number's settings.
    pub async fn update_number(&self, id: NumberId, n: &NumberInput) -> Result<EnterpriseNumber> {
        let count = on_pool!(self.store, pool => sqlx::query(
            "UPDATE numbers SET number = $3, trunk_id = $4, service = $5, description = $6 \
             WHERE enterprise_id = $1 AND id = $2",
        )
        .bind(self.enterprise.0)
        .bind(id.0)
        .bind(&n.number)
        .bind(n.trunk_id.0)
        .bind(service_str(n.service))
        .bind(&n.description)
        .execute(pool)
        .await
        .map_err(|e| StoreError::on_write(e, "number"))?
        .rows_affected());
        if count == 0 {
            return Err(StoreError::NotFound);
        }
        self.number(id).await
    }

    /// Sets (or with `None` clears) a number's IVR flow, stored as JSON text. The caller
    /// validates it first.
    pub async fn set_number_flow(
        &self,
        id: NumberId,
        flow: Option<&serde_json::Value>,
    ) -> Result<EnterpriseNumber> {
        let text = flow.map(serde_json::Value::to_string);
        let n = on_pool!(self.store, pool => sqlx::query(
            "UPDATE numbers SET flow = $3 WHERE enterprise_id = $1 AND id = $2",
        )
        .bind(self.enterprise.0)
        .bind(id.0)
        .bind(text)
        .execute(pool)
        .await?
        .rows_affected());
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        self.number(id).await
    }

    /// Deletes a number.
    pub async fn delete_number(&self, id: NumberId) -> Result<()> {
        self.delete_by_id(
            "DELETE FROM numbers WHERE enterprise_id = $1 AND id = $2",
            id.0,
        )
        .await
    }

    /// An agent's SIP user name and password, if the agent has an account; the password is
    /// `None` when it does not open with this data directory's key.
    pub async fn sip_account(&self, user: UserId) -> Result<Option<(String, Option<String>)>> {
        let row: Option<(String, String)> = on_pool!(self.store, pool => sqlx::query_as(
            "SELECT username, password FROM sip_accounts WHERE enterprise_id = $1 AND user_id = $2",
        )
        .bind(self.enterprise.0)
        .bind(user.0)
        .fetch_optional(pool)
        .await?);
        Ok(row.map(|(name, p)| (name, self.store.open_sip_password(user, &p))))
    }

    /// A trunk's new password, sealed (none when it is cleared or kept).
    fn sealed_trunk_password(&self, t: &TrunkInput) -> Option<String> {
        t.password
            .as_deref()
            .filter(|p| !p.is_empty())
            .map(|p| self.store.sealer.seal(Column::TrunkPassword, p))
    }

    /// Creates or replaces an agent's SIP account; `Duplicate("username")` if the user name is
    /// taken, `InvalidReference` for a user not in this enterprise.
    pub async fn set_sip_account(
        &self,
        user: UserId,
        username: &str,
        password: &str,
        now: i64,
    ) -> Result<()> {
        on_pool!(self.store, pool => sqlx::query(
            "INSERT INTO sip_accounts (user_id, enterprise_id, username, password, created_at) \
             VALUES ($2, $1, $3, $4, $5) \
             ON CONFLICT (user_id) DO UPDATE SET username = excluded.username, password = excluded.password \
             WHERE sip_accounts.enterprise_id = excluded.enterprise_id",
        )
        .bind(self.enterprise.0)
        .bind(user.0)
        .bind(username)
        .bind(self.store.sealer.seal(Column::SipAccountPassword, password))
        .bind(now)
        .execute(pool)
        .await
        .map_err(|e| StoreError::on_write(e, "username"))?
        .rows_affected());
        Ok(())
    }

    /// Removes an agent's SIP account.
    pub async fn delete_sip_account(&self, user: UserId) -> Result<()> {
        let n = on_pool!(self.store, pool => sqlx::query(
            "DELETE FROM sip_accounts WHERE enterprise_id = $1 AND user_id = $2",
        )
        .bind(self.enterprise.0)
        .bind(user.0)
        .execute(pool)
        .await?
        .rows_affected());
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}

impl Store {
    /// A SIP account's stored password, opened (none when it does not open: logged).
    fn open_sip_password(&self, user: UserId, stored: &str) -> Option<String> {
        self.sealer
            .open(Column::SipAccountPassword, stored)
            .map_err(|_| {
                tracing::error!(
                    user = user.0,
                    "a SIP account's stored password does not open with this data directory's secret.key: set it again"
                );
            })
            .ok()
    }

    /// Seals every trunk and SIP account password still stored in clear (written before
    /// sealing existed); returns how many were sealed. Run at start-up.
    pub async fn seal_stored_secrets(&self) -> Result<usize> {
        let trunks = self
            .seal_in_clear(
                Column::TrunkPassword,
                "SELECT id, password FROM trunks WHERE password IS NOT NULL AND password NOT LIKE 'sealed:v1:%'",
                "UPDATE trunks SET password = $2 WHERE id = $1 AND password = $3",
            )
            .await?;
        let accounts = self
            .seal_in_clear(
                Column::SipAccountPassword,
                "SELECT user_id, password FROM sip_accounts WHERE password NOT LIKE 'sealed:v1:%'",
                "UPDATE sip_accounts SET password = $2 WHERE user_id = $1 AND password = $3",
            )
            .await?;
        Ok(trunks + accounts)
    }

    /// Seals the `(key, password)` rows `select` finds in clear with `update` (`$1` key, `$2`
    /// sealed, `$3` the clear text: only if unchanged meanwhile, as a password set since is
    /// sealed already); how many were found.
    async fn seal_in_clear(
        &self,
        column: Column,
        select: &'static str,
        update: &'static str,
    ) -> Result<usize> {
        let rows: Vec<(i64, String)> =
            on_pool!(self, pool => sqlx::query_as(select).fetch_all(pool).await?);
        for (key, plain) in &rows {
            let sealed = self.sealer.seal(column, plain);
            on_pool!(self, pool => sqlx::query(update)
                .bind(key)
                .bind(sealed)
                .bind(plain)
                .execute(pool)
                .await?
                .rows_affected());
        }
        Ok(rows.len())
    }
}
