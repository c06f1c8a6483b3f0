//! Embeds every `templates/*.json` file in the binary: writes
//! `$OUT_DIR/templates.rs` with one `include_str!` per file, sorted by name, so
//! adding a template is adding a file.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    // Read at run time: a build script compiled for another checkout that
    // shares the target directory must still read this one's templates.
    let manifest_dir =
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest_dir).join("templates");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("templates/ exists")
        .map(|e| e.expect("readable templates/ entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            (name, p.display().to_string())
        })
        .collect();
    names.sort();
    let mut out = String::from(
        "/// Every `templates/*.json` file as (name, contents), sorted by name.\n\
         pub(crate) static TEMPLATE_FILES: &[(&str, &str)] = &[\n",
    );
    for (name, path) in &names {
        writeln!(out, "    ({name:?}, include_str!({path:?})),").unwrap();
    }
    out.push_str("];\n");
    let target = Path::new(&std::env::var("OUT_DIR").unwrap()).join("templates.rs");
    std::fs::write(target, out).expect("writing templates.rs");
}
