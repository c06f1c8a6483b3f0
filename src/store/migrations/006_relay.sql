-- The relay (`hookcap relay`) and the requests it hands to laptops
-- (`listen --via`, `forward --via`). A relay's database and a laptop's are
-- both ordinary hookcap databases; each uses its own half of these tables.
--
-- On a relay: a request sent to /c/NAME/... is stored in `requests` like any
-- capture (its target as received, prefix included) and, when it is to be
-- delivered, gets a `relay_queue` row in the same transaction. A request's
-- relay id is its `requests.id`, so ids grow in commit order and a consumer's
-- cursor (the newest id it acknowledged) splits its channel's queue into
-- "delivered" and "still to send". The relay never deletes the newest row of
-- `requests` (see src/store/relay.rs), so ids are never reused.

-- Facts about this database as a relay: its random instance id, which
-- laptops use to tell two relays (or a recreated relay database) apart.
CREATE TABLE relay_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE relay_channels (
    id             INTEGER PRIMARY KEY,
    name           TEXT    NOT NULL UNIQUE,   -- [a-z0-9-]{3,63}
    token_sha256   BLOB    NOT NULL,          -- the token itself is shown once, never stored
    created_at     INTEGER NOT NULL,          -- microseconds since the epoch, UTC
    answer         TEXT    NOT NULL,          -- now | app
    status         INTEGER NOT NULL,          -- `now`: the status senders get
    body           BLOB    NOT NULL,          -- `now`: the body senders get
    timeout_ms     INTEGER NOT NULL,          -- `app`: how long a sender waits for a consumer's answer
    allow_ip       TEXT    NOT NULL,          -- edge check: CIDRs separated by spaces; '' allows all
    verify         TEXT,                      -- edge check: the signature scheme, NULL for none
    secret_env     TEXT,                      -- the variable the relay reads that scheme's secret from
    reject_invalid INTEGER NOT NULL           -- edge check: answer 401 to invalid or unsigned requests
);

-- Each consumer (a laptop's `--consumer NAME`) has its own cursor per channel.
CREATE TABLE relay_consumers (
    channel_id INTEGER NOT NULL REFERENCES relay_channels(id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    cursor     INTEGER NOT NULL,   -- the newest relay id it acknowledged (after its own commit)
    created_at INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    PRIMARY KEY (channel_id, name)
) WITHOUT ROWID;

-- The requests to deliver, and the SHA-256 of each one's head bytes exactly
-- as received (the request line with the /c/NAME prefix, header lines in
-- order, case and spacing) followed by its stored body. Most heads are
-- exactly what the request row re-encodes to ("METHOD TARGET VERSION\r\n",
-- the stored header lines, "\r\n"); only a head that differs (odd spacing,
-- folded lines) keeps its bytes here, so the queue costs a commit little.
-- One b-tree, clustered by channel: reading a channel after a cursor is a
-- range, and appending touches one leaf. There is no foreign key (a cascade
-- would need a second index on request_id): the relay deletes a queue row
-- with its request (src/store/relay), and reads join requests, so a row
-- whose request was deleted by other means is skipped, never sent.
CREATE TABLE relay_queue (
    channel_id INTEGER NOT NULL,
    request_id INTEGER NOT NULL,           -- requests.id: the relay id
    raw_head   BLOB,                       -- NULL: the request row re-encodes to the exact bytes
    sha256     BLOB    NOT NULL,
    PRIMARY KEY (channel_id, request_id)
) WITHOUT ROWID;

-- On a laptop: requests that came through a relay, with where from. The
-- unique index makes a request the relay sends twice (it resends what was
-- not acknowledged) land in the store once. Relay ids are unique per relay
-- database, so the key is that database's instance id and the relay id.
CREATE TABLE relayed (
    request_id        INTEGER PRIMARY KEY REFERENCES requests(id) ON DELETE CASCADE,
    relay_url         TEXT    NOT NULL,   -- the channel URL given to --via
    relay_instance    TEXT    NOT NULL,
    relay_id          INTEGER NOT NULL,
    peer              TEXT    NOT NULL,   -- the address that sent it to the relay
    relay_received_at INTEGER NOT NULL,   -- microseconds since the epoch, UTC
    sha256            BLOB    NOT NULL,   -- as the relay computed it on arrival
    raw_head          BLOB    NOT NULL    -- the head bytes as the relay received them
);
CREATE UNIQUE INDEX relayed_once ON relayed(relay_instance, relay_id);
