use super::*;
use crate::model::testing::post;
use crate::render::color::Paint;

fn request(target: &str, headers: &[(&str, &str)], body: &str) -> NewRequest {
    post(target, headers, body)
}

fn kinds(d: &RequestDiff) -> Vec<(&'static str, String)> {
    d.headers.iter().map(|c| (c.kind, c.name.clone())).collect()
}

#[test]
fn headers_are_compared_in_order_and_case() {
    let a = request(
        "/",
        &[
            ("Host", "h"),
            ("X-A", "1"),
            ("X-B", "2"),
            ("x-case", "c"),
            ("X-Gone", "g"),
        ],
        "",
    );
    let b = request(
        "/",
        &[
            ("X-B", "2"),
            ("Host", "h"),
            ("X-A", "9"),
            ("X-Case", "c"),
            ("X-New", "n"),
        ],
        "",
    );
    let d = compare(&a, &b);
    assert_eq!(
        kinds(&d),
        [
            ("removed", "X-Gone".to_owned()),
            ("moved", "X-B".to_owned()),
            ("changed", "X-A".to_owned()),
            ("case", "X-Case".to_owned()),
            ("added", "X-New".to_owned()),
        ]
    );
    assert!(!d.same);
    let same = compare(&a, &a);
    assert!(same.same && same.headers.is_empty() && same.signature.is_none());
}

#[test]
fn json_bodies_are_compared_by_pointer() {
    let ct = [("Content-Type", "application/json")];
    let a = request(
        "/",
        &ct,
        r#"{"pull_request":{"title":"a","n":[1,2]},"gone":true,"a/b":1}"#,
    );
    let b = request(
        "/",
        &ct,
        r#"{"pull_request":{"title":"b","n":[1]},"new":null,"a/b":1}"#,
    );
    let d = compare(&a, &b);
    let got: Vec<_> = d
        .body
        .changes
        .iter()
        .map(|c| (c.kind, c.at.as_str(), c.a.as_deref(), c.b.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "changed",
                "/pull_request/title",
                Some("\"a\""),
                Some("\"b\"")
            ),
            ("removed", "/pull_request/n/1", Some("2"), None),
            ("removed", "/gone", Some("true"), None),
            ("added", "/new", None, Some("null")),
        ]
    );
    assert_eq!(d.body.kind, "json");
}

#[test]
fn forms_text_and_binary_bodies() {
    let form = [("Content-Type", "application/x-www-form-urlencoded")];
    let d = compare(
        &request("/", &form, "a=1&b=2&c=3"),
        &request("/", &form, "a=1&b=20&d=4"),
    );
    let got: Vec<_> = d
        .body
        .changes
        .iter()
        .map(|c| (c.kind, c.at.as_str()))
        .collect();
    assert_eq!(got, [("changed", "b"), ("removed", "c"), ("added", "d")]);

    let text = [("Content-Type", "text/plain")];
    let d = compare(
        &request("/", &text, "one\ntwo\nthree\nfour"),
        &request("/", &text, "one\n2\nthree\nfour\nfive"),
    );
    let got: Vec<_> = d
        .body
        .changes
        .iter()
        .map(|c| (c.kind, c.at.as_str(), c.a.as_deref().or(c.b.as_deref())))
        .collect();
    assert_eq!(
        got,
        [
            ("added", "line 2", Some("2")),
            ("removed", "line 2", Some("two")),
            ("added", "line 5", Some("five")),
        ]
    );

    let bin = [("Content-Type", "application/octet-stream")];
    let d = compare(
        &request("/", &bin, "\u{0}\u{1}"),
        &request("/", &bin, "\u{0}"),
    );
    assert_eq!(
        (d.body.kind, d.body.a_size, d.body.b_size),
        ("binary", 2, 1)
    );
    assert_ne!(d.body.a_sha256, d.body.b_sha256);
}

#[test]
fn the_signature_verdict_names_the_signed_parts_that_differ() {
    let stripe =
        |t: &str, body: &str| request("/", &[("Stripe-Signature", &format!("t={t},v1=ab"))], body);
    let d = compare(&stripe("1", "{}"), &stripe("2", "{}"));
    let s = d.signature.unwrap();
    assert_eq!(
        (s.provider.as_str(), s.differ.as_slice()),
        ("stripe", &["timestamp"][..])
    );
    let d = compare(&stripe("1", "{}"), &stripe("1", "{}"));
    assert!(d.signature.unwrap().differ.is_empty());
    let gh = |body: &str, sig: &str| request("/", &[("X-Hub-Signature-256", sig)], body);
    let s = compare(&gh("{}", "sha256=a"), &gh("{}", "sha256=b"))
        .signature
        .unwrap();
    assert!(s.differ.is_empty() && s.signature_headers_differ);
    let text = render::render(
        &compare(&gh("{}", "sha256=a"), &gh("{}", "sha256=b")),
        &Paint::new(false),
    );
    assert!(text.contains("so the secrets differ"), "{text}");
}

#[test]
fn rendering_escapes_captured_text() {
    let a = request("/a", &[("X-A", "1")], "x");
    let b = request("/b\u{1b}[2J", &[("X-A", "\u{202e}evil")], "y");
    let text = render::render(&compare(&a, &b), &Paint::new(false));
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{202e}'),
        "{text}"
    );
    assert!(text.contains("target: /a → /b\\x1b[2J"), "{text}");
}
