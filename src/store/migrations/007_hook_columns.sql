-- Webhook facts move from the `hooks` side table into the request rows, and
-- the attempts of a delivery are found through an index kept off the capture
-- path (docs/performance.md, "Webhook detection and rules").
--
-- A side table cost every webhook capture one more statement (its row and its
-- index entry): ~20 % of the instructions of a capture. As columns of
-- `requests` the facts are written by the one INSERT a capture already makes.
-- `ALTER TABLE ... ADD COLUMN` would put them behind the blobs, where reading
-- them walks a large body's overflow pages, so the table is rebuilt with the
-- facts among the small columns. (Runs with foreign keys off, see schema.rs:
-- dropping the old table must not cascade into `checks` and `deliveries`,
-- which reference `requests` by name and so reference the new table after
-- the rename.)
CREATE TABLE requests_new (
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
    -- What the request is as a webhook (`sign::identity`), NULL when nothing
    -- marks it as one. Requests with the same provider and delivery are
    -- attempts of one delivery.
    provider         TEXT,                 -- github | gitlab | stripe | slack | … | generic
    event            TEXT,                 -- e.g. pull_request.opened
    delivery         TEXT,                 -- the provider's delivery (or event) id
    retry            TEXT,                 -- the provider's retry marker, e.g. "retry 1 (http_timeout)"
    -- The `listen --respond` rule that answered; NULL: the default answer.
    rule             INTEGER,              -- from 1
    step             INTEGER,              -- the step of that rule's sequence, from 1
    answer           TEXT,                 -- the step as written, e.g. "503 Retry-After:2"
    headers          BLOB    NOT NULL,     -- "Name: value\r\n" lines, arrival order and case
    response_headers BLOB    NOT NULL,
    response_body    BLOB    NOT NULL,
    body             BLOB    NOT NULL
);

INSERT INTO requests_new (id, session_id, received_at, method, target, path, status, body_size,
        truncated, content_type, http_version, remote_addr, provider, event, delivery, retry,
        rule, step, answer, headers, response_headers, response_body, body)
    SELECT r.id, r.session_id, r.received_at, r.method, r.target, r.path, r.status, r.body_size,
        r.truncated, r.content_type, r.http_version, r.remote_addr, h.provider, h.event,
        h.delivery, h.retry, h.rule, h.step, h.answer, r.headers, r.response_headers,
        r.response_body, r.body
    FROM requests AS r LEFT JOIN hooks AS h ON h.request_id = r.id
    ORDER BY r.id;

DROP TABLE hooks;
DROP TABLE requests;
ALTER TABLE requests_new RENAME TO requests;

-- The attempts of a delivery, and `delivery:ID`: every request with
-- `id <= delivery_watermark.upto` that has a provider and a delivery id has
-- its entry here; newer ones (the tail) are found by reading them. Entries
-- are added in batches, when the writer is idle (see store/delivery_index.rs),
-- never one by one while capturing: an index entry per capture cost ~6 % of
-- capture throughput.
CREATE TABLE delivery_index (
    delivery   TEXT    NOT NULL,
    provider   TEXT    NOT NULL,
    request_id INTEGER NOT NULL,
    PRIMARY KEY (delivery, provider, request_id)
) WITHOUT ROWID;

-- One row: every request up to `upto` is indexed. Lowered when the newest
-- requests are deleted, since their ids are given out again.
CREATE TABLE delivery_watermark (
    upto INTEGER NOT NULL
);

INSERT INTO delivery_index (delivery, provider, request_id)
    SELECT delivery, provider, id FROM requests
    WHERE delivery IS NOT NULL AND provider IS NOT NULL;
INSERT INTO delivery_watermark (upto) SELECT coalesce(max(id), 0) FROM requests;

-- A deleted request leaves the index (deletes are rare and off the capture path).
CREATE TRIGGER requests_leave_delivery_index AFTER DELETE ON requests
    WHEN old.delivery IS NOT NULL
BEGIN
    DELETE FROM delivery_index
    WHERE delivery = old.delivery AND provider = old.provider AND request_id = old.id;
END;
