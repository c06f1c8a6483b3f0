//! "Address already in use", said helpfully: which process holds the port,
//! when this user may see it (on Linux, read from `/proc`: the listening
//! socket's inode in `/proc/net/tcp*`, then the process with that socket
//! among `/proc/*/fd`), and how to pick another port.

use std::io;

use crate::sanitize::sanitize;

/// The one-line error for a failed bind of `host:port`.
pub fn bind_error(e: &io::Error, host: &str, port: u16) -> String {
    if e.kind() != io::ErrorKind::AddrInUse {
        return format!("cannot listen on {host}:{port}: {e}");
    }
    let holder = holder_of(port)
        .map(|(pid, name)| format!(" by {} (pid {pid})", sanitize(&name)))
        .unwrap_or_default();
    format!(
        "cannot listen on {host}:{port}: the port is already in use{holder}; \
         --port 0 picks a free one, or stop what holds it"
    )
}

/// The process listening on TCP `port`, as (pid, name), when it can be seen.
fn holder_of(port: u16) -> Option<(u32, String)> {
    let inodes: Vec<u64> = ["/proc/net/tcp", "/proc/net/tcp6"]
        .iter()
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .flat_map(|table| listening_inodes(&table, port))
        .collect();
    if inodes.is_empty() {
        return None;
    }
    let wanted: Vec<String> = inodes.iter().map(|i| format!("socket:[{i}]")).collect();
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(fds) = std::fs::read_dir(entry.path().join("fd")) else {
            continue;
        };
        let holds = fds.flatten().any(|fd| {
            std::fs::read_link(fd.path())
                .is_ok_and(|target| wanted.iter().any(|w| target.as_os_str() == w.as_str()))
        });
        if holds {
            let name = std::fs::read_to_string(entry.path().join("comm")).unwrap_or_default();
            return Some((pid, name.trim().to_owned()));
        }
    }
    None
}

/// The inodes of sockets listening on `port` in a `/proc/net/tcp` table
/// (`sl local_address rem_address st … inode`, ports in hex, `0A` = LISTEN).
fn listening_inodes(table: &str, port: u16) -> Vec<u64> {
    let hex_port = format!("{port:04X}");
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let local_port = fields.get(1)?.rsplit(':').next()?;
            let listening = *fields.get(3)? == "0A";
            (listening && local_port == hex_port).then(|| fields.get(9)?.parse().ok())?
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listening_sockets_are_read_from_the_table() {
        let table = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n\
            0: 0100007F:1231 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0000\n\
            1: 0100007F:1231 0100007F:D3A2 01 00000000:00000000 00:00000000 00000000  1000        0 4343 1 0000\n\
            2: 0100007F:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4444 1 0000\n";
        assert_eq!(listening_inodes(table, 4657), [4242]);
        assert_eq!(listening_inodes(table, 3000), [4444]);
        assert!(listening_inodes(table, 80).is_empty());
    }

    #[test]
    fn the_holder_of_a_port_this_process_listens_on_is_found() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        if std::fs::metadata("/proc/net/tcp").is_err() {
            eprintln!("skipping: no /proc/net/tcp here");
            return;
        }
        let (pid, _) = holder_of(port).expect("this process holds it");
        assert_eq!(pid, std::process::id());
    }
}
