//! Edge checks per channel (`--allow-ip`, `--verify --reject-invalid`):
//! refused requests are stored on the relay, marked, and never delivered.
//! And the relay's own start-up errors: one clear line, exit 2.

use std::path::Path;

use super::harness::{Relay, count, listen_via, relayed, seq_of, wait_connected, wait_until};
use crate::util::{PATIENCE, github_headers, hookcap, show_json};

fn add(db: &Path, args: &[&str]) {
    let out = hookcap()
        .args(["relay", "channel", "add"])
        .args(args)
        .arg("--db")
        .arg(db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn refused_requests_are_stored_on_the_relay_and_never_delivered() {
    let relay = Relay::start_with(&[], &[("GH_SECRET", "s3cret")], |db| {
        add(
            db,
            &[
                "signed",
                "--verify",
                "github",
                "--secret-env",
                "GH_SECRET",
                "--reject-invalid",
            ],
        );
        add(db, &["walled", "--allow-ip", "10.0.0.0/8"]);
    });
    let token = String::from_utf8(relay.admin(&["channel", "rotate", "signed"], &[])).unwrap();
    let mut client = listen_via(&relay, "signed", token.trim(), &[]);
    wait_connected(&mut client);

    assert_eq!(
        relay.post("/c/signed/hook", &[], b"seq=0").status,
        401,
        "unsigned"
    );
    let headers = github_headers(b"seq=1", "s3cret");
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    assert_eq!(
        relay.post("/c/signed/hook", &headers, b"seq=1").status,
        200,
        "signed"
    );
    assert_eq!(relay.post("/c/walled/hook", &[], b"seq=2").status, 403);

    wait_until("the signed request on the laptop", PATIENCE, || {
        count(&client.db) == 1
    });
    assert_eq!(seq_of(&relayed(&client.db)[0].2), 1);
    assert_eq!(count(&relay.db), 3, "every request stored on the relay");
    let refused = show_json(&relay.db, "1");
    assert_eq!(refused["response"]["status"], 401);
    assert!(refused["rejected"].as_str().unwrap().contains("not signed"));
    assert_eq!(show_json(&relay.db, "3")["response"]["status"], 403);
}

#[test]
fn a_relay_that_cannot_start_says_why_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("relay.db");
    add(
        &db,
        &[
            "signed",
            "--verify",
            "github",
            "--secret-env",
            "HOOKCAP_TEST_UNSET_SECRET",
        ],
    );
    let empty = dir.path().join("empty.db");
    let missing = Path::new("/nonexistent/cert.pem");
    for (args, db, needle) in [
        (
            vec!["relay", "--port", "0"],
            &db,
            "HOOKCAP_TEST_UNSET_SECRET",
        ),
        (
            vec!["relay", "--port", "0", "--rate", "fast"],
            &empty,
            "invalid rate",
        ),
        (
            vec![
                "relay",
                "--port",
                "0",
                "--tls-cert",
                missing.to_str().unwrap(),
                "--tls-key",
                missing.to_str().unwrap(),
            ],
            &empty,
            "cannot read a PEM certificate",
        ),
        (
            vec!["relay", "channel", "add", "Bad_Name"],
            &db,
            "invalid channel name",
        ),
        (
            vec!["relay", "channel", "add", "signed"],
            &db,
            "exists already",
        ),
    ] {
        let out = hookcap().args(&args).arg("--db").arg(db).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains(needle) && err.trim().lines().count() == 1,
            "{args:?}: {err}"
        );
    }
    let out = hookcap()
        .args(["relay", "channel", "rm", "nothing"])
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}
