//! Builds the built-in PocketSphinx engine (feature `pocketsphinx`, on by default).
//!
//! 1. Finds the PocketSphinx 5.1.1 source package (the PyPI sdist, a .tar.gz that holds the whole
//!    C library with its CMake files and the en-us model): the file named by
//!    `PATCHBAY_POCKETSPHINX_SDIST` if set, else a cached copy under
//!    `$XDG_CACHE_HOME/patchbay/sdist` (or `$HOME/.cache/patchbay/sdist`), else it downloads it
//!    with `pip download` into that cache. Its SHA-256 is checked either way.
//! 2. Unpacks it into `OUT_DIR`, builds the static C library with CMake (Release) and links it.
//! 3. Writes `OUT_DIR/model.rs`, which embeds the en-us model files with `include_bytes!`.

#[cfg(feature = "pocketsphinx")]
use std::env;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=PATCHBAY_POCKETSPHINX_SDIST");
    // The engine's build-dependencies exist only with the feature, so its code is gated at
    // compile time; cargo also says so at run time.
    #[cfg(feature = "pocketsphinx")]
    if env::var_os("CARGO_FEATURE_POCKETSPHINX").is_some() {
        pocketsphinx::build();
    }
    // The sherpa-onnx shared library: this crate's tests and examples find it where it was
    // linked from (the binary's own build sets its run-time path the same way).
    if std::env::var_os("CARGO_FEATURE_SHERPA").is_some() {
        println!("cargo:rerun-if-env-changed=SHERPA_ONNX_LIB_DIR");
        if let Some(dir) = std::env::var_os("SHERPA_ONNX_LIB_DIR") {
            println!(
                "cargo:rustc-link-arg=-Wl,-rpath,{}",
                std::path::Path::new(&dir).display()
            );
        }
    }
}

#[cfg(feature = "pocketsphinx")]
mod pocketsphinx {
    use sha2::{Digest, Sha256};
    use std::fmt::Write as _;
    use std::io::Read;
    use std::path::{Path, PathBuf};
    use std::process::Command;
    use std::{env, fs};

    const VERSION: &str = "5.1.1";
    const SDIST_SHA256: &str = "675778b309a22dfc9b7d37f7621976bba491d2a5f8c59696bd77fd6d07271355";
    /// The en-us model files the decoder reads, relative to the sdist's `model/en-us`.
    const MODEL_FILES: &[&str] = &[
        "en-us/feat.params",
        "en-us/mdef",
        "en-us/means",
        "en-us/noisedict",
        "en-us/sendump",
        "en-us/transition_matrices",
        "en-us/variances",
        "en-us.lm.bin",
        "cmudict-en-us.dict",
    ];

    pub(super) fn build() {
        let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
        let sdist = locate_sdist(&out);
        let src = unpack(&sdist, &out);

        let dst = cmake::Config::new(&src)
            .profile("Release")
            .define("BUILD_SHARED_LIBS", "OFF")
            .define("BUILD_TESTING", "OFF")
            .define("BUILD_GSTREAMER", "OFF")
            .build_target("pocketsphinx")
            .build();
        // The project puts its archive in the top of its build tree.
        println!(
            "cargo:rustc-link-search=native={}",
            dst.join("build").display()
        );
        println!("cargo:rustc-link-lib=static=pocketsphinx");
        println!("cargo:rustc-link-lib=m");

        write_model_rs(&src.join("model/en-us"), &out.join("model.rs"));
    }

