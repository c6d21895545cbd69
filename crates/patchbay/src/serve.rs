//! Start-up and graceful shutdown of the server.

use std::future::Future;
use std::sync::Arc;

use anyhow::Context;
use api::{AppState, AuthSettings};
use axum_server::tls_rustls::{RustlsAcceptor, RustlsConfig};
use engine::{Clock, SystemClock};
use store::Store;
use tokio::net::TcpListener;

use crate::cli::SettingsArgs;
use crate::config::{Config, LogFormat};
use crate::demo;
use crate::http_limits;
use crate::records;
use crate::tls::TlsFiles;
use crate::transcription::Transcription;

/// `patchbay serve`: load the configuration, open the store, seed the demo, serve until a signal.
pub async fn main(args: SettingsArgs) -> anyhow::Result<()> {
    let config = Config::load(&args)?;
    init_logging(&config.log, config.log_format);
    log_panics();
    let transcription = Transcription::load(&config)?;
    transcription.log();
    asr::Engine::set_live(transcription.live.clone());
    // A certificate that does not load stops start-up before anything else starts.
    let tls = TlsFiles::from_config(&config)?;
    if let Some(files) = &tls {
        files.load()?;
    }
    lock_down(&config.data_dir)?;
    let store = open_store(&config).await?;
    let created = seed_demo(&config, &store).await?;
    if !created.is_empty() {
        println!(
            "Created the demo enterprise (code: demo). These passwords are shown once and kept in {}:",
            config.data_dir.join(demo::CREDENTIALS_FILE).display()
        );
        print!("{}", demo::credentials_text("demo", &created));
    }
    let listener = TcpListener::bind(config.http_listen)
        .await
        .with_context(|| format!("http_listen: cannot listen on {}", config.http_listen))?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let hub = Arc::new(engine::EventHub::default());
    let (sip, records) = start_sip(&config, &store, hub.clone(), stop_rx.clone()).await?;
    println!(
        "Patchbay is serving the web UI at {}://{}",
        if tls.is_some() { "https" } else { "http" },
        listener.local_addr()?
    );
    println!(
        "SIP on {} (UDP and TCP): call 9196 for the echo test, 4008000000 for the demo line",
        sip.local_addr
    );
    match config.sip_public_address {
        Some(ip) => println!("SIP legs advertise {ip} (sip_public_address)"),
        None if sip.local_addr.ip().is_unspecified() => println!(
            "SIP is bound to all interfaces: each peer is told the local address that routes to it; behind NAT set sip_public_address"
        ),
        None => {}
    }
    tokio::spawn(async move {
        shutdown_signal().await;
        let _ = stop_tx.send(true);
    });
    // On a signal the SIP endpoint drains its calls (the web app and API stay up meanwhile:
    // agents finish their calls through them), then every record is written, then HTTP stops.
    let endpoint = sip.clone();
    let asked_to_stop = stop_rx.clone();
    run(
        listener,
        store,
        &config,
        &transcription,
        Some((sip, hub)),
        async move {
            endpoint.stopped().await;
            records.flush().await;
        },
    )
    .await?;
    // The endpoint also stops after a panic: exit non-zero so a supervisor restarts Patchbay.
    if !*asked_to_stop.borrow() {
        anyhow::bail!("the SIP endpoint stopped on its own (see the log): exiting for a restart");
    }
    Ok(())
}

/// Creates the demo enterprise in an empty database, unless `no_demo` is set: the accounts
/// created (none when the database had an enterprise or `no_demo` is on).
pub async fn seed_demo(config: &Config, store: &Store) -> anyhow::Result<Vec<demo::DemoAccount>> {
    if config.no_demo {
        if store.enterprise_count().await? == 0 {
            tracing::info!("no_demo is set: starting without an enterprise");
        }
        return Ok(Vec::new());
    }
    let now = SystemClock.now_ms();
    demo::seed_if_empty(store, &config.data_dir, config.sip_listen, now).await
}

