//! Configuration: built-in defaults, then the TOML file (`--config`), then `PATCHBAY_*`
//! environment variables, then flags; later sources win. Unknown keys in the file and malformed
//! values anywhere stop start-up with a message naming the key.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, bail};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

use crate::cli::SettingsArgs;

/// Every setting, validated.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Where the database (SQLite), recordings and demo credentials live.
    pub data_dir: PathBuf,
    /// HTTP listen address of the web app and API.
    pub http_listen: SocketAddr,
    /// Database URL; `None` means SQLite at `DATA_DIR/patchbay.db`.
    pub database_url: Option<String>,
    /// Log filter (tracing's env-filter syntax).
    pub log: String,
    /// Mark the session cookie `Secure`; set when Patchbay is served over HTTPS.
    pub secure_cookie: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from("./data"),
            http_listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: None,
            log: "info".to_owned(),
            secure_cookie: false,
        }
    }
}

/// Keys that may come from `PATCHBAY_*` environment variables.
const ENV_KEYS: [&str; 5] = [
    "data_dir",
    "http_listen",
    "database_url",
    "log",
    "secure_cookie",
];

impl Config {
    /// Loads and validates the configuration from all sources.
    pub fn load(args: &SettingsArgs) -> anyhow::Result<Config> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = &args.config {
            if !path.is_file() {
                bail!("configuration file {} does not exist", path.display());
            }
            fig = fig.merge(Toml::file_exact(path));
        }
        for (k, _) in std::env::vars() {
            if let Some(key) = k.strip_prefix("PATCHBAY_") {
                let key = key.to_ascii_lowercase();
                if !ENV_KEYS.contains(&key.as_str()) {
                    tracing::debug!(variable = %k, "ignoring environment variable that is not a setting");
                }
            }
        }
        fig = fig
            .merge(Env::prefixed("PATCHBAY_").only(&ENV_KEYS))
            .merge(Serialized::defaults(args));
        let config: Config = fig
            .extract()
            .map_err(|e| anyhow::anyhow!("bad configuration: {e}"))?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> anyhow::Result<()> {
        if self.data_dir.as_os_str().is_empty() {
            bail!("bad configuration: data_dir must not be empty");
        }
        let supported = |url: &str| {
            ["sqlite:", "postgres:", "postgresql:"]
                .iter()
                .any(|p| url.starts_with(p))
        };
        if self.database_url.as_deref().is_some_and(|u| !supported(u)) {
            bail!("bad configuration: database_url must start with sqlite:// or postgres://");
        }
        tracing_subscriber::EnvFilter::try_new(&self.log)
            .with_context(|| format!("bad configuration: log filter {:?}", self.log))?;
        Ok(())
    }

    /// The database URL to open.
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("patchbay.db").display()))
    }
}
