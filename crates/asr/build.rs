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
    use std::fmt::Write as _;
    use std::path::{Path, PathBuf};
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
        let sdist = pypi_sdist::Sdist {
            package: "pocketsphinx",
            version: VERSION,
            sha256: SDIST_SHA256,
            env_var: "PATCHBAY_POCKETSPHINX_SDIST",
            also: ", or build without the engine (`--no-default-features`)",
        }
        .locate(&out);
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
