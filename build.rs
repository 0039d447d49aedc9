//! Rebuilds when a rule file is added, removed or edited: `rules/` is embedded in the binary
//! with `include_dir!`, which cargo does not track on its own.

fn main() {
    println!("cargo:rerun-if-changed=rules");
}
