//! `instore-kiosk screenshots`: every screen rendered offscreen with Slint's software
//! renderer, filled with the simulator's data, at both sizes and in both languages.
//!
//! It drives the real controller against the demo simulator (the same path as the
//! kiosk), applies its updates on this thread and renders after each screen settles.
//! Renders need no display. One process can hold one Slint platform, so this runs in
//! its own process (the command) or its own test binary. This file is the offscreen
//! platform, the PNG and the session that drives the controller; the script of every
//! screen is `screens.rs`.

mod extras;
mod scratch;
mod screens;

use super::controller::{ControllerHandle, Intent};
use super::view::{apply, Update};
use super::{KioskAdapter, MainWindow, PaymentAdapter, Screen};
use crate::settings::Layout;
use slint::platform::software_renderer::{MinimalSoftwareWindow, PremultipliedRgbaColor, RepaintBufferType};
use slint::{ComponentHandle, Model};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Every screen, as named in the files written.
pub const SCREENS: &[&str] = &[
    "welcome",
    "basket",
    "basket-letters-keyboard",
    "product-search-keyboard",
    "product-search",
    "categories",
    "category-products",
    "variant-choice",
    "stock-elsewhere",
    "basket-start-over",
    "basket-accessible",
    "payment-options-accessible",
    "payment-options",
    "cash-register-installments",
    "cash-register-barcode",
    "pay-on-delivery",
    "sales-agreement",
    "saved-card-list",
    "saved-card-installments",
    "saved-card-confirm",
    "thank-you",
    "funds-transfer-accounts",
    "funds-transfer-details",
    "loyalty-money",
    "pay-later",
    "credit-payment-options",
    "paycell-terms",
    "paycell-otp",
    "mobilexpress-phone",
    "mobilexpress-otp",
    "mobilexpress-cards",
    "mobilexpress-installments",
    "handoff",
    "customer-search-keyboard",
    "customer-search",
    "customer-new",
    "customer-new-keyboard",
    "delivery",
    "address-new",
    "address-new-keyboard",
    "address-city",
    "customer-basket",
    "shipping-options",
    "payment-options-shipped",
    "thank-you-receipt-qr",
    "error",
    "unconfirmed",
    "pin-pad",
    "diagnostics",
    "setup-keyboard",
    "setup",
    "orders",
    "printer-problem",
    "offline-basket",
    "offline-payment-options",
    "offline-pay-on-delivery",
    "offline-thank-you",
];

struct Offscreen {
    window: Rc<MinimalSoftwareWindow>,
}

impl slint::platform::Platform for Offscreen {
    fn create_window_adapter(&self) -> Result<Rc<dyn slint::platform::WindowAdapter>, slint::PlatformError> {
        Ok(self.window.clone())
    }
}

/// Installs the offscreen platform; call once, before any window exists.
fn offscreen() -> anyhow::Result<Rc<MinimalSoftwareWindow>> {
    let window = MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer);
    slint::platform::set_platform(Box::new(Offscreen { window: window.clone() }))
        .map_err(|e| anyhow::anyhow!("the offscreen renderer could not start: {e:?}"))?;
    Ok(window)
}

/// Renders what the window shows now into a PNG file.
fn render_png(surface: &MinimalSoftwareWindow, (width, height): (u32, u32), path: &Path) -> anyhow::Result<()> {
    surface.set_size(slint::PhysicalSize::new(width, height));
    slint::platform::update_timers_and_animations();
    // A frame first, thrown away: what changed on it (a field that took the focus, so
    // the keyboard comes up) has its change handlers run before the frame kept.
    let mut pixels = vec![PremultipliedRgbaColor::default(); (width * height) as usize];
    for _ in 0..2 {
        surface.request_redraw();
        surface.draw_if_needed(|renderer| {
            renderer.render(&mut pixels, width as usize);
        });
        slint::platform::update_timers_and_animations();
    }
    // What slides (the on-screen keyboard) is rendered where it stops.
    let settling = std::time::Instant::now();
    while surface.has_active_animations() && settling.elapsed() < Duration::from_secs(2) {
        std::thread::sleep(Duration::from_millis(20));
        slint::platform::update_timers_and_animations();
    }
    surface.request_redraw();
    surface.draw_if_needed(|renderer| {
        renderer.render(&mut pixels, width as usize);
    });
    let rgba: Vec<u8> = pixels
        .iter()
        .flat_map(|p| {
            let unmultiply = |c: u8| {
                if p.alpha == 0 {
                    0
                } else {
                    ((c as u32 * 255) / p.alpha as u32).min(255) as u8
                }
            };
            [unmultiply(p.red), unmultiply(p.green), unmultiply(p.blue), p.alpha]
        })
        .collect();
    let file = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut encoder = png::Encoder::new(file, width, height);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.write_header()?.write_image_data(&rgba)?;
    Ok(())
}

