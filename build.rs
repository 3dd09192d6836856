//! Compiles the Slint screens. Debug builds (tests) carry element ids and accessible
//! labels for Slint's testing backend; the Turkish catalogue is bundled into the binary.
//! Release builds are linked for a small resident kiosk (README, "Measurements").

fn main() {
    let release = std::env::var("PROFILE").is_ok_and(|p| p == "release");
    let config = slint_build::CompilerConfiguration::new()
        .with_style("fluent-light".into())
        .with_debug_info(!release)
        .with_bundled_translations("lang");
    slint_build::compile_with_config("ui/main.slint", config).expect("the Slint screens compile");
    println!("cargo:rerun-if-changed=lang");
    // Relative relocations packed (DT_RELR, glibc 2.36 and lld or binutils 2.38 on): the
    // loader reads a few KiB at start instead of 1.8 MB of .rela.dyn, which stayed
    // resident, and the binary keeps being position-independent (ASLR).
    println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    // The functions a kiosk runs, side by side at the front of .text: the kernel maps code
    // 64 KiB around each page that runs, so strewn among the rest they kept 15.8 MiB of
    // code resident for 1.8 MB that ran (scripts/order-symbols.sh writes the list). Only
    // lld reads the list, and only where Rust links with it by default (x86_64 Linux,
    // since Rust 1.90); INSTORE_NO_SYMBOL_ORDER=1 links without it, to compare.
    let order = "packaging/symbol-order.txt";
    println!("cargo:rerun-if-changed={order}");
    println!("cargo:rerun-if-env-changed=INSTORE_NO_SYMBOL_ORDER");
    let lld_by_default = std::env::var("TARGET").is_ok_and(|t| t == "x86_64-unknown-linux-gnu");
    let wanted = std::env::var_os("INSTORE_NO_SYMBOL_ORDER").is_none();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(order);
    if release && lld_by_default && wanted && path.is_file() {
        println!(
            "cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}",
            path.display()
        );
        println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
    }
}
