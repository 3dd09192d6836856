//! The local SQLite database: opened with a write-ahead log and `synchronous=FULL`, so a
//! committed write survives a power cut, and migrated to the current schema on open.
//!
//! Errors say which file and what a technician can do: a damaged file, a file locked by
//! another program, a file or folder that cannot be written.

use rusqlite::{Connection, ErrorCode};
use std::path::{Path, PathBuf};
use std::time::Duration;
use thiserror::Error;

/// The database's file name inside the data directory.
pub const FILE_NAME: &str = "kiosk.db";

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("the local database {path} is damaged ({detail}); move it aside to start a new one, and send the old file to support")]
    Corrupt { path: PathBuf, detail: String },
    #[error("the local database {path} is locked by another program ({detail}); close any other copy of the kiosk")]
    Locked { path: PathBuf, detail: String },
    #[error(
        "the local database {path} cannot be written ({detail}); check the data directory's permissions and free space"
    )]
    ReadOnly { path: PathBuf, detail: String },
    #[error("the local database {path}: {detail}")]
    Other { path: PathBuf, detail: String },
}

impl StoreError {
    fn from_sqlite(path: &Path, error: rusqlite::Error) -> StoreError {
        let path = path.to_path_buf();
        let detail = error.to_string();
        match error.sqlite_error_code() {
            Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => StoreError::Corrupt { path, detail },
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Locked { path, detail },
            Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied | ErrorCode::DiskFull) => {
                StoreError::ReadOnly { path, detail }
            }
            _ => StoreError::Other { path, detail },
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The schema, one entry a version; a database at version N runs entries N.. on open.
const MIGRATIONS: &[&str] = &[
    "
    CREATE TABLE catalog (
        code      TEXT PRIMARY KEY,   -- a barcode or a SKU; each product has both
        pk        TEXT NOT NULL,
        sku       TEXT NOT NULL,
        name      TEXT NOT NULL,
        price     TEXT NOT NULL,      -- decimal text, never a float
        synced_at TEXT NOT NULL
    );
",
    "
    CREATE TABLE orders (
        reference    TEXT PRIMARY KEY,  -- the local reference on the customer's slip
        state        TEXT NOT NULL,     -- waiting | sending | sent | set_aside
        payment_type TEXT NOT NULL,
        option_name  TEXT,
        choice       TEXT,              -- e.g. the pay-on-delivery payment choice
        lines        TEXT NOT NULL,     -- JSON: what was sold, at the price the customer saw
        amount       TEXT NOT NULL,     -- decimal text
        contact      TEXT,
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL,
        attempts     INTEGER NOT NULL DEFAULT 0,
        order_number TEXT,              -- the server's, once sent
        reason       TEXT               -- why it is set aside, or the last failure
    );
    CREATE INDEX orders_by_state ON orders (state, created_at);
    CREATE TABLE journal (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        reference TEXT NOT NULL REFERENCES orders (reference),
        at        TEXT NOT NULL,
        step      TEXT NOT NULL,
        detail    TEXT
    );
",
    "
    CREATE TABLE remembered (
        key      TEXT PRIMARY KEY,    -- e.g. the payment options last offered
        value    TEXT NOT NULL,       -- JSON
        saved_at TEXT NOT NULL
    );
",
    "
    CREATE TABLE print_jobs (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        kind       TEXT NOT NULL,     -- receipt | reprint | test
        reference  TEXT NOT NULL,     -- the order number, or the offline reference
        bytes      BLOB NOT NULL,     -- ESC/POS, exactly what goes to the port
        created_at TEXT NOT NULL,
        attempts   INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        printed_at TEXT               -- NULL while the job waits
    );
    CREATE INDEX print_jobs_waiting ON print_jobs (printed_at, id);
",
    "
    ALTER TABLE orders ADD COLUMN why TEXT;  -- JSON: the facts of a set-aside reason
",
    "
    ALTER TABLE catalog ADD COLUMN sold_out INTEGER NOT NULL DEFAULT 0;  -- at the last sync
",
    "
    ALTER TABLE orders ADD COLUMN customer TEXT;  -- the server's pk of the customer sold for
",
    "
    ALTER TABLE orders ADD COLUMN doubt_since TEXT;  -- since when the server's word on it is owed
    ALTER TABLE orders ADD COLUMN failed_lookups INTEGER NOT NULL DEFAULT 0;  -- lookups failed since
",
    "
    ALTER TABLE catalog ADD COLUMN picture TEXT;  -- the address of its first picture
",
    "
    ALTER TABLE catalog ADD COLUMN categories TEXT NOT NULL DEFAULT '';  -- ' 1 5 ': the pks it is filed in
    CREATE TABLE categories (
        position INTEGER PRIMARY KEY,  -- the server's menu order
        pk TEXT NOT NULL,
        name TEXT NOT NULL,
        picture TEXT
    );
",
    "
    ALTER TABLE catalog ADD COLUMN variant_of TEXT;  -- the pk of the product it is a size or colour of
    ALTER TABLE catalog ADD COLUMN label TEXT;       -- what tells it apart: '42'
",
    "
    CREATE TABLE sales (                  -- each sale completed online, noted at its thank-you
        number       TEXT PRIMARY KEY,    -- the server's order number
        placed_at    TEXT NOT NULL,       -- RFC 3339, UTC
        amount       TEXT NOT NULL,
        payment_type TEXT NOT NULL,
        option       TEXT NOT NULL,
        customer     TEXT NOT NULL,       -- whose account; '' for the kiosk's own
        gift_cards   TEXT NOT NULL DEFAULT '0'  -- what gift cards paid besides `amount`
    );
    CREATE INDEX sales_placed_at ON sales (placed_at);
    CREATE TABLE day_closes (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        closed_at     TEXT NOT NULL,
        since         TEXT,               -- the close before, or NULL for the first
        expected_cash TEXT NOT NULL,
        counted       TEXT NOT NULL,
        difference    TEXT NOT NULL,      -- counted less expected
        report        TEXT NOT NULL       -- the report shown, as JSON
    );
",
    "
    CREATE TABLE refunds (                -- each refund made at this kiosk, for the day's close
        number       TEXT PRIMARY KEY,    -- the server's refund number
        order_number TEXT NOT NULL,
        made_at      TEXT NOT NULL,       -- RFC 3339, UTC
        amount       TEXT NOT NULL,
        refund_type  TEXT NOT NULL        -- cash, card, loyalty_money, store_credit, ...
    );
    CREATE INDEX refunds_made_at ON refunds (made_at);
    CREATE TABLE return_notes (           -- orders to return, noted while the server was away
        number   TEXT PRIMARY KEY,
        noted_at TEXT NOT NULL
    );
",
];

/// An open database.
pub struct Store {
    connection: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (or creates) the database in `data_dir`.
    pub fn open(data_dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(data_dir).map_err(|e| StoreError::ReadOnly {
            path: data_dir.to_path_buf(),
            detail: format!("cannot create the data directory: {e}"),
        })?;
        Store::open_file(&data_dir.join(FILE_NAME), Duration::from_secs(2))
    }

    /// Opens a database file; waits up to `busy` for another writer to finish.
    pub fn open_file(path: &Path, busy: Duration) -> Result<Store> {
        let fail = |e| StoreError::from_sqlite(path, e);
        let connection = Connection::open(path).map_err(fail)?;
        connection.busy_timeout(busy).map_err(fail)?;
        // Switching a new file to WAL takes a lock SQLite's busy handler does not wait
        // for; when two connections open a new file together, one must try again.
        let waited = std::time::Instant::now();
        let mode: String = loop {
            match connection.query_row("PRAGMA journal_mode=WAL", [], |row| row.get(0)) {
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::DatabaseBusy && waited.elapsed() < busy =>
                {
                    std::thread::sleep(Duration::from_millis(5));
                }
                other => break other.map_err(fail)?,
            }
        };
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::ReadOnly {
                path: path.to_path_buf(),
                detail: format!("journal mode is {mode}, not WAL"),
            });
        }
        connection.pragma_update(None, "synchronous", "FULL").map_err(fail)?;
        connection.pragma_update(None, "foreign_keys", "ON").map_err(fail)?;
        let mut store = Store {
            connection,
            path: path.to_path_buf(),
        };
        store.migrate()?;
        Ok(store)
    }

