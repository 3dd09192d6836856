//! What the kiosk writes to its log while a customer types a phone number and a code
//! sent by SMS: every line at the most verbose level, captured from the real
//! controller selling against the simulator over real HTTP. The digits never appear.

mod common;

use common::*;
use instore_kiosk::sim::Scenario;
use instore_kiosk::ui::controller::{self, Intent, Sink};
use instore_kiosk::ui::view::{Update, View};
use std::io::Write;
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

/// A log that keeps every line written to it.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const PHONE: &str = "5387654321";

#[test]
fn a_phone_number_and_a_code_never_reach_the_logs() {
    let log = Captured::default();
    let writer = log.clone();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("trace"))
        .with_writer(move || writer.clone())
        .init();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let scenario = Scenario {
        otp: "918273".into(),
        ..Scenario::default()
    };
    let sim = runtime.block_on(start_sim(scenario));
    let mut settings = instore_kiosk::settings::Settings::default();
    settings.commerce.url = Some(sim.url());
    settings.commerce.email = Some(EMAIL.into());
    settings.commerce.password = Some(PASSWORD.into());
    let (tx, updates) = mpsc::channel();
    let sink: Sink = Arc::new(move |update| {
        let _ = tx.send(update);
    });
    let config = instore_kiosk::ui::controller_config(&settings, None);
    let handle = {
        let _guard = runtime.enter();
        controller::spawn(config, sink)
    };
    // Waits for a screen and returns it, as a window would show it.
    let next = |what: &str, done: &dyn Fn(&View) -> bool| -> View {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            match updates.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(Update::Show(view)) if done(&view) => return view,
                Ok(_) => {}
                Err(_) => panic!("no {what} within 20 s"),
            }
        }
    };
    next("the basket", &|v| matches!(v, View::Basket));
    handle.send(Intent::AddCode("8690000010059".into()));
    handle.send(Intent::Pay);
    let View::PaymentOptions { options, .. } = next("the options", &|v| matches!(v, View::PaymentOptions { .. }))
    else {
        unreachable!()
    };
    let option = options
        .iter()
        .find(|o| o.name == "MobilExpress (phone verification)")
        .unwrap();
    handle.send(Intent::ChooseOption(option.pk.to_string()));
    next("the phone entry", &|v| matches!(v, View::NumberEntry { .. }));
    handle.send(Intent::Number(PHONE.into()));
    next("the code entry", &|v| {
        matches!(v, View::NumberEntry { max_digits: 8, .. })
    });
    // A wrong code first: the server's refusal is logged, the code is not.
    handle.send(Intent::Number("111111".into()));
    next("the code entry again", &|v| {
        matches!(v, View::NumberEntry { tries_left: 2, .. })
    });
    handle.send(Intent::Number("918273".into()));
    next("the cards", &|v| matches!(v, View::Choices { .. }));

    let logs = String::from_utf8_lossy(&log.0.lock().unwrap()).to_string();
    assert!(
        logs.contains("MobilExpressCardFoundOtpRequiredOtp"),
        "trace logs were written"
    );
    assert!(logs.contains("a wrong code"), "the wrong code was noticed");
    assert!(!logs.contains(PHONE), "the phone number is in the logs");
    assert!(!logs.contains("918273"), "the code is in the logs");
    assert!(!logs.contains("111111"), "the wrong code is in the logs");
}
