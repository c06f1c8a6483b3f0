//! The response of a HAR entry: what the caller got.

use std::time::Duration;

use super::body::response_text;
use super::{Content, HarHeader, Response, mime, truncated_note};
use crate::model::{
    CapturedRequest, Delivery, DeliveryKind, HeaderList, PENDING_STATUS, ResponseRecord,
};

/// The response of an entry: what the caller got. For a request `forward`
/// passed on and the app answered, that is the app's answer, kept in the
/// forward delivery (with how long it took); otherwise hookcap's own answer
/// (including its `502`/`504` when the app could not answer), with the
/// headers its HTTP server added when sending it. Replays are not what the
/// caller got, so they never take its place.
pub fn response_for(r: &CapturedRequest, deliveries: &[Delivery]) -> (Response, Option<Duration>) {
    let forwarded = deliveries
        .iter()
        .find(|d| d.kind == DeliveryKind::Forward && d.request_id == r.id);
    match forwarded.and_then(|d| d.response.as_ref().map(|resp| (d, resp))) {
        Some((d, resp)) => {
            let headers = resp.headers.iter().map(HarHeader::of).collect();
            let response = response_of(resp, headers, "HTTP/1.1", d.response_truncated);
            (response, Some(d.duration))
        }
        None => {
            let headers = own_answer_headers(r);
            (
                response_of(&r.response, headers, &r.http_version, false),
                None,
            )
        }
    }
}

fn response_of(
    resp: &ResponseRecord,
    headers: Vec<HarHeader>,
    http_version: &str,
    truncated: bool,
) -> Response {
    let body = response_text(&resp.headers, &resp.body);
    let raw = resp.body.len() as i64;
    let size = body.size as i64;
    let reason = http::StatusCode::from_u16(resp.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    Response {
        status: resp.status,
        status_text: reason.to_owned(),
        http_version: http_version.to_owned(),
        cookies: Vec::new(),
        headers,
        content: Content {
            size,
            compression: body.exact.is_some().then_some(size - raw),
            mime_type: mime(&resp.headers),
            text: body.text,
            encoding: body.encoding,
            text_base64: body.exact,
            comment: truncated.then(|| truncated_note(resp.body.len())),
        },
        redirect_url: resp.headers.get_str("location").unwrap_or_default(),
        headers_size: -1,
        body_size: raw,
    }
}

/// hookcap's own answer as it went out: the recorded headers, then the ones
/// its HTTP server (hyper) adds when they are missing, as it adds them:
/// `content-length` (not for `1xx`, `204`, `304`, nor an empty answer to
/// `HEAD`) and `date`. The capture does not record the instant `date` was
/// stamped; the answer is sent right after the request is stored, so the
/// request's arrival, to the second, stands in for it (and a comment says so).
fn own_answer_headers(r: &CapturedRequest) -> Vec<HarHeader> {
    let answer = &r.response;
    let mut headers: Vec<HarHeader> = answer.headers.iter().map(HarHeader::of).collect();
    if answer.status == PENDING_STATUS {
        return headers;
    }
    let bodiless = matches!(answer.status, 100..=199 | 204 | 304)
        || (r.method.eq_ignore_ascii_case("HEAD") && answer.body.is_empty());
    if !bodiless && answer.headers.find("content-length").is_none() {
        headers.push(added(
            "content-length",
            answer.body.len().to_string(),
            "added by hookcap's HTTP server when it answered",
        ));
    }
    if answer.headers.find("date").is_none() {
        headers.push(added(
            "date",
            httpdate::fmt_http_date(r.received_at.to_system_time()),
            "added by hookcap's HTTP server when it answered; the time shown is when the \
             request arrived, to the second",
        ));
    }
    headers
}

fn added(name: &str, value: String, why: &str) -> HarHeader {
    HarHeader {
        name: name.to_owned(),
        value,
        value_base64: None,
        comment: Some(why.to_owned()),
        added_by_server: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testing::sample;
    use crate::model::{Header, NewDelivery, Timestamp};

    fn delivery(kind: DeliveryKind, response: Option<ResponseRecord>) -> Delivery {
        Delivery {
            id: 1,
            delivery: NewDelivery {
                request_id: 1,
                kind,
                destination: "http://app/hook".into(),
                started_at: Timestamp(2),
                duration: Duration::from_millis(14),
                response,
                response_truncated: false,
                error: None,
            },
        }
    }

    fn app_answer() -> ResponseRecord {
        ResponseRecord {
            status: 201,
            headers: vec![Header::new("X-App", "1")],
            body: b"made".to_vec(),
        }
    }

    #[test]
    fn a_forwarded_request_has_the_apps_answer_and_time() {
        let r = sample("POST", "/hook", &[], b"{}");
        let forwarded = [delivery(DeliveryKind::Forward, Some(app_answer()))];
        let (resp, waited) = response_for(&r, &forwarded);
        assert_eq!(resp.status, 201);
        assert_eq!(resp.content.text, "made");
        let names: Vec<&str> = resp.headers.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(names, ["X-App"]);
        assert_eq!(waited, Some(Duration::from_millis(14)));
    }

    #[test]
    fn without_an_app_answer_the_entry_has_hookcaps_own() {
        let r = sample("POST", "/hook", &[], b"{}");
        for deliveries in [
            vec![],
            vec![delivery(DeliveryKind::Forward, None)],
            vec![delivery(DeliveryKind::Replay, Some(app_answer()))],
        ] {
            let (resp, waited) = response_for(&r, &deliveries);
            assert_eq!((resp.status, waited), (200, None));
        }
    }

    #[test]
    fn hookcaps_answer_has_the_headers_its_server_added() {
        let mut r = sample("POST", "/hook", &[], b"{}");
        r.request.response.headers.clear();
        r.request.response.body = b"ok".to_vec();
        let (resp, _) = response_for(&r, &[]);
        let got: Vec<(&str, &str, bool)> = resp
            .headers
            .iter()
            .map(|h| (h.name.as_str(), h.value.as_str(), h.added_by_server))
            .collect();
        assert_eq!(
            got,
            [
                ("content-length", "2", true),
                ("date", "Fri, 02 Jan 2026 03:04:05 GMT", true)
            ]
        );
        // 204 and an empty answer to HEAD carry no length; recorded ones are kept.
        r.request.response.status = 204;
        let (resp, _) = response_for(&r, &[]);
        assert_eq!(resp.headers.len(), 1);
        let mut head = sample("HEAD", "/", &[], b"");
        head.request.response.headers = vec![Header::new("Date", "x")];
        let (resp, _) = response_for(&head, &[]);
        assert_eq!(resp.headers.len(), 1);
        assert!(!resp.headers[0].added_by_server);
    }
}
