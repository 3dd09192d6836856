//! Compiles the Slint screens. Debug builds (tests) carry element ids and accessible
//! labels for Slint's testing backend; the Turkish catalogue is bundled into the binary.

fn main() {
    let debug = std::env::var("PROFILE").map(|p| p != "release").unwrap_or(true);
    let config = slint_build::CompilerConfiguration::new()
        .with_style("fluent-light".into())
        .with_debug_info(debug)
        .with_bundled_translations("lang");
    slint_build::compile_with_config("ui/main.slint", config).expect("the Slint screens compile");
    println!("cargo:rerun-if-changed=lang");
}
