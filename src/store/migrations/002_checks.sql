-- Live checks (`listen --verify`, `--require-token`, `--allow-ip`): one row per
-- checked or rejected request. A side table keeps the requests rows (and their
-- body overflow pages) untouched and costs nothing when checks are off.
CREATE TABLE checks (
    request_id   INTEGER PRIMARY KEY REFERENCES requests(id) ON DELETE CASCADE,
    sig_provider TEXT,                 -- scheme checked, NULL when no signature check ran
    sig_outcome  TEXT,                 -- valid | invalid | unsigned
    sig_reason   TEXT,
    rejected     TEXT                  -- why a guard rejected it, NULL when accepted
);
CREATE INDEX checks_by_outcome ON checks(sig_outcome);
