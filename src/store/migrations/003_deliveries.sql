-- Deliveries: every time a stored request was passed on (`forward`) or sent
-- again (`replay`), with what came back. A request has any number of them.
--
-- In forward sessions the request row is stored before it is passed on, with
-- status 0 (pending). Once the app has answered, `requests.status` becomes what
-- the caller got: the app's status, or hookcap's 502 (unreachable) / 504 (too
-- slow), whose small text answer then fills `response_headers`/`response_body`.
-- A passed-on answer's headers and body are kept once, here, not in `requests`.
CREATE TABLE deliveries (
    id                 INTEGER PRIMARY KEY,
    request_id         INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
    kind               TEXT    NOT NULL,   -- forward | replay
    destination        TEXT    NOT NULL,   -- the full URL it was sent to
    started_at         INTEGER NOT NULL,   -- microseconds since the epoch, UTC
    duration_us        INTEGER NOT NULL,   -- until the answer's body ended, or the error
    status             INTEGER,            -- NULL when nothing was answered
    error              TEXT,               -- NULL when nothing went wrong
    response_truncated INTEGER NOT NULL,   -- 1 when only the start of the body was kept
    response_headers   BLOB    NOT NULL,   -- "Name: value\r\n" lines, as in requests
    response_body      BLOB    NOT NULL
);

CREATE INDEX deliveries_by_request ON deliveries(request_id, id);
