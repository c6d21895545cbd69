//! Built-in HTTPS (`tls_cert`, `tls_key`): the certificate chain and key are read from PEM files
//! at start-up (a file that cannot be read or holds nothing usable stops start-up, naming it)
//! and again on SIGHUP (a bad new file is logged and the old certificate kept).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use axum_server::tls_rustls::RustlsConfig;
use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::config::Config;

/// Where the certificate and key are read from.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    /// PEM certificate chain, the server's certificate first.
    pub cert: PathBuf,
    /// PEM private key (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
}

impl TlsFiles {
    /// The files the configuration names: both `tls_cert` and `tls_key`, or neither (plain
    /// HTTP); one without the other is an error naming the missing key.
    pub fn from_config(config: &Config) -> anyhow::Result<Option<TlsFiles>> {
        match (&config.tls_cert, &config.tls_key) {
            (None, None) => Ok(None),
            (Some(cert), Some(key)) => Ok(Some(TlsFiles {
                cert: cert.clone(),
                key: key.clone(),
            })),
            (Some(_), None) => bail!(
                "bad configuration: tls_cert is set but tls_key is not (set both, or neither)"
            ),
            (None, Some(_)) => bail!(
                "bad configuration: tls_key is set but tls_cert is not (set both, or neither)"
            ),
        }
    }

    /// Reads both files into a TLS server configuration (HTTP/1.1).
    pub fn load(&self) -> anyhow::Result<Arc<ServerConfig>> {
        let certs = read_certs(&self.cert)?;
        let key = read_key(&self.key)?;
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .context("TLS protocol versions")?
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .with_context(|| {
                format!(
                    "tls_key: {} does not go with the certificate in {}",
                    self.key.display(),
                    self.cert.display()
                )
            })?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }

    /// Reads the files again on every SIGHUP and swaps the certificate in for new connections;
    /// a file that does not load is logged and the certificate in use is kept.
    #[cfg(unix)]
    pub fn reload_on_sighup(self, config: RustlsConfig) -> anyhow::Result<()> {
        let mut hangups = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
            .context("listening for SIGHUP")?;
        tokio::spawn(async move {
            while hangups.recv().await.is_some() {
                let files = self.clone();
                match tokio::task::spawn_blocking(move || files.load()).await {
                    Ok(Ok(new)) => {
                        config.reload_from_config(new);
                        tracing::info!(cert = %self.cert.display(), "SIGHUP: TLS certificate reloaded");
                    }
                    Ok(Err(e)) => tracing::error!(
                        error = format!("{e:#}"),
                        "SIGHUP: the TLS certificate was not reloaded; the one in use is kept"
                    ),
                    Err(e) => tracing::error!(error = %e, "SIGHUP: TLS reload failed"),
                }
            }
        });
        Ok(())
    }

    /// No SIGHUP here: the certificate is read at start-up only.
    #[cfg(not(unix))]
    pub fn reload_on_sighup(self, _config: RustlsConfig) -> anyhow::Result<()> {
        Ok(())
    }
}

fn read(path: &Path, key: &str) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("{key}: cannot read {}", path.display()))
}

fn read_certs(path: &Path) -> anyhow::Result<Vec<CertificateDer<'static>>> {
    let pem = read(path, "tls_cert")?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("tls_cert: {} is not valid PEM", path.display()))?;
    if certs.is_empty() {
        bail!("tls_cert: {} holds no PEM certificate", path.display());
    }
    Ok(certs)
}

fn read_key(path: &Path) -> anyhow::Result<PrivateKeyDer<'static>> {
    let pem = read(path, "tls_key")?;
    PrivateKeyDer::from_pem_slice(&pem)
        .with_context(|| format!("tls_key: {} holds no PEM private key", path.display()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn files(dir: &Path) -> TlsFiles {
        TlsFiles {
            cert: dir.join("cert.pem"),
            key: dir.join("key.pem"),
        }
    }

    #[test]
    fn a_missing_or_unusable_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let f = files(dir.path());
        let e = format!("{:#}", f.load().unwrap_err());
        assert!(e.contains("tls_cert") && e.contains("cert.pem"), "{e}");
        let made = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        std::fs::write(&f.cert, made.cert.pem()).unwrap();
        std::fs::write(&f.key, "not a key\n").unwrap();
        let e = format!("{:#}", f.load().unwrap_err());
        assert!(e.contains("tls_key") && e.contains("key.pem"), "{e}");
        std::fs::write(&f.cert, "-----BEGIN CERTIFICATE-----\nnope\n").unwrap();
        std::fs::write(&f.key, made.signing_key.serialize_pem()).unwrap();
        let e = format!("{:#}", f.load().unwrap_err());
        assert!(e.contains("tls_cert"), "{e}");
        // A key of another certificate.
        let other = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        std::fs::write(&f.cert, made.cert.pem()).unwrap();
        std::fs::write(&f.key, other.signing_key.serialize_pem()).unwrap();
        let e = format!("{:#}", f.load().unwrap_err());
        assert!(e.contains("does not go with"), "{e}");
        std::fs::write(&f.key, made.signing_key.serialize_pem()).unwrap();
        assert_eq!(f.load().unwrap().alpn_protocols, [b"http/1.1".to_vec()]);
    }

    #[test]
    fn cert_and_key_come_together_or_not_at_all() {
        let mut c = Config::default();
        assert!(TlsFiles::from_config(&c).unwrap().is_none());
        c.tls_cert = Some("cert.pem".into());
        let e = TlsFiles::from_config(&c).unwrap_err().to_string();
        assert!(e.contains("tls_key"), "{e}");
        c.tls_cert = None;
        c.tls_key = Some("key.pem".into());
        let e = TlsFiles::from_config(&c).unwrap_err().to_string();
        assert!(e.contains("tls_cert"), "{e}");
    }
}
