//! The shell recipe in `docs/ci.md` runs for real: listener in the background,
//! a webhook sent, `wait`, `jq` assertions, cleanup.

use std::path::Path;
use std::process::Command;

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The script between the `ci-recipe` markers of docs/ci.md.
fn recipe() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("docs/ci.md")).unwrap();
    let start = doc.find("<!-- ci-recipe:start -->").expect("start marker");
    let end = doc.find("<!-- ci-recipe:end -->").expect("end marker");
    let block = &doc[start..end];
    let code = block.split_once("```bash\n").expect("bash block").1;
    code.rsplit_once("```").expect("closing fence").0.to_owned()
}

#[test]
fn the_ci_shell_recipe_passes_and_cleans_up() {
    if !(have("bash") && have("jq") && have("curl")) {
        eprintln!("skipped: needs bash, jq and curl");
        return;
    }
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_hookcap")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new("bash")
        .args(["-c", &recipe()])
        .env("PATH", path)
        .env("TMPDIR", tmp.path())
        .env_remove("HOOKCAP_DB")
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "recipe failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("webhook received and checked"), "{stdout}");
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert!(left.is_empty(), "the recipe removes its work directory");
}

#[test]
fn the_docs_install_from_the_source_and_name_no_placeholder() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ci = std::fs::read_to_string(root.join("docs/ci.md")).unwrap();
    assert!(
        !ci.contains("OWNER"),
        "docs/ci.md names a placeholder owner"
    );
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(
        readme.contains("cargo install --path ."),
        "README.md says how to install"
    );
}
