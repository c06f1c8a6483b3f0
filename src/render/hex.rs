//! `xxd`-style hex dumps for binary bodies.

use std::fmt::Write as _;

use bytesize::ByteSize;

const ROW: usize = 16;

#[cfg(test)]
/// A hex dump of at most the first `max_bytes` of `bytes`, like `xxd`:
///
/// ```text
/// 00000000: 4865 6c6c 6f2c 2077 6f72 6c64 210a 0001  Hello, world!...
/// ```
///
/// Offset, sixteen bytes in pairs, then printable ASCII with `.` for everything
/// else, so the output contains no control characters whatever the input. When
/// bytes are left out, a last line says how many.
pub fn hex_dump(bytes: &[u8], max_bytes: usize) -> String {
    let shown = &bytes[..bytes.len().min(max_bytes)];
    let mut out = hex_rows(shown);
    if let Some(note) = truncation_note(bytes.len() - shown.len()) {
        out.push_str(&note);
        out.push('\n');
    }
    out
}

/// Every row of the dump of `bytes`, each ending in `\n`.
pub(super) fn hex_rows(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() / ROW * 68 + 68);
    for (i, chunk) in bytes.chunks(ROW).enumerate() {
        push_row(&mut out, i * ROW, chunk);
    }
    out
}

/// How many rows the dump of `len` bytes has.
pub fn hex_row_count(len: usize) -> usize {
    len.div_ceil(ROW)
}

/// Row `row` of the dump of `bytes`, without the newline (empty past the end):
/// for views that format only the rows on screen.
pub fn hex_row(bytes: &[u8], row: usize) -> String {
    let start = row.saturating_mul(ROW).min(bytes.len());
    let chunk = &bytes[start..bytes.len().min(start + ROW)];
    if chunk.is_empty() {
        return String::new();
    }
    let mut out = String::with_capacity(68);
    push_row(&mut out, start, chunk);
    out.pop();
    out
}

/// `… 15.9 MiB more (use --raw)` when `remaining` bytes were not rendered: the
/// last line of every bounded body view (the hex dump here, and `body`'s others).
pub(super) fn truncation_note(remaining: usize) -> Option<String> {
    (remaining > 0).then(|| {
        let size = ByteSize(remaining as u64).display().iec();
        format!("… {size} more (use --raw)")
    })
}

fn push_row(out: &mut String, offset: usize, chunk: &[u8]) {
    let mut hex = String::with_capacity(40);
    for (i, byte) in chunk.iter().enumerate() {
        if i > 0 && i % 2 == 0 {
            hex.push(' ');
        }
        // Writing to a String cannot fail.
        let _ = write!(hex, "{byte:02x}");
    }
    let ascii: String = chunk.iter().map(|&b| printable(b)).collect();
    let _ = writeln!(out, "{offset:08x}: {hex:<39}  {ascii}");
}

fn printable(b: u8) -> char {
    if b.is_ascii_graphic() || b == b' ' {
        char::from(b)
    } else {
        '.'
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_row_matches_xxd() {
        let out = hex_dump(b"Hello, world!\n\x00\x01", 1024);
        assert_eq!(
            out,
            "00000000: 4865 6c6c 6f2c 2077 6f72 6c64 210a 0001  Hello, world!...\n"
        );
    }

    #[test]
    fn short_last_row_keeps_the_ascii_column_aligned() {
        let out = hex_dump(b"0123456789abcdefXYZ", 1024);
        let rows: Vec<&str> = out.lines().collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1], format!("00000010: 5859 5a{}  XYZ", " ".repeat(32)));
        assert_eq!(rows[0].find("  0123"), rows[1].find("  XYZ"));
    }

    #[test]
    fn control_high_and_del_bytes_show_as_dots() {
        let out = hex_dump(b"\x1b[2J\x9b\x7f\xff\r\n", 1024);
        assert!(out.ends_with("  .[2J.....\n"), "{out:?}");
        assert!(out.bytes().all(|b| b == b'\n' || (0x20..0x7f).contains(&b)));
    }

    #[test]
    fn output_is_limited_to_max_bytes_with_a_note() {
        let out = hex_dump(&vec![0xab; 5000], 32);
        assert_eq!(out.lines().count(), 3);
        assert_eq!(out.lines().last(), Some("… 4.9 KiB more (use --raw)"));
    }

    #[test]
    fn single_rows_match_the_full_dump() {
        let bytes: Vec<u8> = (0..=255u8).chain(0..7).collect();
        let rows: Vec<String> = (0..hex_row_count(bytes.len()))
            .map(|i| hex_row(&bytes, i))
            .collect();
        assert_eq!(rows.join("\n") + "\n", hex_dump(&bytes, usize::MAX));
        assert_eq!(hex_row(&bytes, 99), "");
    }

    #[test]
    fn empty_input_gives_empty_output() {
        assert_eq!(hex_dump(b"", 16), "");
    }
}
