//! Tap-to-next-screen time of every step of a sale, for each strategy, against the
//! built-in simulator on loopback: from the intent a tap sends to the next screen
//! applied to the real window's adapters (Slint's testing backend, so without the
//! frame's pixels). Prints the median and the worst step per strategy.
//!
//! The busy state needs no measuring: the tap sets it on the UI thread before the
//! intent leaves (`ui::dispatch`), in the same frame. Waits that belong to someone
//! else (the register's poll, the customer's phone) are not steps and are left out.
//!
//! Run: `cargo bench --bench steps` (a release build; `-- ROUNDS` for more rounds).

use instore_kiosk::settings::Settings;
use instore_kiosk::sim::{Scenario, Simulator};
use instore_kiosk::ui::controller::{self, Intent, Sink};
use instore_kiosk::ui::view::{apply, Update};
use instore_kiosk::ui::{prepare_window, MainWindow, PaymentAdapter, Screen, StepAdapter};
use slint::{ComponentHandle, Model};
use std::sync::mpsc;
use std::time::{Duration, Instant};

struct Kiosk {
    window: MainWindow,
    updates: mpsc::Receiver<Update>,
    handle: controller::ControllerHandle,
}

impl Kiosk {
    /// Sends `intent` and applies updates until `screen` is up and the answer is in;
    /// returns the time from the send to that screen applied.
    fn step(&self, intent: Intent, screen: Screen) -> Duration {
        let started = Instant::now();
        self.handle.send(intent);
        self.until(screen);
        started.elapsed()
    }

    fn until(&self, screen: Screen) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let update = self
                .updates
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .unwrap_or_else(|_| panic!("no {screen:?} within 20 s"));
            let shows = matches!(update, Update::Show(_));
            apply(&self.window, update);
            if shows && self.window.global::<instore_kiosk::ui::KioskAdapter>().get_screen() == screen {
                // The rest of the same answer (a step error, the basket) comes with it.
                while let Ok(more) = self.updates.try_recv() {
                    apply(&self.window, more);
                }
                return;
            }
        }
    }

    fn until_update(&self, done: impl Fn(&Update) -> bool) {
        loop {
            let update = self
                .updates
                .recv_timeout(Duration::from_secs(20))
                .expect("an update within 20 s");
            let finished = done(&update);
            apply(&self.window, update);
            if finished {
                return;
            }
        }
    }

    fn option(&self, name: &str) -> String {
        let options = self.window.global::<PaymentAdapter>().get_options();
        let found = options.iter().find(|o| o.name == name).map(|o| o.pk.to_string());
        found.unwrap_or_else(|| panic!("no option {name}"))
    }

    fn first_choice(&self) -> String {
        let rows = self.window.global::<StepAdapter>().get_choices();
        rows.row_data(0).map(|r| r.key.to_string()).expect("a choice")
    }
}

fn installment(k: &Kiosk) -> String {
    let plans = k
        .window
        .global::<instore_kiosk::ui::SavedCardAdapter>()
        .get_installments();
    plans.row_data(0).map(|p| p.pk.to_string()).expect("a plan")
}

