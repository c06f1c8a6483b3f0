//! The first count of the requests stored, made beside the first frame.

use std::path::PathBuf;
use std::sync::mpsc;

use crate::store::Store;

/// Counts the requests on a thread of its own (a cold count of a million rows
/// can take a second, and the first frame should not wait for it).
pub fn in_background(db: PathBuf) -> mpsc::Receiver<(u64, i64)> {
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("hookcap-count".into())
        .spawn(
            move || match Store::open_existing(&db).and_then(|s| s.count_and_last_id()) {
                Ok(counted) => {
                    let _ = tx.send(counted);
                }
                Err(e) => tracing::warn!("counting requests failed: {e}"),
            },
        );
    if let Err(e) = spawned {
        tracing::warn!("counting requests failed: {e}");
    }
    rx
}
