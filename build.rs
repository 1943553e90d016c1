// The triple cargo-soup is built for is the build host it runs on: the platform on which
// build scripts and proc-macros of the device's dependencies run.
fn main() {
    let target = std::env::var("TARGET").unwrap_or_default();
    println!("cargo:rustc-env=CARGO_SOUP_HOST={target}");
}
