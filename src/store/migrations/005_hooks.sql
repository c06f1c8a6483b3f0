-- Webhook facts: what a request is as a webhook (the provider, the event, the
-- provider's delivery id, the provider's own retry marker) and which
-- `listen --respond` rule answered it. Requests with the same provider and
-- delivery id are attempts of one delivery; the attempt number is the
-- position in `hooks_by_delivery`, counted when read (storing it would cost
-- every capture a lookup).
-- One row per request that has any of these: a side table like `checks`, so
-- other requests cost nothing, and listings never read columns stored after a
-- large body (columns added to `requests` would sit behind its blobs).
CREATE TABLE hooks (
    request_id  INTEGER PRIMARY KEY REFERENCES requests(id) ON DELETE CASCADE,
    provider    TEXT,              -- github | gitlab | stripe | slack | … | generic
    event       TEXT,              -- e.g. pull_request.opened
    delivery    TEXT,              -- the provider's delivery (or event) id
    retry       TEXT,              -- the provider's retry marker, e.g. "retry 1 (http_timeout)"
    rule        INTEGER,           -- the --respond rule that answered (from 1); NULL: the default answer
    step        INTEGER,           -- the step of that rule's sequence (from 1)
    answer      TEXT               -- the step as written, e.g. "503 Retry-After:2"
);

-- Attempts of one delivery, and `delivery:ID`. Partial: requests without a
-- delivery id never touch it.
CREATE INDEX hooks_by_delivery ON hooks(delivery, provider) WHERE delivery IS NOT NULL;
