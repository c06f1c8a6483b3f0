//! The signals that end a long-running command (`listen`, `forward`, `relay`)
//! gracefully.

/// Resolves at Ctrl-C, SIGTERM, or SIGHUP (the terminal was closed).
pub async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let on = |kind: SignalKind| async move {
        match signal(kind) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = on(SignalKind::terminate()) => {}
        _ = on(SignalKind::hangup()) => {}
    }
}
