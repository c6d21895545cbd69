//! Settings come from defaults, the TOML file, `PATCHBAY_*` variables and flags, in rising
//! precedence; a bad setting stops start-up with a message naming the key.

#![allow(clippy::unwrap_used, clippy::result_large_err)]

use std::net::SocketAddr;
use std::path::PathBuf;

use figment::Jail;
use patchbay::cli::SettingsArgs;
use patchbay::config::Config;

#[test]
fn flags_beat_environment_which_beats_the_file() {
    Jail::expect_with(|jail| {
        jail.create_file(
            "patchbay.toml",
            "data_dir = \"from-file\"\nhttp_listen = \"127.0.0.1:9000\"\nlog = \"debug\"\n",
        )?;
        jail.set_env("PATCHBAY_HTTP_LISTEN", "127.0.0.1:9100");
        jail.set_env("PATCHBAY_LOG", "warn");
        let args = SettingsArgs {
            config: Some(PathBuf::from("patchbay.toml")),
            log: Some("error".into()),
            ..Default::default()
        };
        let c = Config::load(&args).unwrap();
        assert_eq!(c.data_dir, PathBuf::from("from-file"));
        assert_eq!(
            c.http_listen,
            "127.0.0.1:9100".parse::<SocketAddr>().unwrap()
        );
        assert_eq!(c.log, "error");
        assert_eq!(
            c.database_url(),
            format!(
                "sqlite://{}",
                PathBuf::from("from-file").join("patchbay.db").display()
            )
        );
        Ok(())
    });
}

#[test]
fn defaults_serve_on_loopback_8080_with_data_in_dot_data() {
    Jail::expect_with(|_| {
        let c = Config::load(&SettingsArgs::default()).unwrap();
        assert_eq!(
            c.http_listen,
            "127.0.0.1:8080".parse::<SocketAddr>().unwrap()
        );
        assert_eq!(c.data_dir, PathBuf::from("./data"));
        Ok(())
    });
}

#[test]
fn an_unknown_key_in_the_file_is_named_in_the_error() {
    Jail::expect_with(|jail| {
        jail.create_file("patchbay.toml", "http_listn = \"127.0.0.1:9000\"\n")?;
        let args = SettingsArgs {
            config: Some(PathBuf::from("patchbay.toml")),
            ..Default::default()
        };
        let err = Config::load(&args).unwrap_err().to_string();
        assert!(err.contains("http_listn"), "{err}");
        Ok(())
    });
}

#[test]
fn a_malformed_value_is_named_in_the_error() {
    Jail::expect_with(|jail| {
        jail.set_env("PATCHBAY_HTTP_LISTEN", "not-an-address");
        let err = Config::load(&SettingsArgs::default())
            .unwrap_err()
            .to_string();
        assert!(err.to_lowercase().contains("http_listen"), "{err}");
        Ok(())
    });
}

#[test]
fn a_missing_config_file_or_bad_database_url_stops_start_up() {
    Jail::expect_with(|_| {
        let args = SettingsArgs {
            config: Some(PathBuf::from("absent.toml")),
            ..Default::default()
        };
        assert!(
            Config::load(&args)
                .unwrap_err()
                .to_string()
                .contains("absent.toml")
        );
        let args = SettingsArgs {
            database_url: Some("mysql://x".into()),
            ..Default::default()
        };
        assert!(
            Config::load(&args)
                .unwrap_err()
                .to_string()
                .contains("database_url")
        );
        Ok(())
    });
}

#[test]
fn the_sherpa_onnx_model_directory_comes_from_the_file_or_the_environment() {
    Jail::expect_with(|jail| {
        let c = Config::load(&SettingsArgs::default()).unwrap();
        assert_eq!(c.sherpa_onnx_model_dir, None, "no model by default");
        jail.create_file(
            "patchbay.toml",
            "sherpa_onnx_model_dir = \"/srv/models/a\"\n",
        )?;
        let file = SettingsArgs {
            config: Some(PathBuf::from("patchbay.toml")),
            ..Default::default()
        };
        let c = Config::load(&file).unwrap();
        assert_eq!(
            c.sherpa_onnx_model_dir,
            Some(PathBuf::from("/srv/models/a"))
        );
        jail.set_env("PATCHBAY_SHERPA_ONNX_MODEL_DIR", "/srv/models/zh");
        let c = Config::load(&file).unwrap();
        assert_eq!(
            c.sherpa_onnx_model_dir,
            Some(PathBuf::from("/srv/models/zh"))
        );
        jail.set_env("PATCHBAY_SHERPA_ONNX_MODEL_DIR", "");
        let e = Config::load(&SettingsArgs::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("sherpa_onnx_model_dir"), "{e}");
        Ok(())
    });
}