    fn migrate(&mut self) -> Result<()> {
        let path = self.path.clone();
        let fail = |e| StoreError::from_sqlite(&path, e);
        let version: i64 = self
            .connection
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(fail)?;
        let version = version.max(0) as usize;
        if version > MIGRATIONS.len() {
            return Err(StoreError::Other {
                path: self.path.clone(),
                detail: format!("it was written by a newer kiosk (schema {version}); update this kiosk"),
            });
        }
        for (index, sql) in MIGRATIONS.iter().enumerate().skip(version) {
            // Another connection (the printer thread, a second process) may be migrating
            // the same new file: take the write lock first, then look again.
            let tx = self
                .connection
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .map_err(fail)?;
            let now: i64 = tx
                .query_row("PRAGMA user_version", [], |row| row.get(0))
                .map_err(fail)?;
            if now as usize > index {
                continue;
            }
            tx.execute_batch(sql).map_err(fail)?;
            tx.pragma_update(None, "user_version", (index + 1) as i64)
                .map_err(fail)?;
            tx.commit().map_err(fail)?;
        }
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `work` in one transaction; nothing of it is kept unless it all succeeds. The
    /// transaction holds the write lock from its start, so what `work` reads stays true
    /// until it commits, whichever process writes the same file.
    pub fn write<T>(&mut self, work: impl FnOnce(&rusqlite::Transaction) -> rusqlite::Result<T>) -> Result<T> {
        let path = self.path.clone();
        let fail = |e| StoreError::from_sqlite(&path, e);
        let tx = self
            .connection
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(fail)?;
        let value = work(&tx).map_err(fail)?;
        tx.commit().map_err(fail)?;
        Ok(value)
    }

    /// Runs a read.
    pub fn read<T>(&self, work: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T> {
        work(&self.connection).map_err(|e| StoreError::from_sqlite(&self.path, e))
    }
}
