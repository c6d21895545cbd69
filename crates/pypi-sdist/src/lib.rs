//! A source package (sdist) from PyPI for a build script: the file an environment variable
//! names, else a cached copy under `$XDG_CACHE_HOME/patchbay/sdist` (or
//! `$HOME/.cache/patchbay/sdist`), else `pip download` into that cache. Its SHA-256 is checked
//! either way. Failures panic with what to do, as build scripts report errors.

use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::{env, fs};

/// One pinned source package.
#[derive(Debug, Clone, Copy)]
pub struct Sdist<'a> {
    /// The PyPI project, e.g. `pocketsphinx`.
    pub package: &'a str,
    /// The pinned version.
    pub version: &'a str,
    /// The SHA-256 of `PACKAGE-VERSION.tar.gz`, lower-case hex.
    pub sha256: &'a str,
    /// The environment variable that may name a downloaded copy instead.
    pub env_var: &'a str,
    /// Appended to the error when pip fails (another way out, or "").
    pub also: &'a str,
}

impl Sdist<'_> {
    fn file_name(&self) -> String {
        format!("{}-{}.tar.gz", self.package, self.version)
    }

    /// The checked `.tar.gz`: given, cached, or downloaded (`out` holds the cache when there
    /// is no home directory).
    pub fn locate(&self, out: &Path) -> PathBuf {
        println!("cargo:rerun-if-env-changed={}", self.env_var);
        let name = self.file_name();
        if let Some(given) = env::var_os(self.env_var) {
            let given = PathBuf::from(given);
            println!("cargo:rerun-if-changed={}", given.display());
            self.check(&given);
            return given;
        }
        let cache = cache_dir().unwrap_or_else(|| out.join("sdist"));
        let cached = cache.join(&name);
        if cached.is_file() && sha256_of(&cached) == self.sha256 {
            return cached;
        }
        fs::create_dir_all(&cache).unwrap_or_else(|e| panic!("creating {}: {e}", cache.display()));
        let tmp = cache.join(format!(".download-{}-{}", self.package, std::process::id()));
        let _ = fs::remove_dir_all(&tmp);
        fs::create_dir_all(&tmp).unwrap_or_else(|e| panic!("creating {}: {e}", tmp.display()));
        self.pip_download(&tmp);
        let got = tmp.join(&name);
        if !got.is_file() {
            panic!(
                "pip ran but left no {name} in {}; set {} to a downloaded copy",
                tmp.display(),
                self.env_var
            );
        }
        self.check(&got);
        fs::rename(&got, &cached)
            .unwrap_or_else(|e| panic!("moving the sdist to {}: {e}", cached.display()));
        let _ = fs::remove_dir_all(&tmp);
        cached
    }

    fn check(&self, path: &Path) {
        let got = sha256_of(path);
        if got != self.sha256 {
            panic!(
                "{} has SHA-256 {got}, expected {} ({} from PyPI)",
                path.display(),
                self.sha256,
                self.file_name()
            );
        }
    }

    /// `pip download` of the source package only (no wheels, no dependencies). pip prepares the
    /// package's metadata, which may install its build backend in a throw-away environment.
    fn pip_download(&self, dest: &Path) {
        let spec = format!("{}=={}", self.package, self.version);
        let args = [
            "download",
            "--disable-pip-version-check",
            "--quiet",
            "--no-deps",
            "--no-binary",
            self.package,
            "--dest",
        ];
        let candidates: [(&str, &[&str]); 4] = [
            ("python3", &["-m", "pip"]),
            ("python", &["-m", "pip"]),
            ("pip3", &[]),
            ("pip", &[]),
        ];
        let mut tried = String::new();
        for (program, prefix) in candidates {
            let status = Command::new(program)
                .args(prefix)
                .args(args)
                .arg(dest)
                .arg(&spec)
                .status();
            match status {
                Ok(s) if s.success() => return,
                Ok(s) => {
                    let _ = write!(tried, "\n  {program} {}: {s}", prefix.join(" "));
                }
                Err(e) => {
                    let _ = write!(tried, "\n  {program}: {e}");
                }
            }
        }
        panic!(
            "could not download the {} {} source package from PyPI with pip:{tried}\n\
             Install python3-pip, or download it yourself \
             (`pip download --no-deps --no-binary :all: {spec}`) and point {} at the .tar.gz{}.",
            self.package, self.version, self.env_var, self.also
        );
    }
}

/// Where sdists are kept between builds and clones.
fn cache_dir() -> Option<PathBuf> {
    let base = env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".cache"))
        })?;
    Some(base.join("patchbay").join("sdist"))
}

/// A file's SHA-256, lower-case hex.
pub fn sha256_of(path: &Path) -> String {
    let mut file =
        fs::File::open(path).unwrap_or_else(|e| panic!("opening {}: {e}", path.display()));
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file
            .read(&mut buf)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    hasher.finalize().iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