/// Starts the SIP endpoint, and the writer of its call records; it stops when `stop` turns
/// true, after draining its calls (`shutdown_drain_secs`).
pub async fn start_sip(
    config: &Config,
    store: &Store,
    hub: Arc<engine::EventHub>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<(engine::sipd::SipHandle, records::CallRecords)> {
    // After a crash: recordings cut short play up to the moment it happened, and the records
    // of the calls that were going are closed (interrupted) before any new call starts and
    // before the archiver looks for ended calls' recordings.
    let recordings_dir = config.data_dir.join("recordings");
    let repaired = engine::sipd::repair_recordings(&recordings_dir);
    if repaired > 0 {
        println!("Repaired {repaired} recording(s) left unfinished by a crash");
    }
    // Events the last run journaled but did not write go first: a call that ended just before
    // a crash is closed with its real end, not as interrupted.
    let journal_file = config.data_dir.join(records::JOURNAL_FILE);
    let (journal, pending) = engine::journal::Journal::open(&journal_file)
        .with_context(|| format!("cannot open {}", journal_file.display()))?;
    let replayed = records::replay(store, pending).await;
    if replayed > 0 {
        println!("Wrote {replayed} call event(s) the last run had journaled but not written");
    }
    let closed = crate::recovery::close_interrupted_calls(store, &recordings_dir)
        .await
        .context("closing call records left open by a crash")?;
    if closed > 0 {
        println!("Closed {closed} call record(s) left open by a crash as interrupted");
    }
    // Finished recordings are compressed and expired on a task of their own, never on the
    // call path.
    let archiver = recordings::Archiver::start(
        store.clone(),
        config.data_dir.join("recordings"),
        config.recording_retention_days,
        config.compress_recordings,
    );
    let (events, records) = records::record_calls(store.clone(), hub.clone(), archiver, journal);
    let sip_config = engine::sipd::SipConfig {
        listen: config.sip_listen,
        rtp_ports: (config.rtp_ports.low, config.rtp_ports.high),
        rtp_timeout: std::time::Duration::from_secs(config.rtp_timeout_secs.max(1)),
        kernel_forwarding: config.media_kernel_forwarding,
        directory: store
            .sip_directory()
            .await
            .context("loading trunks, numbers and SIP accounts")?,
        realm: "patchbay".to_owned(),
        recordings_dir: Some(config.data_dir.join("recordings")),
        call_events: Some(events),
        hub: Some(hub),
        public_media: config.public_address,
        sip_public: config.sip_public_address,
        widget_calls_per_address: config.widget_calls_per_address,
        shutdown_drain: std::time::Duration::from_secs(config.shutdown_drain_secs),
        guard: config.sip_guard(),
        outbound_check: Some(api::PhoneDialChecks::checker(store.clone())),
    };
    let sip = engine::sipd::start(sip_config, async move {
        let _ = stop.wait_for(|s| *s).await;
    })
    .await
    .with_context(|| format!("sip_listen: cannot listen on {}", config.sip_listen))?;
    Ok((sip, records))
}

/// The data directory holds the database, recordings and the demo's passwords: only Patchbay's
/// user may read it. From here on the process creates files 0600 and folders 0700 (umask 077);
/// the directory itself and the files already at its top are narrowed to that too.
fn lock_down(data_dir: &std::path::Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        private_files();
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("data_dir: cannot create {}", data_dir.display()))?;
        let narrow = |path: &std::path::Path, mode: u32| {
            if let Err(e) = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)) {
                tracing::warn!(path = %path.display(), error = %e, "cannot narrow the permissions");
            }
        };
        narrow(data_dir, 0o700);
        for entry in std::fs::read_dir(data_dir)?.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            narrow(&entry.path(), if kind.is_dir() { 0o700 } else { 0o600 });
        }
    }
    Ok(())
}

/// From here on the process creates files 0600 and folders 0700 (umask 077).
pub fn private_files() {
    #[cfg(unix)]
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
}