/// One sale with `option`, from the basket to the last screen before someone else's
/// wait (or thank-you): the time of every tap.
fn sale(k: &Kiosk, option: &str) -> Vec<Duration> {
    let mut times = Vec::new();
    let started = Instant::now();
    k.handle.send(Intent::AddCode("8690000010059".into()));
    k.until_update(|u| matches!(u, Update::Basket { count, .. } if *count > 0));
    times.push(started.elapsed());
    times.push(k.step(Intent::Pay, Screen::PaymentOptions));
    let chosen = Intent::ChooseOption(k.option(option));
    match option {
        "Cash Register" => times.push(k.step(chosen, Screen::CashRegisterBarcode)),
        "Cash Register (installments)" => {
            times.push(k.step(chosen, Screen::CashRegisterInstallments));
            let banks = k.window.global::<instore_kiosk::ui::CashRegisterAdapter>().get_banks();
            let plan = banks
                .row_data(0)
                .and_then(|b| b.installments.row_data(1))
                .expect("a plan");
            let intent = Intent::CashRegisterInstallment(plan.pk.to_string());
            times.push(k.step(intent, Screen::CashRegisterBarcode));
        }
        "Pay on Delivery" => {
            times.push(k.step(chosen, Screen::PayOnDelivery));
            let pay = Intent::PayOnDelivery {
                choice: "cash".into(),
                agreed: true,
            };
            times.push(k.step(pay, Screen::ThankYou));
        }
        "Saved Card" => {
            times.push(k.step(chosen, Screen::SavedCardList));
            times.push(k.step(Intent::SavedCard("my-visa-card".into()), Screen::SavedCardInstallments));
            times.push(k.step(Intent::SavedCardInstallment(installment(k)), Screen::SavedCardConfirm));
            times.push(k.step(Intent::SavedCardConfirm { agreed: true }, Screen::ThankYou));
        }
        "Funds Transfer" => {
            times.push(k.step(chosen, Screen::ChoiceList));
            times.push(k.step(Intent::Choose(k.first_choice()), Screen::Confirm));
            times.push(k.step(Intent::Confirm { agreed: true }, Screen::ThankYou));
        }
        "Loyalty Money" | "Pay Later" => {
            times.push(k.step(chosen, Screen::Confirm));
            times.push(k.step(Intent::Confirm { agreed: true }, Screen::ThankYou));
        }
        "Redirection" => {
            times.push(k.step(chosen, Screen::Confirm));
            times.push(k.step(Intent::Confirm { agreed: true }, Screen::Handoff));
        }
        "Shopping Credit" => {
            times.push(k.step(chosen, Screen::ChoiceList));
            times.push(k.step(Intent::Choose(k.first_choice()), Screen::Confirm));
            times.push(k.step(Intent::Confirm { agreed: true }, Screen::Handoff));
        }
        "Garanti Pay" => times.push(k.step(chosen, Screen::Handoff)),
        "BKM Express" | "Masterpass" => {
            times.push(k.step(chosen, Screen::NumberEntry));
            times.push(k.step(Intent::Number("435508".into()), Screen::SavedCardInstallments));
            times.push(k.step(Intent::SavedCardInstallment(installment(k)), Screen::Handoff));
        }
        "Paycell" | "Paycell (with agreement)" => {
            times.push(k.step(chosen, Screen::Confirm));
            if option != "Paycell" {
                times.push(k.step(Intent::Confirm { agreed: true }, Screen::Confirm));
            }
            times.push(k.step(Intent::Confirm { agreed: true }, Screen::NumberEntry));
            times.push(k.step(Intent::Number("5544".into()), Screen::ThankYou));
        }
        "MobilExpress" | "MobilExpress (phone verification)" => {
            if option == "MobilExpress" {
                times.push(k.step(chosen, Screen::ChoiceList));
            } else {
                times.push(k.step(chosen, Screen::NumberEntry));
                times.push(k.step(Intent::Number("5321234567".into()), Screen::NumberEntry));
                times.push(k.step(Intent::Number("5544".into()), Screen::ChoiceList));
            }
            times.push(k.step(Intent::Choose(k.first_choice()), Screen::SavedCardInstallments));
            times.push(k.step(Intent::SavedCardInstallment(installment(k)), Screen::Confirm));
            times.push(k.step(Intent::Confirm { agreed: true }, Screen::ThankYou));
        }
        other => panic!("no script for {other}"),
    }
    times.push(k.step(Intent::NewSale, Screen::Basket));
    times
}

fn main() {
    let rounds: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(5);
    i_slint_backend_testing::init_no_event_loop();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let scenario = Scenario {
        cash_register_auto_pay_after_polls: None,
        ..Scenario::default()
    };
    let sim = runtime
        .block_on(Simulator::start(scenario.clone(), "127.0.0.1:0".parse().unwrap()))
        .unwrap();
    let mut settings = Settings::default();
    settings.kiosk.language = "en".into();
    settings.commerce.url = Some(sim.url());
    settings.commerce.email = Some(scenario.demo_email.clone());
    settings.commerce.password = Some(scenario.demo_password.clone());
    let window = MainWindow::new().unwrap();
    prepare_window(&window, &settings);
    let (tx, updates) = mpsc::channel();
    let sink: Sink = std::sync::Arc::new(move |update| {
        let _ = tx.send(update);
    });
    let mut config = instore_kiosk::ui::controller_config(&settings, None);
    config.tick_every = Duration::from_secs(3600);
    let handle = {
        let _guard = runtime.enter();
        controller::spawn(config, sink)
    };
    let k = Kiosk {
        window,
        updates,
        handle,
    };
    k.until(Screen::Basket);

    println!("tap to next screen, {rounds} sales per strategy against the simulator on loopback");
    let mut all = Vec::new();
    for option in scenario.options.iter().map(|o| o.name.clone()) {
        let mut times = Vec::new();
        for _ in 0..rounds {
            // Leave whatever screen the last sale ended on.
            k.step(Intent::Cancel, Screen::Basket);
            k.step(Intent::NewSale, Screen::Basket);
            times.extend(sale(&k, &option));
        }
        times.sort();
        let median = times[times.len() / 2];
        let worst = *times.last().unwrap();
        println!(
            "{option:<36} {:>3} steps  median {:>6.1} ms  worst {:>6.1} ms",
            times.len(),
            median.as_secs_f64() * 1e3,
            worst.as_secs_f64() * 1e3
        );
        all.extend(times);
    }
    all.sort();
    println!(
        "{:<36} {:>3} steps  median {:>6.1} ms  worst {:>6.1} ms",
        "all strategies",
        all.len(),
        all[all.len() / 2].as_secs_f64() * 1e3,
        all.last().unwrap().as_secs_f64() * 1e3
    );
}