    /// The sdist: given by the environment, cached, or downloaded with pip into the cache.
    fn locate_sdist(out: &Path) -> PathBuf {
        let name = format!("pocketsphinx-{VERSION}.tar.gz");
        if let Some(given) = env::var_os("PATCHBAY_POCKETSPHINX_SDIST") {
            let given = PathBuf::from(given);
            println!("cargo:rerun-if-changed={}", given.display());
            check_sha256(&given);
            return given;
        }
        let cache = cache_dir().unwrap_or_else(|| out.join("sdist"));
        let cached = cache.join(&name);
        if cached.is_file() && sha256_of(&cached) == SDIST_SHA256 {
            return cached;
        }
        fs::create_dir_all(&cache).unwrap_or_else(|e| panic!("creating {}: {e}", cache.display()));
        let tmp = cache.join(format!(".download-{}", std::process::id()));
        let _ = fs::remove_dir_all(&tmp);
        fs::create_dir_all(&tmp).unwrap_or_else(|e| panic!("creating {}: {e}", tmp.display()));
        pip_download(&tmp);
        let got = tmp.join(&name);
        if !got.is_file() {
            panic!(
                "pip ran but left no {name} in {}; set PATCHBAY_POCKETSPHINX_SDIST to a downloaded copy",
                tmp.display()
            );
        }
        check_sha256(&got);
        fs::rename(&got, &cached)
            .unwrap_or_else(|e| panic!("moving the sdist to {}: {e}", cached.display()));
        let _ = fs::remove_dir_all(&tmp);
        cached
    }

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

    /// `pip download` of the source package only (no wheels, no dependencies). pip prepares the
    /// package's metadata, which installs its build backend's wheels in a throw-away
    /// environment: about 20 s the first time.
    fn pip_download(dest: &Path) {
        let spec = format!("pocketsphinx=={VERSION}");
        let args = [
            "download",
            "--disable-pip-version-check",
            "--quiet",
            "--no-deps",
            "--no-binary",
            "pocketsphinx",
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
            "could not download the PocketSphinx {VERSION} source package from PyPI with pip:{tried}\n\
             Install python3-pip, or download it yourself \
             (`pip download --no-deps --no-binary :all: {spec}`) and point \
             PATCHBAY_POCKETSPHINX_SDIST at the .tar.gz, or build without the engine \
             (`--no-default-features`)."
        );
    }

    fn sha256_of(path: &Path) -> String {
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

    fn check_sha256(path: &Path) {
        let got = sha256_of(path);
        if got != SDIST_SHA256 {
            panic!(
                "{} has SHA-256 {got}, expected {SDIST_SHA256} (pocketsphinx-{VERSION}.tar.gz from PyPI)",
                path.display()
            );
        }
    }

    /// Unpacks the sdist into `out` once; returns the source tree.
    fn unpack(sdist: &Path, out: &Path) -> PathBuf {
        let src = out.join(format!("pocketsphinx-{VERSION}"));
        let stamp = src.join(".patchbay-unpacked");
        if stamp.is_file() {
            return src;
        }
        let _ = fs::remove_dir_all(&src);
        let file =
            fs::File::open(sdist).unwrap_or_else(|e| panic!("opening {}: {e}", sdist.display()));
        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
        archive
            .unpack(out)
            .unwrap_or_else(|e| panic!("unpacking {}: {e}", sdist.display()));
        if !src.join("CMakeLists.txt").is_file() {
            panic!(
                "{} holds no {}/CMakeLists.txt",
                sdist.display(),
                src.display()
            );
        }
        fs::write(&stamp, SDIST_SHA256).unwrap_or_else(|e| panic!("writing the stamp: {e}"));
        src
    }

    /// `model.rs`: the model files as `(relative path, bytes)`, embedded in the crate.
    fn write_model_rs(model: &Path, dest: &Path) {
        let mut code = String::from(
            "/// The en-us model files of PocketSphinx 5.1.1: (path under the model directory, bytes).\n\
             pub(crate) const MODEL_FILES: &[(&str, &[u8])] = &[\n",
        );
        for rel in MODEL_FILES {
            let path = model.join(rel);
            if !path.is_file() {
                panic!("the sdist has no model file {}", path.display());
            }
            let _ = writeln!(
                code,
                "    ({rel:?}, include_bytes!({:?})),",
                path.display().to_string()
            );
        }
        code.push_str("];\n");
        let _ = writeln!(
            code,
            "/// Names this model build: the SHA-256 of the source package it came from.\n\
             pub(crate) const MODEL_ID: &str = \"pocketsphinx-{VERSION}-en-us-{}\";",
            &SDIST_SHA256[..12]
        );
        fs::write(dest, code).unwrap_or_else(|e| panic!("writing {}: {e}", dest.display()));
    }
}