/// Creates the data directory and opens (and migrates) the database.
pub async fn open_store(config: &Config) -> anyhow::Result<Store> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("data_dir: cannot create {}", config.data_dir.display()))?;
    let key_file = config.data_dir.join(SECRET_KEY_FILE);
    let key = store::SecretKey::load_or_create(&key_file)
        .with_context(|| format!("cannot read or create {}", key_file.display()))?;
    let url = config.database_url();
    let store = Store::open(&url, &key)
        .await
        .with_context(|| "database_url: cannot open the database".to_owned())?;
    let sealed = store
        .seal_stored_secrets()
        .await
        .context("cannot seal the SIP passwords stored in clear")?;
    if sealed > 0 {
        tracing::info!("Sealed {sealed} SIP password(s) stored in clear with {SECRET_KEY_FILE}");
    }
    Ok(store)
}

/// The key the trunk and SIP account passwords are sealed with, in the data directory. A copy
/// of the database is of no use for SIP without it; keep it with the backups.
pub const SECRET_KEY_FILE: &str = "secret.key";

/// Serves HTTP on `listener` (HTTPS only, when `tls_cert` and `tls_key` are set) until
/// `shutdown` resolves, then drains connections.
pub async fn run(
    listener: TcpListener,
    store: Store,
    config: &Config,
    transcription: &Transcription,
    sip: Option<(engine::sipd::SipHandle, Arc<engine::EventHub>)>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let mut state = AppState::new(store.clone(), clock);
    if let Some((sip, hub)) = sip {
        state.sip = Some(sip);
        state.hub = hub;
    }
    state.recordings_dir = Some(config.data_dir.join("recordings"));
    state.transcription_engines = Arc::new(transcription.engines.clone());
    state.metrics_token = config.metrics_token.clone();
    state.trusted_proxies = Arc::new(config.trusted_proxies.clone());
    // Progressive campaigns dial by themselves while the SIP endpoint runs.
    if state.sip.is_some() {
        api::campaign_dialer::spawn(state.clone());
    }
    let tls = TlsFiles::from_config(config)?;
    state.auth = AuthSettings {
        // Over HTTPS the session cookie is always `Secure`.
        secure_cookie: config.secure_cookie || tls.is_some(),
        ..AuthSettings::default()
    };
    // Visitors' addresses bound how many web widget calls each may run.
    let app = api::app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let limits = config.http_limits();
    let handle = axum_server::Handle::new();
    let stopping = handle.clone();
    tokio::spawn(async move {
        shutdown.await;
        stopping.graceful_shutdown(Some(HTTP_DRAIN));
    });
    let server = axum_server::from_tcp(listener.into_std()?)?.handle(handle);
    match tls {
        None => {
            http_limits::limit(server, limits).serve(app).await?;
        }
        Some(files) => {
            let rustls = RustlsConfig::from_config(files.load()?);
            files.reload_on_sighup(rustls.clone())?;
            let server = server.acceptor(RustlsAcceptor::new(rustls));
            http_limits::limit(server, limits).serve(app).await?;
        }
    }
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// How long open connections may finish their requests after the shutdown.
const HTTP_DRAIN: std::time::Duration = std::time::Duration::from_secs(10);

fn init_logging(filter: &str, format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let fmt = tracing_subscriber::fmt().with_env_filter(filter);
    let _ = match format {
        LogFormat::Text => fmt
            .with_target(false)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
            .try_init(),
        // One JSON object a line: timestamp, level, target, fields, and the spans around it.
        LogFormat::Json => fmt.json().with_current_span(true).try_init(),
    };
}

/// Panics go to the log (with the thread and where), where operators look, then to stderr as
/// before: a panic that stops the SIP endpoint is no longer a mystery.
fn log_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let thread = std::thread::current();
        tracing::error!(
            thread = thread.name().unwrap_or("unnamed"),
            panic = %info,
            "panic"
        );
        default(info);
    }));
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
