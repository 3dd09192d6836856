//! One process at a time drives the kiosk account's basket on the server: the kiosk
//! selling, `queue drain` or `queue retry` sending queued orders, `checkout` from a
//! shell. Two of them at once would overwrite each other's basket and could send the
//! same order twice. The lock is an advisory file lock on `DATA/account.lock`, which
//! the operating system releases when its process ends, however it ends.
//!
//! Not here: which orders are sent (`replay`), or the database's own locking (SQLite).

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Held for as long as this process drives the account's basket.
#[derive(Debug)]
pub struct AccountLock {
    _file: File,
}

#[derive(Debug, Error)]
pub enum LockError {
    #[error("{holder} is using this kiosk's account on the server ({path}); wait for it to finish, or stop it first")]
    Held { holder: String, path: PathBuf },
    #[error("{path} cannot be used as the account's lock: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

/// Takes the account for `who` (a few words saying which command, for the message the
/// next process shows), or says who holds it.
pub fn lock_account(data_dir: &Path, who: &str) -> Result<AccountLock, LockError> {
    let path = data_dir.join("account.lock");
    let io = |source| LockError::Io {
        path: path.clone(),
        source,
    };
    std::fs::create_dir_all(data_dir).map_err(io)?;
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io)?;
    match file.try_lock() {
        Ok(()) => {
            let since = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            file.set_len(0).map_err(io)?;
            file.rewind().map_err(io)?;
            write!(file, "{who} (pid {}, since {since})", std::process::id()).map_err(io)?;
            Ok(AccountLock { _file: file })
        }
        Err(TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = holder.trim();
            Err(LockError::Held {
                holder: if holder.is_empty() {
                    "another process".into()
                } else {
                    holder.to_string()
                },
                path,
            })
        }
        Err(TryLockError::Error(e)) => Err(io(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_second_holder_is_told_who_has_it_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let first = lock_account(dir.path(), "the kiosk").unwrap();
        let e = lock_account(dir.path(), "queue drain").unwrap_err();
        let said = e.to_string();
        assert!(
            said.starts_with("the kiosk (pid ") && said.contains("account.lock"),
            "{said}"
        );
        drop(first);
        assert!(lock_account(dir.path(), "queue drain").is_ok());
    }
}