/// For every key of the configuration: a value other than the default, and a bad value.
fn env_samples(key: &str) -> Option<(&'static str, &'static str)> {
    Some(match key {
        "data_dir" => ("/srv/patchbay", ""),
        "http_listen" => ("0.0.0.0:8081", "not-an-address"),
        "database_url" => ("postgres://pb@127.0.0.1/pb", "mysql://x"),
        "log" => ("debug", "api=[{"),
        "log_format" => ("json", "xml"),
        "secure_cookie" => ("true", "maybe"),
        "tls_cert" => ("/etc/patchbay/cert.pem", ""),
        "tls_key" => ("/etc/patchbay/key.pem", ""),
        "trusted_proxies" => ("127.0.0.1,10.0.0.0/8", "10.0.0.0/8,proxy.example"),
        "sip_listen" => ("0.0.0.0:5070", "5070"),
        "rtp_ports" => ("30000-30999", "5-1"),
        "rtp_timeout_secs" => ("5", "0"),
        "public_address" => ("203.0.113.7", "somewhere"),
        "sip_public_address" => ("203.0.113.8", "somewhere"),
        "widget_calls_per_address" => ("0", "-1"),
        "sherpa_onnx_model_dir" => ("/srv/models/zh", ""),
        "no_demo" => ("true", "maybe"),
        "metrics_token" => ("s3cret", ""),
        "recording_retention_days" => ("90", "-1"),
        "compress_recordings" => ("false", "maybe"),
        "media_kernel_forwarding" => ("false", "maybe"),
        "shutdown_drain_secs" => ("5", "-1"),
        "sip_requests_per_second_per_source" => ("0", "-1"),
        "sip_request_burst_per_source" => ("500", "many"),
        "sip_source_block_secs" => ("300", "0"),
        "sip_max_transactions" => ("0", "-5"),
        "sip_max_calls" => ("100", "lots"),
        "sip_auth_failures_per_source" => ("3", "-1"),
        "sip_auth_failures_per_user" => ("20", "0"),
        "sip_auth_block_secs" => ("3600", "0"),
        "sip_tcp_max_connections" => ("5000", "0"),
        "sip_tcp_max_connections_per_source" => ("10", "0"),
        "sip_tcp_idle_timeout_secs" => ("600", "0"),
        "http_max_connections" => ("20000", "0"),
        "http_header_timeout_secs" => ("10", "0"),
        _ => return None,
    })
}

#[test]
fn every_key_has_an_environment_variable_that_takes_effect_and_bad_values_name_the_key() {
    let keys = Config::keys();
    assert!(keys.len() >= 14, "{keys:?}");
    let default = serde_json::to_value(Config::default()).unwrap();
    for key in &keys {
        let (good, bad) = env_samples(key)
            .unwrap_or_else(|| panic!("key {key}: add a sample value to env_samples"));
        let var = format!("PATCHBAY_{}", key.to_ascii_uppercase());
        Jail::expect_with(|jail| {
            jail.set_env(&var, good);
            let c = Config::load(&SettingsArgs::default())
                .unwrap_or_else(|e| panic!("{var}={good}: {e}"));
            let got = &serde_json::to_value(&c).unwrap()[key.as_str()];
            assert_ne!(got, &default[key.as_str()], "{var}={good} is ignored");
            let want = serde_json::Value::String(good.to_owned());
            if got.is_string() {
                assert_eq!(got, &want, "{var}");
            }
            jail.set_env(&var, bad);
            let err = Config::load(&SettingsArgs::default())
                .err()
                .unwrap_or_else(|| panic!("{var}={bad:?} accepted"))
                .to_string();
            assert!(
                err.to_lowercase().contains(key.as_str()),
                "{var}={bad:?}: {err}"
            );
            Ok(())
        });
    }
}

#[test]
fn no_demo_comes_from_the_flag_the_file_or_the_environment() {
    Jail::expect_with(|jail| {
        assert!(!Config::load(&SettingsArgs::default()).unwrap().no_demo);
        let flag = SettingsArgs {
            no_demo: true,
            ..Default::default()
        };
        assert!(Config::load(&flag).unwrap().no_demo);
        jail.create_file("patchbay.toml", "no_demo = true\n")?;
        let file = SettingsArgs {
            config: Some(PathBuf::from("patchbay.toml")),
            ..Default::default()
        };
        assert!(Config::load(&file).unwrap().no_demo, "from the file");
        jail.set_env("PATCHBAY_NO_DEMO", "false");
        assert!(!Config::load(&file).unwrap().no_demo, "env beats the file");
        assert!(
            Config::load(&SettingsArgs {
                no_demo: true,
                ..file
            })
            .unwrap()
            .no_demo,
            "the flag beats the environment"
        );
        Ok(())
    });
}

#[test]
fn trusted_proxies_come_from_a_list_in_the_file_or_a_comma_separated_variable() {
    Jail::expect_with(|jail| {
        let c = Config::load(&SettingsArgs::default()).unwrap();
        assert!(
            c.trusted_proxies.is_empty(),
            "no proxy is trusted by default"
        );
        jail.create_file(
            "patchbay.toml",
            "trusted_proxies = [\"127.0.0.1\", \"10.0.0.0/8\"]\n",
        )?;
        let file = SettingsArgs {
            config: Some(PathBuf::from("patchbay.toml")),
            ..Default::default()
        };
        let c = Config::load(&file).unwrap();
        assert!(c.trusted_proxies.contains("10.1.2.3".parse().unwrap()));
        assert!(!c.trusted_proxies.contains("192.0.2.1".parse().unwrap()));
        jail.set_env("PATCHBAY_TRUSTED_PROXIES", "192.0.2.0/24, ::1");
        let c = Config::load(&file).unwrap();
        assert!(c.trusted_proxies.contains("192.0.2.1".parse().unwrap()));
        assert!(c.trusted_proxies.contains("::1".parse().unwrap()));
        assert!(!c.trusted_proxies.contains("10.1.2.3".parse().unwrap()));
        jail.create_file(
            "patchbay.toml",
            "trusted_proxies = [\"127.0.0.1\", \"10.0.0.0/40\"]\n",
        )?;
        jail.clear_env();
        let e = Config::load(&file).unwrap_err().to_string();
        assert!(
            e.contains("trusted_proxies") && e.contains("10.0.0.0/40"),
            "{e}"
        );
        Ok(())
    });
}
