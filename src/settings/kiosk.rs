//! `[kiosk]`: how the kiosk runs: at a counter or self-service, the screen's layout and
//! display backend, its language, timeouts of the self-service stand, the payment types
//! customers may take there, the store goods are collected in.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// A clerk runs the sale at the counter.
    #[default]
    Clerk,
    /// Customers serve themselves; the kiosk starts at Welcome and resets when idle.
    SelfService,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// 1280×800, a clerk's counter.
    #[default]
    Landscape,
    /// 1080×1920, a self-service stand.
    Portrait,
}

impl Layout {
    pub fn size(self) -> (u32, u32) {
        match self {
            Layout::Landscape => (1280, 800),
            Layout::Portrait => (1080, 1920),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KioskSettings {
    pub mode: Mode,
    pub layout: Layout,
    pub fullscreen: bool,
    /// `tr` or `en`.
    pub language: String,
    /// Waiting for the register longer than this tells the customer to call staff.
    pub call_staff_after_seconds: u64,
    /// Self-service: seconds without a touch before "Are you still there?".
    pub idle_prompt_after_seconds: u64,
    /// Self-service: seconds the prompt waits before clearing the sale.
    pub idle_reset_after_seconds: u64,
    /// Self-service: seconds the thank-you screen stays before a new sale starts.
    pub thank_you_seconds: u64,
    /// Self-service: the payment types customers may choose, in this order; the other
    /// options stay on screen, greyed, for staff. Empty: every option.
    pub payment_types: Vec<String>,
    /// Self-service: the payment types a guest (nobody signed in with their phone) may
    /// choose; the others ask them to sign in first. By default the ones that take the
    /// money before the goods leave; never the account's own (saved cards, loyalty).
    pub guest_payment_types: Vec<String>,
    /// Seconds the kiosk waits for a payment on the customer's phone (a hand-off).
    pub handoff_wait_seconds: u64,
    /// Where the technician's Export writes (a USB stick's mount point); the data
    /// directory's `export/` when not set.
    pub export_dir: Option<String>,
    /// The store this kiosk stands in, by the server's pk or name: preselected for
    /// "collect in this store". Not set: the server's first store.
    pub store: Option<String>,
    /// How the kiosk draws: a desktop window, or straight to the screen without X11.
    pub display: Display,
    /// The program that speaks in accessible mode (`espeak-ng`, from Debian's package);
    /// empty: accessible mode stays silent.
    pub speech_command: String,
    /// The store's sales agreement, a UTF-8 text file shown when a customer taps "Read
    /// the agreement"; not set: the kiosk's general text. The server's checkout pages
    /// carry no agreement text, so the store gives its own here.
    pub sales_agreement_file: Option<String>,
}

/// How the kiosk reaches the screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Display {
    /// `SLINT_BACKEND` if set, else a window (X11).
    #[default]
    Auto,
    /// A window on an X11 desktop.
    Window,
    /// No X11: the screen through DRM/KMS (or the framebuffer), touch and keys through
    /// libinput. The kiosk's user needs the `video` and `input` groups.
    Linuxkms,
}

/// The payment types that spend what an account holds: a customer's, never a guest's.
pub const ACCOUNT_PAYMENT_TYPES: &[&str] = &["saved_card", "loyalty_money"];

/// What a self-service guest may pay with unless `kiosk.guest_payment_types` says
/// otherwise: the strategies that take the money before the goods leave. Not pay on
/// delivery, pay later or a funds transfer (the money comes after, from a person the
/// store does not know), nor the account's own.
pub const GUEST_PAYMENT_TYPES: &[&str] = &[
    "cash_register",
    "redirection",
    "credit_payment",
    "bkm_express",
    "gpay",
    "confirmation",
    "masterpass",
    "mobilexpress",
];

impl Default for KioskSettings {
    fn default() -> Self {
        KioskSettings {
            mode: Mode::Clerk,
            layout: Layout::Landscape,
            fullscreen: false,
            language: "tr".into(),
            call_staff_after_seconds: 180,
            idle_prompt_after_seconds: 90,
            idle_reset_after_seconds: 20,
            thank_you_seconds: 15,
            payment_types: Vec::new(),
            guest_payment_types: GUEST_PAYMENT_TYPES.iter().map(|t| t.to_string()).collect(),
            handoff_wait_seconds: 300,
            speech_command: "espeak-ng".into(),
            export_dir: None,
            store: None,
            display: Display::Auto,
            sales_agreement_file: None,
        }
    }
}

impl KioskSettings {
    /// The store's sales agreement, when a file gives it ("" otherwise: the screen's
    /// own text). Checked readable when the settings were read.
    pub fn sales_agreement(&self) -> String {
        self.sales_agreement_file
            .as_deref()
            .and_then(|path| std::fs::read_to_string(path).ok())
            .map(|text| text.trim().to_string())
            .unwrap_or_default()
    }

    /// The section's own rules: a language the screens speak, and times that are at
    /// least a second (the hand-off's wait within reason).
    pub(super) fn check(&self) -> Result<(), String> {
        let k = self;
        if let Some(path) = &k.sales_agreement_file {
            match std::fs::read_to_string(path) {
                Ok(text) if text.trim().is_empty() => {
                    return Err(format!("kiosk.sales_agreement_file: {path} is empty"))
                }
                Ok(_) => {}
                Err(e) => return Err(format!("kiosk.sales_agreement_file: {path}: {e}")),
            }
        }
        if !matches!(k.language.as_str(), "tr" | "en") {
            return Err(format!(
                "kiosk.language: {:?} is not offered; use \"tr\" or \"en\"",
                k.language
            ));
        }
        for (name, value) in [
            ("kiosk.call_staff_after_seconds", k.call_staff_after_seconds),
            ("kiosk.idle_prompt_after_seconds", k.idle_prompt_after_seconds),
            ("kiosk.idle_reset_after_seconds", k.idle_reset_after_seconds),
            ("kiosk.thank_you_seconds", k.thank_you_seconds),
        ] {
            if value == 0 {
                return Err(format!("{name}: must be at least 1 second"));
            }
        }
        if let Some(account) = k
            .guest_payment_types
            .iter()
            .find(|t| ACCOUNT_PAYMENT_TYPES.contains(&t.as_str()))
        {
            return Err(format!(
                "kiosk.guest_payment_types: {account} spends what a customer's account holds, and a guest has \
                 no account; remove it (signed-in customers may use it)"
            ));
        }
        if !(10..=3_600).contains(&k.handoff_wait_seconds) {
            return Err(format!(
                "kiosk.handoff_wait_seconds: {} is out of range; use 10 to 3600",
                k.handoff_wait_seconds
            ));
        }
        Ok(())
    }
}
