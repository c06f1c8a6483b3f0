use std::path::Path;

use super::*;
use crate::model::testing::post;

fn request(headers: &[(&str, &str)], body: &str) -> NewRequest {
    post("/hook", headers, body)
}

fn book(rules: &[&str], seed: Option<u64>) -> RuleBook {
    let rules = rules
        .iter()
        .enumerate()
        .map(|(i, r)| parse_rule(i as u32 + 1, r, Path::new(".")).unwrap())
        .collect();
    RuleBook::new(rules, 200, seed)
}

fn github(delivery: &str) -> NewRequest {
    request(
        &[("X-GitHub-Event", "push"), ("X-GitHub-Delivery", delivery)],
        "{}",
    )
}

/// (rule, step, status) for one request; (0, 0, default) when no rule took it.
fn decide(b: &RuleBook, r: NewRequest) -> (u32, u32, Option<u16>) {
    let identity = crate::sign::identity::identify(&r.headers, &r.body);
    match b.decide(r, identity.as_ref()).1 {
        Some(d) => (d.used.rule, d.used.step, d.step.status),
        None => (0, 0, None),
    }
}

#[test]
fn answers_parse_into_steps() {
    let r = parse_rule(
        3,
        "method:POST => p=0.5 429 Retry-After:30 X-A:b {\"ok\":1,\"n\":2}, delay 2s, 200 @Cargo.toml",
        Path::new("."),
    )
    .unwrap();
    assert_eq!((r.number, r.rate, r.steps.len()), (3, Some(0.5), 3));
    let first = &r.steps[0];
    assert_eq!(first.status, Some(429));
    assert_eq!(
        first.headers,
        [Header::new("Retry-After", "30"), Header::new("X-A", "b")]
    );
    let body = first.body.as_ref().unwrap().render(&request(&[], ""));
    assert_eq!(body.bytes, br#"{"ok":1,"n":2}"#);
    assert_eq!(r.steps[1].delay, Duration::from_secs(2));
    assert_eq!(r.steps[1].status, None);
    assert!(r.steps[2].body.as_ref().unwrap().is_literal());
    let faults = parse_rule(1, " => drop, hang", Path::new(".")).unwrap();
    let f: Vec<_> = faults.steps.iter().map(|s| s.fault).collect();
    assert_eq!(f, [Some(Fault::Drop), Some(Fault::Hang)]);
    assert!(faults.filter.is_empty(), "an empty filter takes everything");
}

#[test]
fn bad_rules_are_one_line_errors_naming_the_rule() {
    for (text, words) in [
        ("method:POST 503", "expected 'FILTER => ANSWER'"),
        ("stauts:2xx => 200", "unknown key"),
        ("=> ", "no answer after =>"),
        ("=> 200 {{nope}}", "unknown template"),
        ("=> delay soon", "expected a duration"),
        ("=> p=2 500", "the rate is a number"),
        ("=> drop 200", "take no status"),
        ("=> 200 @/no/such/file", "cannot read the body file"),
    ] {
        let e = parse_rule(2, text, Path::new(".")).unwrap_err().to_string();
        assert!(e.starts_with("--respond #2 "), "{e}");
        assert!(e.contains(words), "{text}: {e}");
        assert!(!e.contains('\n'), "{e}");
    }
}

#[test]
fn first_match_wins_and_the_rest_get_the_default() {
    let b = book(&["provider:github => 500", "method:POST => 201"], None);
    assert_eq!(decide(&b, github("a")), (1, 1, Some(500)));
    assert_eq!(decide(&b, request(&[], "x")), (2, 1, Some(201)));
    let mut get = request(&[], "");
    get.method = "GET".into();
    assert_eq!(decide(&b, get), (0, 0, None));
}

#[test]
fn sequences_count_per_delivery_and_the_last_step_repeats() {
    let b = book(&["provider:github => 500, 500, 200"], None);
    let steps = |d: &str| decide(&b, github(d)).1;
    assert_eq!(
        [steps("a"), steps("a"), steps("b"), steps("a")],
        [1, 2, 1, 3]
    );
    assert_eq!([steps("a"), steps("b"), steps("b")], [3, 2, 3]);
    let plain = book(&["=> 503, 200"], None);
    let seq: Vec<_> = (0..3).map(|_| decide(&plain, request(&[], "")).2).collect();
    assert_eq!(
        seq,
        [Some(503), Some(200), Some(200)],
        "per rule without ids"
    );
}

#[test]
fn attempt_and_dup_terms_count_what_this_book_has_answered() {
    let b = book(&["dup => 208", "attempt:>1 => 200", "=> 500"], None);
    let got: Vec<_> = (0..4).map(|_| decide(&b, github("x")).2).collect();
    assert_eq!(got, [Some(500), Some(200), Some(208), Some(208)]);
}

#[test]
fn a_seeded_rate_is_repeatable_and_takes_about_that_fraction() {
    let run = |seed| {
        let b = book(&["=> p=0.2 500"], Some(seed));
        (0..1000)
            .map(|_| decide(&b, request(&[], "")).0 == 1)
            .collect::<Vec<_>>()
    };
    assert_eq!(run(7), run(7));
    let taken = run(7).iter().filter(|t| **t).count();
    assert!((120..280).contains(&taken), "{taken} of 1000");
}

#[test]
fn slack_url_verification_is_answered_with_the_challenge() {
    let b = book(
        &["json:/type=url_verification => 200 {{json:/challenge}}"],
        None,
    );
    let r = request(
        &[("Content-Type", "application/json")],
        r#"{"token":"t","challenge":"3eZbrw1aBm2r","type":"url_verification"}"#,
    );
    let (_, d) = b.decide(r, None);
    assert_eq!(d.unwrap().body.unwrap().bytes, b"3eZbrw1aBm2r");
}

#[test]
fn rules_files_give_the_same_rules() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("reply.json"), "{\"ok\":true}").unwrap();
    let path = dir.path().join("rules.toml");
    std::fs::write(
        &path,
        r#"
[[rule]]
match = "json:/type=url_verification"
answer = "200 {{json:/challenge}}"

[[rule]]
match = "provider:stripe"
answer = ["503 Retry-After:2", "200"]

[[rule]]
match = "method:PUT"
status = 429
headers = { Retry-After = "30" }
body_file = "reply.json"
p = 0.5

[[rule]]
match = "path:/slow"
delay = "2s"
fault = "hang"
"#,
    )
    .unwrap();
    let rules = parse_file(&path, 2).unwrap();
    assert_eq!(rules.len(), 4);
    assert_eq!(rules[0].number, 2);
    assert_eq!(rules[1].steps[0].headers, [Header::new("Retry-After", "2")]);
    assert_eq!(&*rules[2].steps[0].text, "429 Retry-After:30 @reply.json");
    assert_eq!(rules[2].rate, Some(0.5));
    assert_eq!(rules[3].steps[0].fault, Some(Fault::Hang));
    assert_eq!(rules[3].steps[0].delay, Duration::from_secs(2));

    for (text, words) in [
        (
            "[[rule]]\nmatch = \"json:x\"\nanswer = \"200\"\n",
            "rule 1 (--respond #1)",
        ),
        ("[[rule]]\nanswer = 200\n", "line 2"),
        ("[[rule]]\nmatch = \"\"\nstatuss = 200\n", "unknown field"),
        ("[[rule]]\nanswer = \"200\"\nstatus = 200\n", "not both"),
        (
            "[[rule]]\nfault = \"explode\"\n",
            "use \"drop\" or \"hang\"",
        ),
    ] {
        std::fs::write(&path, text).unwrap();
        let e = parse_file(&path, 1).unwrap_err().to_string();
        assert!(e.contains(words), "{text}: {e}");
        assert!(!e.contains('\n'), "{e}");
    }
}

#[test]
fn the_documented_example_file_reads() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/examples/rules.toml");
    let rules = parse_file(&path, 1).unwrap();
    assert_eq!(rules.len(), 6);
    let b = RuleBook::new(rules, 200, Some(1));
    let mut get = request(&[], "");
    get.method = "GET".into();
    get.target = "/whatsapp?hub.mode=subscribe&hub.challenge=1158201444".into();
    let (_, d) = b.decide(get, None);
    assert_eq!(d.unwrap().body.unwrap().bytes, b"1158201444");
}
