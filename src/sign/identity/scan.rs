//! The fast path of reading a body's top-level members: a scanner for the
//! common case, where the members a provider needs are plain strings.
//!
//! Every capture of a JSON webhook runs it, so it costs three fifths of
//! reading the same members through serde (docs/performance.md): it checks
//! the JSON grammar as it goes (the members it skips too, exactly as
//! `serde_json` does: it must stop where serde would) but builds nothing
//! but the strings it keeps. Whatever it is not sure of (an escape in a
//! string it keeps or in a member name, a wanted member that is not a
//! string, a body that is not valid JSON up to where reading stops), it
//! leaves to the serde path by returning `None`, so the two always agree.

use super::{ACTION, ACTION_NESTED, EVENT, EVENT_ID, ID, OBJECT, OBJECT_KIND, Probe, TYPE, short};

/// Reads the members in `want` from a JSON object body, stopping once all
/// are found; `None` when the serde path must decide.
pub(super) fn scan(body: &[u8], want: u8) -> Option<Probe> {
    let mut s = Scanner { b: body, i: 0 };
    s.whitespace();
    s.eat(b'{')?;
    let mut probe = Probe::default();
    let mut seen = 0;
    let mut first = true;
    while seen & want != want {
        s.whitespace();
        match s.peek()? {
            b'}' => return Some(probe),
            b',' if !first => {
                s.i += 1;
                s.whitespace();
            }
            _ if first => {}
            _ => return None,
        }
        first = false;
        let name = s.plain_string()?;
        if !name.is_ascii() {
            std::str::from_utf8(name).ok()?;
        }
        let bit = member_bit(name);
        s.whitespace();
        s.eat(b':')?;
        s.whitespace();
        let counts_as = if bit == ACTION_NESTED { ACTION } else { bit };
        if counts_as & want == 0 {
            s.skip_value()?;
            continue;
        }
        if bit == ACTION_NESTED {
            return None;
        }
        let text = short(std::str::from_utf8(s.plain_string()?).ok()?);
        let slot = match bit {
            ID => &mut probe.id,
            OBJECT => &mut probe.object,
            TYPE => &mut probe.kind,
            EVENT => &mut probe.event_name,
            EVENT_ID => &mut probe.event_id,
            OBJECT_KIND => &mut probe.object_kind,
            _ => &mut probe.action,
        };
        *slot = Some(text);
        seen |= counts_as;
    }
    Some(probe)
}

/// The bit of a member name (as [`super::member_bit`], on bytes).
fn member_bit(name: &[u8]) -> u8 {
    match name {
        b"id" => ID,
        b"object" => OBJECT,
        b"type" => TYPE,
        b"event_id" => EVENT_ID,
        b"action" => ACTION,
        b"object_attributes" => ACTION_NESTED,
        b"object_kind" => OBJECT_KIND,
        b"event" => EVENT,
        _ => 0,
    }
}

/// How many bytes at the start of `text` are plain string content: up to
/// the first quote, backslash or control character (or the end). Webhook
/// strings are short, so a loop over a table beats a vectorised search.
fn string_run(text: &[u8]) -> usize {
    text.iter()
        .position(|&c| STOPS_STRING[usize::from(c)])
        .unwrap_or(text.len())
}

/// The bytes that end a run of string content.
const STOPS_STRING: [bool; 256] = {
    let mut stops = [false; 256];
    let mut c = 0;
    while c < 0x20 {
        stops[c] = true;
        c += 1;
    }
    stops[b'"' as usize] = true;
    stops[b'\\' as usize] = true;
    stops
};

struct Scanner<'b> {
    b: &'b [u8],
    i: usize,
}

impl<'b> Scanner<'b> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.i += 1)
    }

    /// JSON's whitespace (not form feed).
    fn whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    /// A string without escapes, between its quotes; `None` for anything else.
    fn plain_string(&mut self) -> Option<&'b [u8]> {
        self.eat(b'"')?;
        let start = self.i;
        let len = string_run(&self.b[start..]);
        if self.b.get(start + len) != Some(&b'"') {
            return None;
        }
        self.i = start + len + 1;
        Some(&self.b[start..start + len])
    }

    /// Any string, as serde skips one: escapes checked, control characters
    /// refused, the bytes otherwise unchecked.
    fn skip_string(&mut self) -> Option<()> {
        self.eat(b'"')?;
        loop {
            self.i += string_run(&self.b[self.i..]);
            let c = self.peek()?;
            self.i += 1;
            match c {
                b'"' => return Some(()),
                b'\\' => match self.peek()? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.i += 1,
                    b'u' => {
                        let hex = self.b.get(self.i + 1..self.i + 5)?;
                        if !hex.iter().all(u8::is_ascii_hexdigit) {
                            return None;
                        }
                        self.i += 5;
                    }
                    _ => return None,
                },
                _ => return None,
            }
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.i + word.len();
        (self.b.get(self.i..end)? == word).then(|| self.i = end)
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
        self.i - start
    }

    /// A number, in JSON's grammar (one leading zero at most, digits after
    /// the point and the exponent).
    fn number(&mut self) -> Option<()> {
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek()? {
            b'0' => {
                self.i += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return None;
                }
            }
            b'1'..=b'9' => {
                self.digits();
            }
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return None;
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            if self.digits() == 0 {
                return None;
            }
        }
        Some(())
    }

    /// One value of any kind, checked as serde checks the values it skips;
    /// nesting is followed with a stack, not recursion.
    fn skip_value(&mut self) -> Option<()> {
        let mut open: Vec<u8> = Vec::new();
        loop {
            self.whitespace();
            match self.peek()? {
                b'n' => self.literal(b"null")?,
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'-' | b'0'..=b'9' => self.number()?,
                b'"' => self.skip_string()?,
                frame @ (b'[' | b'{') => {
                    self.i += 1;
                    self.whitespace();
                    let close = if frame == b'[' { b']' } else { b'}' };
                    if self.peek() == Some(close) {
                        self.i += 1;
                    } else {
                        open.push(frame);
                        if frame == b'{' {
                            self.member_name()?;
                        }
                        continue;
                    }
                }
                _ => return None,
            }
            // A value is complete: close what it completes, or go on to the next.
            loop {
                let Some(&frame) = open.last() else {
                    return Some(());
                };
                self.whitespace();
                match self.peek()? {
                    b',' => {
                        self.i += 1;
                        if frame == b'{' {
                            self.whitespace();
                            self.member_name()?;
                        }
                        break;
                    }
                    b']' if frame == b'[' => {}
                    b'}' if frame == b'{' => {}
                    _ => return None,
                }
                self.i += 1;
                open.pop();
            }
        }
    }

    /// A member name and its colon, inside a skipped object.
    fn member_name(&mut self) -> Option<()> {
        self.skip_string()?;
        self.whitespace();
        self.eat(b':')
    }
}
