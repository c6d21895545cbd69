//! sipp as benchmarks share it: desk phones that register with digest, one sipp process
//! registering every account of an injection file and answering every call to them, and the
//! call counts of sipp's statistics files.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::process::{KillOnDrop, log_file};

/// Registers the account of the injection file's line (`[field0]` user; `[field2]` a whole
/// `[authentication …]` keyword, since sipp does not expand fields nested inside that keyword),
/// then stays up `seconds` so the binding stays. A second challenge (Patchbay gives one nonce to
/// every phone it challenges in the same millisecond and refuses all but the first to use it) is
/// answered again, in a new transaction: the branch carries the CSeq, as sipp's `[branch]` is the
/// same on every pass through one message of the scenario.
pub fn register(seconds: u64) -> String {
    let ms = seconds * 1000;
    format!(
        r#"<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="desk phones register">
  <send retrans="500"><![CDATA[
REGISTER sip:[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=z9hG4bK-[pid]-[call_number]-r[cseq]
From: <sip:[field0]@[remote_ip]>;tag=[pid]reg[call_number]
To: <sip:[field0]@[remote_ip]>
Call-ID: [call_id]
CSeq: [cseq] REGISTER
Contact: <sip:[field0]@[local_ip]:[local_port]>
Expires: 3600
Max-Forwards: 70
Content-Length: 0

]]></send>
  <recv response="401" auth="true"/>
  <label id="1"/>
  <send retrans="500"><![CDATA[
REGISTER sip:[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=z9hG4bK-[pid]-[call_number]-r[cseq]
From: <sip:[field0]@[remote_ip]>;tag=[pid]reg[call_number]
To: <sip:[field0]@[remote_ip]>
Call-ID: [call_id]
CSeq: [cseq] REGISTER
Contact: <sip:[field0]@[local_ip]:[local_port]>
[field2]
Expires: 3600
Max-Forwards: 70
Content-Length: 0

]]></send>
  <recv response="401" auth="true" optional="true" next="1"/>
  <recv response="200"/>
  <pause milliseconds="{ms}"/>
</scenario>
"#
    )
}

/// The injection file of [`register`]: `count` accounts `agentI` with password `password(I)`.
pub fn accounts(count: u32, password: impl Fn(u32) -> String) -> String {
    let mut csv = String::from("SEQUENTIAL\n");
    for i in 1..=count {
        let pw = password(i);
        csv.push_str(&format!(
            "agent{i};{pw};[authentication username=agent{i} password={pw}];\n"
        ));
    }
    csv
}

/// The password benchmarks give the account `agentI`.
pub fn password(i: u32) -> String {
    format!("pw{i}")
}

/// One sipp process for every desk phone, on loopback.
#[derive(Debug, Clone, Copy)]
pub struct Phones<'a> {
    /// The benchmark's work directory: sipp runs there.
    pub dir: &'a Path,
    /// Patchbay's SIP address (`host:port`).
    pub target: &'a str,
    /// sipp's SIP port.
    pub port: u16,
    /// sipp's media port.
    pub media_port: u16,
    /// Accounts `agent1` … `agentN`, with [`password`].
    pub agents: u32,
    /// Registrations started a second.
    pub rate: u32,
    /// How long the bindings stay, and the bound of the whole sipp run (`-timeout`).
    pub seconds: u64,
    /// The out-of-call scenario answering calls to the phones: a file in `dir`.
    pub answer: &'a str,
}

impl Phones<'_> {
    /// Writes `register.xml` and `accounts.csv` in the directory and starts sipp: it registers
    /// every account with digest from one port (each registration a call of its main scenario,
    /// paused while the binding lasts) and answers every call Patchbay sends to those bindings
    /// with the out-of-call scenario (`-oocsf`); `-aa` answers INFO, NOTIFY, OPTIONS and UPDATE.
    /// sipp's complaints go to `phones.err`. Killed when dropped.
    pub fn start(&self) -> std::io::Result<KillOnDrop> {
        std::fs::write(self.dir.join("register.xml"), register(self.seconds))?;
        std::fs::write(
            self.dir.join("accounts.csv"),
            accounts(self.agents, password),
        )?;
        let n = self.agents.to_string();
        Command::new("sipp")
            .current_dir(self.dir)
            .args(["-sf", "register.xml", "-inf", "accounts.csv"])
            .args(["-oocsf", self.answer, "-aa"])
            .args(["-i", "127.0.0.1", "-p", &self.port.to_string()])
            .args(["-mp", &self.media_port.to_string()])
            .args(["-m", &n, "-l", &n, "-r", &self.rate.to_string(), "-nostdin"])
            .args(["-timeout", &self.seconds.to_string()])
            .arg(self.target)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log_file(self.dir, "phones.err"))
            .spawn()
            .map(KillOnDrop)
    }
}

/// Successful and failed calls in the sipp statistics files (`-trace_stat`) of `scenario` in
/// `dir`, which it removes (so the next run of the scenario starts from zero).
pub fn call_counts(dir: &Path, scenario: &str) -> (u64, u64) {
    let mut counts = (0, 0);
    for p in std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
    {
        let name = p.file_name().to_string_lossy().into_owned();
        if name.starts_with(scenario) && name.ends_with("_.csv") {
            let (ok, failed) = crate::sipp_call_counts(&p.path());
            counts = (counts.0 + ok, counts.1 + failed);
            let _ = std::fs::remove_file(p.path());
        }
    }
    counts
}

/// Failed calls in (and removes) the sipp statistics files of `scenario` in `dir`.
pub fn failed_calls(dir: &Path, scenario: &str) -> u64 {
    call_counts(dir, scenario).1
}

/// Adds the response times of sipp's `-trace_rtt` file (`Date_ms;response_time_ms;rtd_no` lines)
/// to `into`.
pub fn response_times(path: &Path, into: &mut crate::Samples) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    for line in text.lines().skip(1) {
        if let Some(ms) = line
            .split(';')
            .nth(1)
            .and_then(|v| v.trim().parse::<f64>().ok())
        {
            into.push(std::time::Duration::from_secs_f64(ms / 1_000.0));
        }
    }
}

/// A time sipp measured: it counts whole milliseconds, so under one shows as "<1ms", not a false
/// zero.
pub fn fmt_ms(d: std::time::Duration) -> String {
    if d < std::time::Duration::from_millis(1) {
        "<1ms".to_owned()
    } else {
        format!("{}ms", d.as_millis())
    }
}
