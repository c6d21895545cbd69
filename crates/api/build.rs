//! Rebuilds the crate when the web app's build output changes, so the embedded assets (release
//! builds embed `web/dist`) are never stale.

fn main() {
    println!("cargo:rerun-if-changed=../../web/dist");
    println!("cargo:rerun-if-changed=../../web/dist/index.html");
}