/// The controller and its updates, applied on this thread.
struct Session<'a> {
    window: &'a MainWindow,
    updates: mpsc::Receiver<Update>,
    handle: ControllerHandle,
}

impl Session<'_> {
    fn pump(&self) {
        while let Ok(update) = self.updates.try_recv() {
            apply(self.window, update);
        }
    }

    fn wait(&self, what: &str, done: impl Fn(&MainWindow) -> bool) -> anyhow::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            self.pump();
            if done(self.window) && !self.window.global::<KioskAdapter>().get_busy() {
                return Ok(());
            }
            if Instant::now() > deadline {
                anyhow::bail!("gave up waiting for {what}");
            }
            if let Ok(update) = self.updates.recv_timeout(Duration::from_millis(20)) {
                apply(self.window, update);
            }
        }
    }

    /// Applies what the controller still sends until it has been quiet a moment (after
    /// the connection, a screen it shows may arrive after the status).
    fn settle(&self) {
        while let Ok(update) = self.updates.recv_timeout(Duration::from_millis(300)) {
            apply(self.window, update);
        }
        self.pump();
    }

    fn send_and_wait(&self, intent: Intent, screen: Screen) -> anyhow::Result<()> {
        self.window.global::<KioskAdapter>().set_busy(true);
        self.handle.send(intent);
        self.wait(&format!("{screen:?}"), |w| {
            w.global::<KioskAdapter>().get_screen() == screen
        })
    }

    fn option_pk(&self, name: &str) -> anyhow::Result<String> {
        let options = self.window.global::<PaymentAdapter>().get_options();
        let found = options.iter().find(|o| o.name == name).map(|o| o.pk.to_string());
        found.ok_or_else(|| anyhow::anyhow!("the simulator does not offer {name}"))
    }
}

/// What a run of [`render_all`] wrote.
#[derive(Debug, Default)]
pub struct Rendered {
    pub files: Vec<PathBuf>,
    /// For each `cash-register-barcode` file, the number the screen showed under the bars.
    pub barcode_numbers: Vec<(PathBuf, String)>,
    /// For each `handoff` file, the address the screen showed under the QR code.
    pub handoff_urls: Vec<(PathBuf, String)>,
    /// For each thank-you file with a receipt's QR code, the order's page it is for.
    pub receipt_links: Vec<(PathBuf, String)>,
}

/// Whether the screen `name` is rendered: every one, unless `INSTORE_SCREENSHOTS_ONLY`
/// names some (comma-separated), for a quick look while working on one screen.
fn wanted(name: &str) -> bool {
    match std::env::var("INSTORE_SCREENSHOTS_ONLY") {
        Ok(only) if !only.trim().is_empty() => only.split(',').any(|n| n.trim() == name),
        _ => true,
    }
}

/// Renders every screen at both sizes in both languages into `out`.
pub fn render_all(out: &Path) -> anyhow::Result<Rendered> {
    render_all_looking(out, &mut |_, _| {})
}

/// What looks at each screen just rendered, with the file it went to (the overflow
/// test walks its elements there).
pub type Look<'a> = dyn FnMut(&MainWindow, &Path) + 'a;

/// As [`render_all`], with `look` called on each screen as it was rendered.
pub fn render_all_looking(out: &Path, look: &mut Look) -> anyhow::Result<Rendered> {
    std::fs::create_dir_all(out)?;
    let surface = offscreen()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let window = MainWindow::new()?;
    window.show()?;
    let mut rendered = Rendered::default();
    for layout in [Layout::Landscape, Layout::Portrait] {
        for language in ["en", "tr"] {
            screens::render_set(
                &surface,
                &window,
                &runtime,
                layout,
                language,
                out,
                (&mut rendered, look),
            )?;
        }
    }
    window.hide()?;
    runtime.shutdown_timeout(Duration::from_secs(1));
    Ok(rendered)
}
