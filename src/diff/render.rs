//! A [`RequestDiff`] for a terminal: one section per part that differs,
//! `+` added (green), `-` removed (red), `~` changed (yellow), `↕` moved and
//! `Aa` case (cyan). Every captured string goes through the sanitizer.

use super::{BodyChange, HeaderChange, RequestDiff, SignatureDiff};
use crate::render::color::{Paint, Style};
use crate::sanitize::sanitize;

/// The diff as lines of text, ending with a newline.
pub fn render(d: &RequestDiff, paint: &Paint) -> String {
    let mut out = String::new();
    if d.same {
        out.push_str(&paint.paint("identical: request line, headers and body", Style::Green));
        out.push('\n');
    }
    let title = |out: &mut String, t: &str| {
        out.push_str(&paint.paint(t, Style::Bold));
        out.push('\n');
    };
    if !d.line.is_empty() {
        title(&mut out, "request line");
        for c in &d.line {
            out.push_str(&format!(
                "  {} {}: {} → {}\n",
                paint.paint("~", Style::Yellow),
                c.field,
                sanitize(&c.a),
                sanitize(&c.b)
            ));
        }
    }
    if !d.headers.is_empty() {
        title(&mut out, "headers");
        for c in &d.headers {
            out.push_str(&header_line(c, paint));
        }
    }
    if !d.body.same {
        let b = &d.body;
        title(
            &mut out,
            &format!("body ({}, {} → {} bytes)", b.kind, b.a_size, b.b_size),
        );
        for c in &b.changes {
            out.push_str(&body_line(c, paint));
        }
        if b.more > 0 {
            out.push_str(&format!("  … {} more\n", b.more));
        }
        if let (Some(x), Some(y)) = (&b.a_sha256, &b.b_sha256) {
            out.push_str(&format!("  sha256 {x} → {y}\n"));
        }
    }
    if let Some(s) = &d.signature {
        out.push_str(&signature_line(s, paint));
    }
    out
}

fn mark(kind: &str, paint: &Paint) -> String {
    let (m, style) = match kind {
        "added" => ("+", Style::Green),
        "removed" => ("-", Style::Red),
        "changed" => ("~", Style::Yellow),
        "moved" => ("↕", Style::Cyan),
        _ => ("Aa", Style::Cyan),
    };
    paint.paint(m, style)
}

fn header_line(c: &HeaderChange, paint: &Paint) -> String {
    let text = |v: &Option<String>| sanitize(v.as_deref().unwrap_or("")).into_owned();
    let m = mark(c.kind, paint);
    match c.kind {
        "added" => format!("  {m} {}\n", text(&c.b)),
        "removed" => format!("  {m} {}\n", text(&c.a)),
        "moved" => format!("  {m} {} (moved)\n", text(&c.b)),
        _ => format!("  {m} {} → {}\n", text(&c.a), text(&c.b)),
    }
}

fn body_line(c: &BodyChange, paint: &Paint) -> String {
    let value = |v: &Option<String>| sanitize(v.as_deref().unwrap_or("")).into_owned();
    let m = mark(c.kind, paint);
    let at = sanitize(&c.at);
    match c.kind {
        "added" => format!("  {m} {at}: {}\n", value(&c.b)),
        "removed" => format!("  {m} {at}: {}\n", value(&c.a)),
        _ => format!("  {m} {at}: {} → {}\n", value(&c.a), value(&c.b)),
    }
}

fn signature_line(s: &SignatureDiff, paint: &Paint) -> String {
    let head = paint.paint(&format!("signature ({})", s.provider), Style::Bold);
    let verdict = if s.signed.is_empty() {
        format!(
            "{} signs nothing of the request (a shared token)",
            s.provider
        )
    } else if s.differ.is_empty() {
        let mut text = format!(
            "the signed parts ({}) are identical: the same secret gives the same signature",
            s.signed.join(", ")
        );
        if s.signature_headers_differ {
            text.push_str("; the signature headers differ, so the secrets differ");
        }
        paint.paint(&text, Style::Green)
    } else {
        paint.paint(
            &format!(
                "{} differ{}: the signatures must differ",
                s.differ.join(" and "),
                if s.differ.len() == 1 { "s" } else { "" }
            ),
            Style::Yellow,
        )
    };
    format!("{head}: {verdict}\n")
}
