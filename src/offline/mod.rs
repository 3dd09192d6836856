//! What the kiosk keeps on its own disk, in one SQLite file under the data directory:
//! a copy of the catalog (so scanning and pricing work while the server is away), the
//! checkout facts last seen (payment options, pay-on-delivery choices and fees), and the
//! orders waiting to be sent with their journal, the sales and refunds noted, the returns noted for later and the day's closes; and `lock.rs`, which lets one process
//! at a time drive the account's basket on the server.
//!
//! Not here: talking to the server (`crate::commerce`) or screens.

pub mod catalog;
pub mod close;
pub mod limits;
pub mod lock;
pub mod queue;
pub mod remembered;
pub mod replay;
pub mod returns;
pub mod store;

pub use store::{Store, StoreError};
