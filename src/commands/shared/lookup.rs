//! Naming a stored request on the command line: a number, or `last` for the
//! newest (`show`, `verify`, `replay`, `rm`).

use crate::error::CliError;
use crate::model::CapturedRequest;
use crate::sanitize::sanitize;
use crate::store::Store;

/// The id `text` names: a number, or `last` (any case) for the newest
/// request. A bad id is a usage error ending in `usage` (what to type
/// instead); `last` with nothing captured is exit code 1.
pub fn request_id(store: &Store, text: &str, usage: &str) -> anyhow::Result<i64> {
    if text.eq_ignore_ascii_case("last") {
        return Ok(store
            .last_id()?
            .ok_or_else(|| CliError::NotFound("no requests captured yet".into()))?);
    }
    text.parse().map_err(|_| {
        CliError::Usage(format!("invalid request id {:?}: {usage}", sanitize(text))).into()
    })
}

/// Looks up `id` (a number or `last`); a missing request is exit code 1.
pub fn find(store: &Store, id: &str) -> anyhow::Result<CapturedRequest> {
    let wanted = request_id(store, id, "use a number or 'last'")?;
    Ok(store
        .get(wanted)?
        .ok_or_else(|| CliError::NotFound(format!("no request with id {wanted}")))?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SessionMode;
    use crate::store::testing::request;

    fn error(r: anyhow::Result<impl std::fmt::Debug>) -> CliError {
        r.unwrap_err().downcast::<CliError>().unwrap()
    }

    #[test]
    fn ids_are_numbers_or_last() {
        let store = Store::open_in_memory().unwrap();
        assert!(
            matches!(error(find(&store, "last")), CliError::NotFound(m) if m == "no requests captured yet")
        );
        let session = store.create_session(SessionMode::Listen, "", None).unwrap();
        let ids = store
            .insert_requests(&[
                request(session.id, "POST", "/a", b""),
                request(session.id, "PUT", "/b", b""),
            ])
            .unwrap();
        assert_eq!(find(&store, "LAST").unwrap().id, ids[1]);
        assert_eq!(find(&store, &ids[0].to_string()).unwrap().method, "POST");
        assert!(
            matches!(error(find(&store, "999")), CliError::NotFound(m) if m == "no request with id 999")
        );
        let bad = error(request_id(&store, "1\x1b[2J", "use numbers"));
        assert!(
            matches!(&bad, CliError::Usage(m) if m.ends_with(": use numbers") && !m.contains('\x1b')),
            "{bad:?}"
        );
    }
}
