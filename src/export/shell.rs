//! Shell words that read back as exactly the bytes they were made from, for
//! the curl and HTTPie exports. Plain words stay bare, text goes in `'…'`, and
//! anything with a character [`is_dangerous`] selects (control, C1, bidi,
//! invisible) or non-UTF-8 bytes goes in bash's `$'…'` with `\xHH` escapes, so
//! a script never carries invisible or terminal-active characters. NUL cannot be passed as an argument at all: callers route such
//! bytes through a pipe (see [`base64_pipe`]).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

use crate::sanitize::is_dangerous;

/// Bytes that need no quoting at all.
fn is_bare(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-_./:=@%+,".contains(&b)
}

/// One shell word for `bytes` (which must not contain NUL).
pub fn quote(bytes: &[u8]) -> String {
    if !bytes.is_empty() && bytes.iter().all(|&b| is_bare(b)) {
        // All ASCII, so this is valid UTF-8.
        return String::from_utf8_lossy(bytes).into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) if !s.chars().any(is_dangerous) => format!("'{}'", s.replace('\'', r"'\''")),
        _ => ansi_c(bytes),
    }
}

/// `$'…'`: printable text as is, everything else escaped.
fn ansi_c(bytes: &[u8]) -> String {
    let mut out = String::from("$'");
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => out.push_str(r"\\"),
                '\'' => out.push_str(r"\'"),
                '\n' => out.push_str(r"\n"),
                '\r' => out.push_str(r"\r"),
                '\t' => out.push_str(r"\t"),
                c if is_dangerous(c) => {
                    let mut buf = [0; 4];
                    for b in c.encode_utf8(&mut buf).bytes() {
                        out.push_str(&format!("\\x{b:02x}"));
                    }
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out.push('\'');
    out
}

/// `printf %s 'BASE64' | base64 -d | `: the start of a pipeline that feeds
/// `bytes` exactly (NUL included) to the command after it on stdin.
pub fn base64_pipe(bytes: &[u8]) -> String {
    format!(
        "printf %s {} | base64 -d | ",
        quote(B64.encode(bytes).as_bytes())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_quote_as_little_as_they_can() {
        assert_eq!(quote(b"/hooks/a-b_c.json"), "/hooks/a-b_c.json");
        assert_eq!(quote(b"two words"), "'two words'");
        assert_eq!(quote(b"it's"), r"'it'\''s'");
        assert_eq!(quote(b""), "''");
        assert_eq!(quote("grüße $HOME `x`".as_bytes()), "'grüße $HOME `x`'");
    }

    #[test]
    fn controls_and_binary_use_ansi_c_quoting() {
        assert_eq!(quote(b"a\nb\\c'd"), r"$'a\nb\\c\'d'");
        assert_eq!(quote(b"\x1b[31m"), r"$'\x1b[31m'");
        assert_eq!(quote(&[0xff, b'a', 0xfe]), r"$'\xffa\xfe'");
        assert_eq!(quote("x\u{202e}y".as_bytes()), r"$'x\xe2\x80\xaey'");
    }

    #[test]
    fn bash_reads_every_quoted_word_back_exactly() {
        if std::process::Command::new("bash")
            .arg("--version")
            .output()
            .is_err()
        {
            return;
        }
        let samples: Vec<Vec<u8>> = vec![
            b"plain".to_vec(),
            b"it's \"quoted\" $HOME `id` \\ !".to_vec(),
            b"\x01\x1b\x7f\r\n\t end".to_vec(),
            vec![0xff, 0xc3, 0x28, b'a', 0x80],
            "ünïcödé \u{9b} \u{2066}".as_bytes().to_vec(),
        ];
        for s in samples {
            let script = format!("printf %s {}", quote(&s));
            let out = std::process::Command::new("bash")
                .args(["-c", &script])
                .output()
                .unwrap();
            assert_eq!(out.stdout, s, "{script}");
        }
    }

    #[test]
    fn the_base64_pipe_carries_nul_bytes() {
        if std::process::Command::new("base64")
            .arg("--version")
            .output()
            .is_err()
        {
            return;
        }
        let bytes = b"a\0b\0\xff";
        let script = format!("{}cat", base64_pipe(bytes));
        let out = std::process::Command::new("bash")
            .args(["-c", &script])
            .output()
            .unwrap();
        assert_eq!(out.stdout, bytes);
    }
}
