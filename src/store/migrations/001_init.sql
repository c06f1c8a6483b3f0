-- Sessions: one per `listen`/`forward` run or import.
CREATE TABLE sessions (
    id          INTEGER PRIMARY KEY,
    started_at  INTEGER NOT NULL,          -- microseconds since the epoch, UTC
    url         TEXT    NOT NULL,
    mode        TEXT    NOT NULL,          -- listen | forward | import
    target      TEXT                       -- forward target, if any
);

-- Captured requests. Small columns first and blobs last, so listings never
-- touch a body's overflow pages.
CREATE TABLE requests (
    id               INTEGER PRIMARY KEY,
    session_id       INTEGER NOT NULL REFERENCES sessions(id),
    received_at      INTEGER NOT NULL,     -- microseconds since the epoch, UTC
    method           TEXT    NOT NULL,
    target           TEXT    NOT NULL,     -- raw request target, as sent
    path             TEXT    NOT NULL,     -- target without the query, for GLOB filters
    status           INTEGER NOT NULL,     -- what hookcap answered
    body_size        INTEGER NOT NULL,     -- stored body length
    truncated        INTEGER NOT NULL,     -- 1 when the body was cut at the limit
    content_type     TEXT,
    http_version     TEXT    NOT NULL,
    remote_addr      TEXT    NOT NULL,
    headers          BLOB    NOT NULL,     -- "Name: value\r\n" lines, arrival order and case
    response_headers BLOB    NOT NULL,
    response_body    BLOB    NOT NULL,
    body             BLOB    NOT NULL
);

CREATE INDEX requests_by_session ON requests(session_id, id);
CREATE INDEX requests_by_time ON requests(received_at);
