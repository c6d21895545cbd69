//! The field's standard relay, from Debian's packages (`kamailio`, `rtpengine-daemon`): Kamailio
//! as a record-routing proxy that hands every SDP to rtpengine (`rtpengine_manage`), and
//! rtpengine relaying the media in user space (no kernel module: `--table=-1`), recording
//! nothing. Both run as children of the benchmark, killed when it ends.

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use bench_harness::process::{KillOnDrop, KillTreeOnDrop, log_file};

/// Where Debian puts Kamailio's modules.
const MODULES: &str = "/usr/lib/x86_64-linux-gnu/kamailio/modules/";

/// Kamailio's configuration: every new INVITE goes to `far_end` with rtpengine in the media path;
/// in-dialog requests follow the recorded route; BYE tears the relay down.
fn config(listen: SocketAddr, ng: SocketAddr, far_end: SocketAddr) -> String {
    format!(
        r#"#!KAMAILIO
debug=0
log_stderror=yes
memdbg=5
memlog=5
children=2
auto_aliases=no
listen=udp:{listen}
mpath="{MODULES}"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "rtpengine.so"
modparam("rtpengine", "rtpengine_sock", "udp:{ng}")

request_route {{
    if (!mf_process_maxfwd_header("10")) {{
        sl_send_reply("483", "Too Many Hops");
        exit;
    }}
    if (has_totag()) {{
        if (loose_route()) {{
            if (is_method("BYE")) {{
                rtpengine_delete();
            }} else if (has_body("application/sdp")) {{
                rtpengine_manage("replace-origin replace-session-connection");
            }}
            t_relay();
            exit;
        }}
        if (is_method("ACK") && t_check_trans()) {{
            t_relay();
        }}
        exit;
    }}
    if (is_method("CANCEL")) {{
        if (t_check_trans()) {{
            t_relay();
        }}
        exit;
    }}
    if (!is_method("INVITE")) {{
        sl_send_reply("405", "Method Not Allowed");
        exit;
    }}
    t_check_trans();
    record_route();
    rtpengine_manage("replace-origin replace-session-connection");
    t_on_reply("MEDIA");
    $du = "sip:{far_end}";
    if (!t_relay()) {{
        sl_reply_error();
    }}
    exit;
}}

onreply_route[MEDIA] {{
    if (has_body("application/sdp")) {{
        rtpengine_manage("replace-origin replace-session-connection");
    }}
}}
"#
    )
}

/// Kamailio and rtpengine, running.
pub(crate) struct Relay {
    /// Kamailio forks its workers: all of them go when the relay is dropped.
    kamailio: KillTreeOnDrop,
    rtpengine: KillOnDrop,
    pub sip: SocketAddr,
}

impl Relay {
    /// Starts rtpengine (control on `ng`, media ports `ports`) and Kamailio on `sip`, sending
    /// calls to `far_end`; logs and configuration in `dir`. `Err` says why not, for a human.
    pub fn start(
        dir: &Path,
        sip: SocketAddr,
        ng: SocketAddr,
        ports: (u16, u16),
        far_end: SocketAddr,
    ) -> Result<Relay, String> {
        let rtpengine = Command::new("rtpengine")
            .args([
                "--config-file=none",
                "--foreground",
                "--log-stderr",
                "--table=-1",
            ])
            .args(["--interface=127.0.0.1", "--log-level=4", "--delete-delay=0"])
            .arg(format!("--listen-ng={ng}"))
            .arg(format!("--port-min={}", ports.0))
            .arg(format!("--port-max={}", ports.1))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log_file(dir, "rtpengine.log"))
            .spawn()
            .map_err(|e| format!("rtpengine: {e} (apt-get install rtpengine-daemon)"))?;
        let rtpengine = KillOnDrop(rtpengine);
        let cfg = dir.join("kamailio.cfg");
        std::fs::write(&cfg, config(sip, ng, far_end)).map_err(|e| e.to_string())?;
        let kamailio = Command::new("kamailio")
            .arg("-f")
            .arg(&cfg)
            .args(["-DD", "-E", "-m", "512", "-M", "16"])
            .arg("-P")
            .arg(dir.join("kamailio.pid"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log_file(dir, "kamailio.log"))
            .spawn()
            .map_err(|e| format!("kamailio: {e} (apt-get install kamailio)"))?;
        let mut relay = Relay {
            kamailio: KillTreeOnDrop(KillOnDrop(kamailio)),
            rtpengine,
            sip,
        };
        std::thread::sleep(Duration::from_secs(2));
        if relay.kamailio.0.has_exited() {
            return Err("kamailio exited at start (see kamailio.log)".to_owned());
        }
        if relay.rtpengine.has_exited() {
            return Err("rtpengine exited at start (see rtpengine.log)".to_owned());
        }
        Ok(relay)
    }

    /// CPU time of Kamailio (every process it forked) and of rtpengine.
    pub fn cpu(&self) -> (Duration, Duration) {
        (
            bench_harness::process::cpu_time_of_tree(self.kamailio.0.pid()),
            bench_harness::process::cpu_time_of(Some(self.rtpengine.pid())),
        )
    }
}
