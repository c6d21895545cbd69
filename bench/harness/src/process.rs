//! Child processes of a benchmark (sipp, Patchbay) and what /proc says about processes.

use std::path::Path;
use std::process::{Child, Stdio};
use std::time::Duration;

/// A child process, killed when dropped (on every way out of a benchmark, interrupts included).
#[derive(Debug)]
pub struct KillOnDrop(pub Child);

impl KillOnDrop {
    /// The child's process id.
    pub fn pid(&self) -> u32 {
        self.0.id()
    }

    /// Whether the child has ended.
    pub fn has_exited(&mut self) -> bool {
        self.0.try_wait().ok().flatten().is_some()
    }
}

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A file in `dir` for a child's output (or nowhere, if it cannot be created).
pub fn log_file(dir: &Path, name: &str) -> Stdio {
    std::fs::File::create(dir.join(name)).map_or_else(|_| Stdio::null(), Stdio::from)
}

/// Prints the last `lines` non-empty lines of the log `name` in `dir` to stderr, each after
/// `label`, to show what a child complained about when a step went wrong.
pub fn print_log(dir: &Path, name: &str, label: &str, lines: usize) {
    let text = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
    let all: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    for l in &all[all.len().saturating_sub(lines)..] {
        eprintln!("{label}: {l}");
    }
}

/// CPU time (user + system) a process has used, from /proc; `pid` `None` for this process.
/// Zero when the process is gone.
pub fn cpu_time_of(pid: Option<u32>) -> Duration {
    let path = match pid {
        Some(p) => format!("/proc/{p}/stat"),
        None => "/proc/self/stat".to_owned(),
    };
    let stat = std::fs::read_to_string(path).unwrap_or_default();
    // Fields after the command name (which is in parentheses): utime and stime are 14 and 15.
    let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
    let f: Vec<u64> = after
        .split_whitespace()
        .map(|v| v.parse().unwrap_or(0))
        .collect();
    let ticks = f.get(11).copied().unwrap_or(0) + f.get(12).copied().unwrap_or(0);
    Duration::from_millis(ticks * 10) // CLK_TCK is 100 on Linux
}

/// Resident memory of a process in MiB, from /proc (zero when it is gone).
pub fn rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0)
}

/// A process and every process descended from it (a server that forks workers), from /proc.
pub fn tree(pid: u32) -> Vec<u32> {
    // Every process's parent, from /proc/PID/stat (field 4, after the parenthesised name).
    let parents: Vec<(u32, u32)> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|p| {
            let stat = std::fs::read_to_string(format!("/proc/{p}/stat")).ok()?;
            let ppid = stat
                .rsplit_once(')')?
                .1
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()?;
            Some((p, ppid))
        })
        .collect();
    let mut tree = vec![pid];
    let mut i = 0;
    while let Some(&p) = tree.get(i) {
        tree.extend(parents.iter().filter(|(_, pp)| *pp == p).map(|(c, _)| *c));
        i += 1;
    }
    tree
}

/// CPU time of a process and every process descended from it.
pub fn cpu_time_of_tree(pid: u32) -> Duration {
    tree(pid).iter().map(|p| cpu_time_of(Some(*p))).sum()
}

/// A child that forks workers, killed with all its descendants when dropped (killing only the
/// parent would leave the workers running).
#[derive(Debug)]
pub struct KillTreeOnDrop(pub KillOnDrop);

impl Drop for KillTreeOnDrop {
    fn drop(&mut self) {
        let pids: Vec<String> = tree(self.0.pid())
            .iter()
            .skip(1)
            .map(u32::to_string)
            .collect();
        if !pids.is_empty() {
            let _ = std::process::Command::new("kill")
                .arg("-KILL")
                .args(&pids)
                .stderr(Stdio::null())
                .status();
        }
    }
}

/// Idle time of the whole machine, all cores together (idle and I/O wait), from /proc/stat, and
/// its number of cores. Between two readings `t` apart, 1 − idle / (cores × t) is the share of
/// the machine in use by every process, the benchmark's and anyone else's. Busy time is not
/// read from the other fields: on some virtual machines they miss much of what busy processes
/// use (the sum of the fields falls short of the time passed), while idle time stays right.
pub fn machine_idle() -> (Duration, u32) {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let mut lines = stat.lines();
    let ticks: Vec<u64> = lines
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .map(|v| v.parse().unwrap_or(0))
        .collect();
    let idle = ticks.get(3).copied().unwrap_or(0) + ticks.get(4).copied().unwrap_or(0);
    let cores = lines.take_while(|l| l.starts_with("cpu")).count().max(1);
    (
        Duration::from_millis(idle * 10), // CLK_TCK is 100 on Linux
        u32::try_from(cores).unwrap_or(1),
    )
}

/// UDP datagrams the whole machine dropped for a full receive buffer so far (`RcvbufErrors` of
/// /proc/net/snmp): a reader too slow for its socket, here or in any other process.
pub fn udp_receive_drops() -> u64 {
    let snmp = std::fs::read_to_string("/proc/net/snmp").unwrap_or_default();
    let mut udp = snmp.lines().filter(|l| l.starts_with("Udp:"));
    let (Some(names), Some(values)) = (udp.next(), udp.next()) else {
        return 0;
    };
    names
        .split_whitespace()
        .position(|n| n == "RcvbufErrors")
        .and_then(|i| values.split_whitespace().nth(i)?.parse().ok())
        .unwrap_or(0)
}
