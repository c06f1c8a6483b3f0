//! Deliveries: the SQL that records one (shared by the writer thread and
//! [`Store`]) and the reads `show`, `replay` and the TUI use.

use std::time::Duration;

use rusqlite::{Connection, Row, params};

use super::rows::duration_of;
use super::{Store, StoreError};
use crate::model::{
    Delivery, DeliveryKind, NewDelivery, ResponseRecord, Timestamp, decode_headers, encode_headers,
};

const INSERT_SQL: &str = "INSERT INTO deliveries (request_id, kind, destination, started_at, \
    duration_us, status, error, response_truncated, response_headers, response_body) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

const ANSWERED_SQL: &str =
    "UPDATE requests SET status = ?2, response_headers = ?3, response_body = ?4 WHERE id = ?1";

const COLUMNS: &str = "id, request_id, kind, destination, started_at, duration_us, status, \
    error, response_truncated, response_headers, response_body";

/// Inserts `d` with a cached statement; returns its id.
pub(super) fn insert(conn: &Connection, d: &NewDelivery) -> rusqlite::Result<i64> {
    let (headers, body) = match &d.response {
        Some(r) => (encode_headers(&r.headers), r.body.as_slice()),
        None => (Vec::new(), &[][..]),
    };
    conn.prepare_cached(INSERT_SQL)?.execute(params![
        d.request_id,
        d.kind.as_str(),
        d.destination,
        d.started_at.0,
        micros(d.duration),
        d.status(),
        d.error,
        d.response_truncated,
        headers,
        body,
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Records what the caller of a forwarded request finally got (see the
/// `003_deliveries.sql` migration for what the columns mean in forward sessions).
pub(super) fn set_answer(
    conn: &Connection,
    request_id: i64,
    answer: &ResponseRecord,
) -> rusqlite::Result<()> {
    conn.prepare_cached(ANSWERED_SQL)?.execute(params![
        request_id,
        answer.status,
        encode_headers(&answer.headers),
        answer.body,
    ])?;
    Ok(())
}

impl Store {
    /// Records a delivery made outside the capture path (a replay).
    pub fn insert_delivery(&self, d: &NewDelivery) -> Result<i64, StoreError> {
        Ok(insert(&self.conn, d)?)
    }

    /// Every delivery of one request, oldest first.
    pub fn deliveries_for(&self, request_id: i64) -> Result<Vec<Delivery>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM deliveries WHERE request_id = ?1 ORDER BY id");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([request_id], delivery_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The newest `limit` deliveries of one request, newest first, and how
    /// many it has in all (so a request replayed thousands of times does not
    /// load every answer to show a screenful).
    pub fn recent_deliveries(
        &self,
        request_id: i64,
        limit: u32,
    ) -> Result<(Vec<Delivery>, u64), StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM deliveries WHERE request_id = ?1 ORDER BY id DESC LIMIT ?2"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![request_id, limit], delivery_row)?;
        let recent = rows.collect::<Result<Vec<_>, _>>()?;
        let total: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM deliveries WHERE request_id = ?1")?
            .query_row([request_id], |r| r.get(0))?;
        Ok((recent, total.max(0) as u64))
    }

    /// The id of the newest delivery of any request (0 when there is none):
    /// it changes whenever a delivery is recorded, by this process or another.
    pub fn last_delivery_id(&self) -> Result<i64, StoreError> {
        let id: Option<i64> = self
            .conn
            .query_row("SELECT max(id) FROM deliveries", [], |r| r.get(0))?;
        Ok(id.unwrap_or(0))
    }

    /// How many deliveries are stored, over all requests.
    pub fn count_deliveries(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM deliveries", [], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }
}

fn delivery_row(r: &Row<'_>) -> rusqlite::Result<Delivery> {
    let status: Option<u16> = r.get(6)?;
    let delivery = NewDelivery {
        request_id: r.get(1)?,
        kind: DeliveryKind::parse(&r.get::<_, String>(2)?),
        destination: r.get(3)?,
        started_at: Timestamp(r.get(4)?),
        duration: duration_of(r.get(5)?),
        response: match status {
            Some(status) => Some(ResponseRecord {
                status,
                headers: decode_headers(&r.get::<_, Vec<u8>>(9)?),
                body: r.get(10)?,
            }),
            None => None,
        },
        error: r.get(7)?,
        response_truncated: r.get(8)?,
    };
    Ok(Delivery {
        id: r.get(0)?,
        delivery,
    })
}

fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Header, NewRequest, SessionMode};
    use crate::store::testing::delivery;

    fn store_with_request() -> (Store, i64) {
        let store = Store::open_in_memory().unwrap();
        let session = store
            .create_session(SessionMode::Forward, "http://x", Some("http://app"))
            .unwrap();
        let request = NewRequest {
            session_id: session.id,
            received_at: Timestamp(1),
            method: "POST".into(),
            target: "/hook".into(),
            http_version: "HTTP/1.1".into(),
            remote_addr: "127.0.0.1:1".into(),
            headers: vec![],
            body: b"{}".to_vec(),
            truncated: false,
            response: ResponseRecord {
                status: 0,
                headers: vec![],
                body: vec![],
            },
            signature: None,
            rejected: None,
        };
        let id = store.insert_requests(&[request]).unwrap()[0];
        (store, id)
    }

    #[test]
    fn deliveries_round_trip_with_and_without_a_response() {
        let (store, id) = store_with_request();
        let answered = delivery(
            id,
            Some(ResponseRecord {
                status: 201,
                headers: vec![Header::new("X-A", "1")],
                body: vec![0xff, 0],
            }),
        );
        let refused = delivery(id, None);
        store.insert_delivery(&answered).unwrap();
        store.insert_delivery(&refused).unwrap();
        let read: Vec<NewDelivery> = store
            .deliveries_for(id)
            .unwrap()
            .into_iter()
            .map(|d| d.delivery)
            .collect();
        assert_eq!(read, [answered, refused]);
        assert_eq!(store.count_deliveries().unwrap(), 2);
    }

    #[test]
    fn recent_deliveries_are_the_newest_first_with_the_total() {
        let (store, id) = store_with_request();
        assert_eq!(store.recent_deliveries(id, 2).unwrap(), (vec![], 0));
        assert_eq!(store.last_delivery_id().unwrap(), 0);
        let ids: Vec<i64> = (0..3)
            .map(|_| store.insert_delivery(&delivery(id, None)).unwrap())
            .collect();
        let (recent, total) = store.recent_deliveries(id, 2).unwrap();
        let got: Vec<i64> = recent.iter().map(|d| d.id).collect();
        assert_eq!((got, total), (vec![ids[2], ids[1]], 3));
        assert_eq!(store.last_delivery_id().unwrap(), ids[2]);
    }

    #[test]
    fn a_delivery_for_an_unknown_request_is_refused() {
        let (store, id) = store_with_request();
        assert!(store.insert_delivery(&delivery(id + 1, None)).is_err());
    }

    #[test]
    fn deleting_a_request_deletes_its_deliveries() {
        let (store, id) = store_with_request();
        let mut more = store.get(id).unwrap().unwrap().request;
        more.target = "/other".into();
        let other = store.insert_requests(&[more]).unwrap()[0];
        store.insert_delivery(&delivery(id, None)).unwrap();
        store.insert_delivery(&delivery(id, None)).unwrap();
        store.insert_delivery(&delivery(other, None)).unwrap();
        assert_eq!(store.delete_ids(&[id]).unwrap(), 1);
        assert!(store.deliveries_for(id).unwrap().is_empty());
        assert_eq!(store.deliveries_for(other).unwrap().len(), 1);
        assert_eq!(store.count_deliveries().unwrap(), 1);
        let all = crate::filter::Filter::default();
        assert_eq!(store.delete_matching(&all).unwrap(), 1);
        assert_eq!(store.count_deliveries().unwrap(), 0);
    }

    #[test]
    fn the_answer_replaces_the_pending_status() {
        let (store, id) = store_with_request();
        let answer = ResponseRecord {
            status: 502,
            headers: vec![Header::new("Content-Type", "text/plain")],
            body: b"down".to_vec(),
        };
        set_answer(&store.conn, id, &answer).unwrap();
        assert_eq!(store.get(id).unwrap().unwrap().response, answer);
    }
}
