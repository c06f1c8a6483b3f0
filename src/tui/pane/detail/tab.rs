//! The tabs of the detail pane.

/// The tabs of the detail pane, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// Request line, remote address, time, size, session, timing.
    Overview,
    /// The request headers as sent.
    Headers,
    /// The request body, formatted by type.
    Body,
    /// What was answered (or what the upstream answered when forwarding).
    Response,
    /// Forwards and replays of this request, newest first.
    Deliveries,
}

impl Tab {
    /// Every tab in display order.
    pub const ALL: [Tab; 5] = [
        Tab::Overview,
        Tab::Headers,
        Tab::Body,
        Tab::Response,
        Tab::Deliveries,
    ];

    /// The tab's title.
    pub fn title(self) -> &'static str {
        match self {
            Tab::Overview => "Overview",
            Tab::Headers => "Headers",
            Tab::Body => "Body",
            Tab::Response => "Response",
            Tab::Deliveries => "Deliveries",
        }
    }

    /// Its position in [`Tab::ALL`].
    pub fn index(self) -> usize {
        Tab::ALL.iter().position(|&t| t == self).unwrap_or(0)
    }

    /// The tab `step` places further, wrapping around.
    pub fn cycle(self, step: isize) -> Tab {
        let n = Tab::ALL.len() as isize;
        Tab::ALL[(self.index() as isize + step).rem_euclid(n) as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_cycle_both_ways() {
        assert_eq!(Tab::Overview.cycle(1), Tab::Headers);
        assert_eq!(Tab::Overview.cycle(-1), Tab::Deliveries);
        assert_eq!(Tab::Deliveries.cycle(1), Tab::Overview);
    }
}
