//! The commerce simulator: a real HTTP server on loopback that answers login, catalog,
//! basket, the steps before payment and every page of every strategy of the reference.
//!
//! It lets a newcomer run the kiosk with one command (demo mode) and lets tests exercise
//! the real client over real HTTP. Its rules live in `world/`, its HTTP in
//! `server/`, what it offers and how it misbehaves in `scenario.rs`.

pub mod catalog;
pub mod logo;
pub mod picture;
pub mod scenario;
pub mod server;
pub mod world;

pub use scenario::{Faults, OptionSpec, Scenario, SlowSearch};

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::sync::watch;

/// A running simulator. Dropping it stops it.
pub struct Simulator {
    addr: SocketAddr,
    shared: server::Shared,
    shutdown: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Simulator {
    /// Starts serving on `listen` (port 0 picks a free port). Must run inside tokio.
    pub async fn start(scenario: Scenario, listen: SocketAddr) -> std::io::Result<Simulator> {
        scenario
            .validate()
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        let (listener, addr) = server::bind(listen).await?;
        let mut world = world::World::new(scenario);
        world.base_url = format!("http://{addr}");
        let shared = server::Shared(Arc::new(Mutex::new(world)));
        let (shutdown, receiver) = watch::channel(false);
        let task = tokio::spawn(server::serve(listener, server::router(shared.clone()), receiver));
        tracing::info!(%addr, "commerce simulator listening");
        Ok(Simulator {
            addr,
            shared,
            shutdown,
            task: Some(task),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL to give the client, `http://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Direct access to the state, for the demo's cashier control.
    pub fn world(&self) -> std::sync::MutexGuard<'_, world::World> {
        self.shared.lock()
    }

    /// Stops accepting and closes every connection; waits until done.
    pub async fn stop(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Serves until the process is interrupted (the `sim` command).
    pub async fn run_until_ctrl_c(self) {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("simulator stopping");
        self.stop().await;
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}
