//! The on-screen keyboard's latency: from a key's tap (the key calling
//! `KeyboardAdapter.key`, as its touch does) to the frame that shows the character in
//! the field, drawn by the software renderer a device without a GPU uses. Prints the
//! median, the 99th percentile and the worst over many keys, beside one frame at 60 Hz
//! (16.7 ms) and the time of a frame alone.
//!
//! `cargo bench --bench keys` (release build). KEYS sets how many (default 400).

use instore_kiosk::settings::{Layout, Settings};
use instore_kiosk::ui::view::{apply, Update, View};
use instore_kiosk::ui::{CustomerAdapter, KeyboardAdapter, MainWindow};
use slint::platform::software_renderer::{MinimalSoftwareWindow, PremultipliedRgbaColor, RepaintBufferType};
use slint::ComponentHandle;
use std::rc::Rc;
use std::time::{Duration, Instant};

struct Offscreen(Rc<MinimalSoftwareWindow>);

impl slint::platform::Platform for Offscreen {
    fn create_window_adapter(&self) -> Result<Rc<dyn slint::platform::WindowAdapter>, slint::PlatformError> {
        Ok(self.0.clone())
    }
}

fn main() {
    let keys: usize = std::env::var("KEYS").ok().and_then(|s| s.parse().ok()).unwrap_or(400);
    let surface = MinimalSoftwareWindow::new(RepaintBufferType::ReusedBuffer);
    slint::platform::set_platform(Box::new(Offscreen(surface.clone()))).unwrap();
    for layout in [Layout::Landscape, Layout::Portrait] {
        let (width, height) = layout.size();
        let window = MainWindow::new().unwrap();
        let mut settings = Settings::default();
        settings.kiosk.layout = layout;
        settings.kiosk.language = "en".into();
        instore_kiosk::ui::prepare_window(&window, &settings);
        instore_kiosk::ui::keyboard::wire(&window);
        window.show().unwrap();
        surface.set_size(slint::PhysicalSize::new(width, height));
        let mut pixels = vec![PremultipliedRgbaColor::default(); (width * height) as usize];
        let mut frame = || {
            slint::platform::update_timers_and_animations();
            surface.request_redraw();
            surface.draw_if_needed(|renderer| {
                renderer.render(&mut pixels, width as usize);
            });
        };
        // The customer search opens on its field, the keyboard sliding up.
        apply(
            &window,
            Update::Show(View::CustomerSearch {
                results: Vec::new(),
                searched: false,
            }),
        );
        let settle = Instant::now();
        while settle.elapsed() < Duration::from_millis(400) {
            frame();
        }
        assert!(window.global::<KeyboardAdapter>().get_up(), "the keyboard is up");
        let mut taps = Vec::with_capacity(keys);
        let mut frames = Vec::with_capacity(keys);
        for i in 0..keys {
            if i % 30 == 0 {
                window.global::<CustomerAdapter>().set_search(Default::default());
                frame();
            }
            let typed = window.global::<CustomerAdapter>().get_search().chars().count();
            let started = Instant::now();
            window.global::<KeyboardAdapter>().invoke_key("a".into());
            frame();
            taps.push(started.elapsed());
            assert_eq!(
                window.global::<CustomerAdapter>().get_search().chars().count(),
                typed + 1,
                "the key typed into the field"
            );
            let started = Instant::now();
            frame();
            frames.push(started.elapsed());
        }
        window.hide().unwrap();
        let ms = |mut v: Vec<Duration>, q: f64| {
            v.sort();
            v[((v.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1000.0
        };
        println!(
            "{width}x{height}: key tap to the character drawn, {keys} keys: median {:.2} ms, p99 {:.2} ms, worst {:.2} ms \
             (one frame at 60 Hz: 16.7 ms; the next frame, redrawn whole: median {:.2} ms)",
            ms(taps.clone(), 0.5),
            ms(taps.clone(), 0.99),
            ms(taps, 1.0),
            ms(frames, 0.5)
        );
    }
    println!(
        "machine: {} cores, {}",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        std::env::consts::ARCH
    );
}
