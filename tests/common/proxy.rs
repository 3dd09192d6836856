//! A plain TCP proxy on loopback, as a load balancer or an ingress in front of the
//! commerce server: bytes pass untouched (the Host header names the proxy, as the
//! kiosk dialled it). Switches make it lose answers after the server processed the
//! request (the connection is cut as the answer starts), or stop it so that the line
//! is down, and start it again on the same port.
//!
//! Threads, not tokio: it works the same under any test's runtime, or none.
#![allow(dead_code)]

use rand::{Rng, SeedableRng};
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

struct Switches {
    /// Share (0..1) of answers cut as they start.
    lose_rate: Mutex<f64>,
    rng: Mutex<rand::rngs::StdRng>,
    lost: AtomicU32,
    forwarded: AtomicU32,
    /// Set to stop the listener and cut every connection.
    stopped: AtomicBool,
    /// Set: requests are taken and never passed on or answered (a hung server).
    hanging: AtomicBool,
}

pub struct Proxy {
    addr: SocketAddr,
    upstream: SocketAddr,
    switches: Arc<Switches>,
    listener: Option<std::thread::JoinHandle<()>>,
}

impl Proxy {
    /// A proxy on a free loopback port in front of `upstream`.
    pub fn start(upstream: SocketAddr, seed: u64) -> Proxy {
        let switches = Arc::new(Switches {
            lose_rate: Mutex::new(0.0),
            rng: Mutex::new(rand::rngs::StdRng::seed_from_u64(seed)),
            lost: AtomicU32::new(0),
            forwarded: AtomicU32::new(0),
            stopped: AtomicBool::new(false),
            hanging: AtomicBool::new(false),
        });
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port for the proxy");
        let addr = listener.local_addr().unwrap();
        let mut proxy = Proxy {
            addr,
            upstream,
            switches,
            listener: None,
        };
        proxy.listen(listener);
        proxy
    }

    fn listen(&mut self, listener: TcpListener) {
        listener.set_nonblocking(true).unwrap();
        let (switches, upstream) = (self.switches.clone(), self.upstream);
        self.listener = Some(std::thread::spawn(move || loop {
            if switches.stopped.load(Ordering::SeqCst) {
                return;
            }
            match listener.accept() {
                Ok((client, _)) => {
                    let switches = switches.clone();
                    std::thread::spawn(move || relay(client, upstream, switches));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        }));
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The address the kiosk is given: `http://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Cut this share (0..1) of answers as they start: the server has done the work.
    pub fn lose_answers(&self, rate: f64) {
        *self.switches.lose_rate.lock().unwrap() = rate;
    }

    /// From now on, requests are taken and never answered: connections are accepted
    /// and stay open, as a hung server or a proxy waiting on one does.
    pub fn hang(&self, hanging: bool) {
        self.switches.hanging.store(hanging, Ordering::SeqCst);
    }

    /// Answers cut so far.
    pub fn answers_lost(&self) -> u32 {
        self.switches.lost.load(Ordering::SeqCst)
    }

    /// Answers passed on whole so far (each started).
    pub fn answers_forwarded(&self) -> u32 {
        self.switches.forwarded.load(Ordering::SeqCst)
    }

    /// The line goes down: the port refuses, open connections are cut.
    pub fn stop(&mut self) {
        self.switches.stopped.store(true, Ordering::SeqCst);
        if let Some(listener) = self.listener.take() {
            let _ = listener.join();
        }
    }

    /// The line comes back, on the same port.
    pub fn resume(&mut self) {
        self.stop();
        self.switches.stopped.store(false, Ordering::SeqCst);
        let listener = loop {
            match TcpListener::bind(self.addr) {
                Ok(listener) => break listener,
                Err(_) => std::thread::sleep(Duration::from_millis(20)),
            }
        };
        self.listen(listener);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Copies both ways; at the start of each answer (the first bytes after a request went
/// up), the dice may cut the connection.
fn relay(client: TcpStream, upstream: SocketAddr, switches: Arc<Switches>) {
    let Ok(server) = TcpStream::connect(upstream) else {
        return;
    };
    let asked = Arc::new(AtomicBool::new(false));
    let (mut from_client, mut to_server) = (client.try_clone().unwrap(), server.try_clone().unwrap());
    let (up_asked, up_switches) = (asked.clone(), switches.clone());
    let up = std::thread::spawn(move || {
        let mut buffer = [0u8; 16 * 1024];
        from_client.set_read_timeout(Some(Duration::from_millis(50))).ok();
        loop {
            if up_switches.stopped.load(Ordering::SeqCst) {
                break;
            }
            match from_client.read(&mut buffer) {
                Ok(0) => break,
                Ok(_) if up_switches.hanging.load(Ordering::SeqCst) => {}
                Ok(n) => {
                    up_asked.store(true, Ordering::SeqCst);
                    if to_server.write_all(&buffer[..n]).is_err() {
                        break;
                    }
                }
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
                Err(_) => break,
            }
        }
        let _ = to_server.shutdown(Shutdown::Write);
    });
    let (mut from_server, mut to_client) = (server.try_clone().unwrap(), client.try_clone().unwrap());
    from_server.set_read_timeout(Some(Duration::from_millis(50))).ok();
    let mut buffer = [0u8; 16 * 1024];
    loop {
        if switches.stopped.load(Ordering::SeqCst) {
            break;
        }
        match from_server.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => {
                if asked.swap(false, Ordering::SeqCst) {
                    let rate = *switches.lose_rate.lock().unwrap();
                    let lose = rate > 0.0 && switches.rng.lock().unwrap().random::<f64>() < rate;
                    if lose {
                        switches.lost.fetch_add(1, Ordering::SeqCst);
                        break;
                    }
                    switches.forwarded.fetch_add(1, Ordering::SeqCst);
                }
                if to_client.write_all(&buffer[..n]).is_err() {
                    break;
                }
            }
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            Err(_) => break,
        }
    }
    let _ = client.shutdown(Shutdown::Both);
    let _ = server.shutdown(Shutdown::Both);
    let _ = up.join();
}
