//! The screens of what a sale may take besides its payment option, for the screenshot
//! script (`screens.rs`): a voucher on the basket, gift cards on the payment options;
//! and a return of part of an order sold earlier in the script.

use super::Session;
use crate::ui::controller::Intent;
use crate::ui::{BasketAdapter, Screen};
use slint::{ComponentHandle, Model};

/// The voucher panel with the server's reason for an expired code, then the basket with
/// a voucher's line; the voucher comes off again for the screens after.
pub(super) fn voucher_screens(s: &Session, shot: &mut impl FnMut(&str) -> anyhow::Result<()>) -> anyhow::Result<()> {
    let basket = s.window.global::<BasketAdapter>();
    basket.set_voucher_open(true);
    s.handle.send(Intent::VoucherPanel(true));
    basket.set_voucher_entry("YILBASI25".into());
    s.handle.send(Intent::ApplyVoucher("YILBASI25".into()));
    s.wait("the expired voucher's reason", |w| {
        w.global::<BasketAdapter>().get_voucher_problem() == crate::ui::VoucherProblem::Refused
    })?;
    shot("voucher")?;
    s.handle.send(Intent::ApplyVoucher("BAHAR10".into()));
    s.wait("the voucher on the basket", |w| {
        w.global::<BasketAdapter>().get_has_voucher() && !w.global::<BasketAdapter>().get_voucher_open()
    })?;
    shot("basket-voucher")?;
    s.handle.send(Intent::RemoveVoucher);
    s.wait("the voucher off", |w| !w.global::<BasketAdapter>().get_has_voucher())?;
    Ok(())
}

/// A gift card from the payment options: its number, its code, the options with what
/// it pays; then taken off again for the screens after.
pub(super) fn gift_card_screens(s: &Session, shot: &mut impl FnMut(&str) -> anyhow::Result<()>) -> anyhow::Result<()> {
    s.send_and_wait(Intent::GiftCard, Screen::NumberEntry)?;
    let card = "6000100020003000";
    s.window.global::<crate::ui::StepAdapter>().set_digits(card.into());
    shot("gift-card")?;
    s.handle.send(Intent::Number(card.into()));
    s.wait("the card's code", |w| {
        w.global::<crate::ui::StepAdapter>().get_entry_kind() == crate::ui::EntryKind::GiftCode
    })?;
    s.window.global::<crate::ui::StepAdapter>().set_digits("55".into());
    shot("gift-card-code")?;
    s.send_and_wait(Intent::Number("5544".into()), Screen::PaymentOptions)?;
    shot("payment-options-gift-card")?;
    s.handle.send(Intent::RemoveGiftCards);
    s.wait("the cards off", |w| w.global::<crate::ui::PaymentAdapter>().get_gift_cards().row_count() == 0)?;
    Ok(())
}

/// The returns' screens: the order looked for (its number half typed), its lines with a
/// unit chosen and a reason, the refund made; then back to the sale.
pub(super) fn return_screens(
    s: &Session,
    shot: &mut impl FnMut(&str) -> anyhow::Result<()>,
    number: &str,
) -> anyhow::Result<()> {
    use crate::ui::controller::ReturnPick;
    use crate::ui::{ReturnAdapter, ReturnStage};
    s.send_and_wait(Intent::Returns, Screen::Returns)?;
    let returns = s.window.global::<ReturnAdapter>();
    returns.set_typed(number.chars().take(7).collect::<String>().into());
    shot("return-find")?;
    s.handle.send(Intent::FindOrder(number.into()));
    s.wait("the order's lines", |w| w.global::<ReturnAdapter>().get_stage() == ReturnStage::Lines)?;
    s.handle.send(Intent::ReturnPick(ReturnPick::Units { line: 0, delta: 1 }));
    s.handle.send(Intent::ReturnPick(ReturnPick::Reason(0)));
    s.wait("a unit and a reason", |w| {
        let returns = w.global::<ReturnAdapter>();
        returns.get_picked_any() && returns.get_reason() == 0
    })?;
    shot("return-lines")?;
    s.window.global::<crate::ui::KioskAdapter>().set_busy(true);
    s.handle.send(Intent::MakeReturn {
        cancel_whole: false,
        cash_confirmed: false,
    });
    s.wait("the refund", |w| w.global::<ReturnAdapter>().get_stage() == ReturnStage::Done)?;
    shot("return-done")?;
    s.window.global::<crate::ui::KioskAdapter>().set_busy(true);
    s.handle.send(Intent::Cancel);
    s.wait("the sale again", |w| w.global::<crate::ui::KioskAdapter>().get_screen() != Screen::Returns)?;
    Ok(())
}
