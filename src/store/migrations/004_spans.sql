-- Spans: where each session's requests lie in id order, and when they arrived.
-- They replace the indexes on requests(session_id, id) and requests(received_at):
-- each index cost every commit one more page written (its newest leaf), and
-- both together ~12 % of capture throughput (docs/performance.md). A writer
-- opens a span at its first commit and closes it after 4,096 requests, a
-- minute, 2 s without requests, or when it stops; `session:`, `since:` and
-- pruning by age turn spans into rowid ranges.
--
-- Every request is covered by a span of its session with first_id <= id and
-- either last_id NULL (open: its writer may still add requests, or was
-- stopped before it could close it) or id <= last_id and
-- min_at <= received_at <= max_at. Deleting requests keeps that true.
CREATE TABLE spans (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL,
    first_id    INTEGER NOT NULL,
    last_id     INTEGER,               -- NULL while open
    min_at      INTEGER,               -- receive-time bounds, microseconds; NULL while open
    max_at      INTEGER
);

-- Existing requests: one closed span per session, found while the index is still here.
INSERT INTO spans (session_id, first_id, last_id, min_at, max_at)
    SELECT session_id, min(id), max(id), min(received_at), max(received_at)
    FROM requests GROUP BY session_id;

DROP INDEX requests_by_session;
DROP INDEX requests_by_time;
