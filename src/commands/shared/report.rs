//! Deleting requests, as `rm`, `prune` and `import` report it: counts of
//! requests, `--vacuum`, and what became of the freed space.

use std::io::Write;

use crate::cli::ReclaimArgs;
use crate::store::{Reclaim, Reclaimed};

/// `1 request`, `3 requests`.
pub fn plural(n: u64) -> String {
    format!("{n} request{}", if n == 1 { "" } else { "s" })
}

/// What became of the freed space: given back (and how), or kept for reuse.
pub fn report_reclaimed(out: &mut impl Write, r: Reclaimed) -> std::io::Result<()> {
    let size = |bytes| bytesize::ByteSize::b(bytes).display().iec().to_string();
    if r.bytes > 0 {
        let how = if r.rewrote {
            " (database rewritten)"
        } else {
            ""
        };
        writeln!(out, "reclaimed {}{how}", size(r.bytes))?;
    }
    if r.kept > 0 {
        writeln!(
            out,
            "{} freed inside the database, for new captures to reuse (--vacuum gives it back to the file system)",
            size(r.kept)
        )?;
    }
    Ok(())
}

impl ReclaimArgs {
    /// The store's reclaim policy for these options.
    pub fn policy(&self) -> Reclaim {
        if self.vacuum {
            Reclaim::Rewrite
        } else {
            Reclaim::Auto
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(r: Reclaimed) -> String {
        let mut out = Vec::new();
        report_reclaimed(&mut out, r).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn counts_and_reclaimed_space_read_as_sentences() {
        assert_eq!(plural(1), "1 request");
        assert_eq!(
            (plural(0), plural(3)),
            ("0 requests".into(), "3 requests".into())
        );
        let r = |bytes, rewrote, kept| Reclaimed {
            bytes,
            rewrote,
            kept,
        };
        assert_eq!(report(r(0, false, 0)), "");
        assert_eq!(
            report(r(2048, true, 0)),
            "reclaimed 2.0 KiB (database rewritten)\n"
        );
        let kept = report(r(1024, false, 4096));
        assert!(
            kept.starts_with("reclaimed 1.0 KiB\n4.0 KiB freed inside"),
            "{kept}"
        );
        let policy = |vacuum| ReclaimArgs { vacuum }.policy();
        assert_eq!(
            (policy(true), policy(false)),
            (Reclaim::Rewrite, Reclaim::Auto)
        );
    }
}
