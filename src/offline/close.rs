//! The day's close (the Z report): what the kiosk sold since the last close, by payment
//! type, and what came back; the orders still waiting in the queue, apart (they are not
//! sales until the server has them); the cash expected in the till; and each close kept
//! with the cash the clerk counted and the difference.
//!
//! The sales are the server's orders of the kiosk's account since the last close, and
//! the sales the kiosk made for customers, which the server keeps on the customers'
//! accounts: each is noted here at its thank-you screen (`note_sale`), and the server's
//! record wins where both have an order. The cash expected is what was paid at the
//! store's cash register: the till the clerk counts.
//!
//! Not here: the screen (`ui/controller/staff.rs`), the slip's bytes
//! (`devices/slip.rs`), the `report` command (`cli/report.rs`).

use super::queue::{QueuedOrder, State};
use super::returns::{refunds_since, RefundNote};
use super::store::{Result as StoreResult, Store};
use crate::commerce::money::wire;
use crate::commerce::records::OrderRecord;
use crate::commerce::{CommerceClient, CommerceError, Money};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

/// The payment types whose money goes into the store's till.
pub const TILL_TYPES: &[&str] = &["cash_register"];

/// The payment type a gift card's part of an order is counted under.
pub const GIFT_CARD: &str = "gift_card";

/// The refund type of cash handed back from the till.
pub const CASH_REFUND: &str = "cash";

/// Order states that mean the money went back (counted whole where the server lists no
/// refunds of its own).
const RETURNED: &[&str] = &["cancelled", "canceled", "refunded", "returned"];

/// The most pages of the account's orders a report reads.
const MOST_PAGES: usize = 100;

/// A sale the kiosk completed, as noted at its thank-you screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaleNote {
    pub number: String,
    /// RFC 3339, UTC.
    pub placed_at: String,
    pub amount: Money,
    pub payment_type: String,
    /// The payment option's name as the server gave it.
    pub option: String,
    /// Whose sale it was; empty for the kiosk's own account.
    pub customer: String,
    /// What gift cards paid besides `amount` (which the payment option took).
    #[serde(default)]
    pub gift_cards: Money,
}

/// Sales or returns of one payment type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentTotal {
    pub payment_type: String,
    /// The kiosk's own name for the type in the report's language, else the server's.
    pub name: String,
    pub count: u32,
    pub amount: Money,
}

/// An order in the queue, not yet the server's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaitingOrder {
    pub reference: String,
    pub amount: Money,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayReport {
    /// The last close's time (RFC 3339), or `None` for everything so far.
    pub since: Option<String>,
    pub until: String,
    pub sales: Vec<PaymentTotal>,
    pub returns: Vec<PaymentTotal>,
    pub sold: Money,
    pub returned: Money,
    pub waiting: Vec<WaitingOrder>,
    pub expected_cash: Money,
}

/// A close as kept: the report, the cash counted and the difference (counted less
/// expected: negative is short).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayClose {
    pub id: i64,
    pub closed_at: String,
    pub counted: Money,
    pub difference: Money,
    pub report: DayReport,
}

impl DayReport {
    /// The report as lines of text (English, for support): the period, sales and
    /// returns by payment type, the waiting orders and the cash expected.
    pub fn text(&self) -> String {
        let mut out = format!(
            "Day's close report\nfrom  {}\nto    {}\n",
            self.since.as_deref().unwrap_or("the first sale"),
            self.until
        );
        for (title, totals, sum) in [("Sales", &self.sales, self.sold), ("Returns", &self.returns, self.returned)] {
            out.push_str(&format!("\n{title}\n"));
            if totals.is_empty() {
                out.push_str("  none\n");
            }
            for t in totals {
                out.push_str(&format!("  {:<28} {:>4}  {:>12}\n", t.name, t.count, wire(t.amount)));
            }
            out.push_str(&format!("  {:<28} {:>4}  {:>12}\n", "total", "", wire(sum)));
        }
        out.push_str(&format!("\nWaiting in the queue, not in these figures: {}\n", self.waiting.len()));
        for w in &self.waiting {
            out.push_str(&format!("  {:<34} {:>12}\n", w.reference, wire(w.amount)));
        }
        out.push_str(&format!("\nCash expected in the till: {}\n", wire(self.expected_cash)));
        out
    }
}

fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text).ok().map(|t| t.with_timezone(&Utc))
}

/// Notes a completed sale (again: the same number replaces its note).
pub fn note_sale(store: &mut Store, sale: &SaleNote) -> StoreResult<()> {
    store.write(|tx| {
        tx.execute(
            "INSERT OR REPLACE INTO sales (number, placed_at, amount, payment_type, option, customer, gift_cards)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                sale.number,
                sale.placed_at,
                sale.amount.to_string(),
                sale.payment_type,
                sale.option,
                sale.customer,
                sale.gift_cards.to_string()
            ],
        )?;
        Ok(())
    })
}

/// The sales noted since `since` (all of them without it), oldest first.
pub fn sales_since(store: &Store, since: Option<&str>) -> StoreResult<Vec<SaleNote>> {
    store.read(|conn| {
        let mut statement = conn.prepare(
            "SELECT number, placed_at, amount, payment_type, option, customer, gift_cards FROM sales
             WHERE ?1 IS NULL OR placed_at > ?1 ORDER BY placed_at",
        )?;
        let rows = statement.query_map(params![since], |row| {
            let amount: String = row.get(2)?;
            Ok(SaleNote {
                number: row.get(0)?,
                placed_at: row.get(1)?,
                amount: amount.parse().unwrap_or_default(),
                payment_type: row.get(3)?,
                option: row.get(4)?,
                customer: row.get(5)?,
                gift_cards: row.get::<_, String>(6)?.parse().unwrap_or_default(),
            })
        })?;
        rows.collect()
    })
}

/// The last close, if there was one.
pub fn last_close(store: &Store) -> StoreResult<Option<DayClose>> {
    let row = store.read(|conn| {
        conn.query_row(
            "SELECT id, closed_at, counted, difference, report FROM day_closes ORDER BY id DESC LIMIT 1",
            [],
            |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, String>(4)?,
                ))
            },
        )
        .optional()
    })?;
    Ok(row.and_then(|(id, closed_at, counted, difference, report)| {
        Some(DayClose {
            id,
            closed_at,
            counted: counted.parse().ok()?,
            difference: difference.parse().ok()?,
            report: serde_json::from_str(&report).ok()?,
        })
    }))
}

/// Keeps a close: the report as it was shown, the cash counted and the difference.
pub fn record(store: &mut Store, report: &DayReport, counted: Money) -> StoreResult<DayClose> {
    let difference = counted - report.expected_cash;
    let json = serde_json::to_string(report).unwrap_or_default();
    let closed_at = report.until.clone();
    let id = store.write(|tx| {
        tx.execute(
            "INSERT INTO day_closes (closed_at, since, expected_cash, counted, difference, report)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                closed_at,
                report.since,
                report.expected_cash.to_string(),
                counted.to_string(),
                difference.to_string(),
                json
            ],
        )?;
        Ok(tx.last_insert_rowid())
    })?;
    Ok(DayClose {
        id,
        closed_at,
        counted,
        difference,
        report: report.clone(),
    })
}

/// The account's orders placed after `since` (all of them without it), newest first:
/// its order list page by page until an order older than `since`.
pub async fn server_orders_since(
    client: &CommerceClient,
    since: Option<DateTime<Utc>>,
) -> Result<Vec<OrderRecord>, CommerceError> {
    let mut found = Vec::new();
    let mut next = None;
    for _ in 0..MOST_PAGES {
        let page = client.orders_page(next.as_deref()).await?;
        let mut older = false;
        for order in page.results {
            match (since, parse_time(&order.created_date)) {
                (Some(since), Some(at)) if at <= since => older = true,
                _ => found.push(order),
            }
        }
        match page.next {
            Some(url) if !older => next = Some(url),
            _ => return Ok(found),
        }
    }
    Err(CommerceError::Malformed {
        what: "order list".into(),
        detail: format!("{MOST_PAGES} pages of orders were read without reaching the last close"),
    })
}

/// What this kiosk keeps that a report needs: from when (the last close's time when
/// `None` is asked and there was one), the sales it noted since, and its queue.
pub struct Kept {
    pub since: Option<DateTime<Utc>>,
    pub noted: Vec<SaleNote>,
    /// The refunds this kiosk made since.
    pub refunds: Vec<RefundNote>,
    pub queue: Vec<QueuedOrder>,
}

pub fn kept(store: &Store, since: Option<DateTime<Utc>>) -> Result<Kept, String> {
    let since = match since {
        Some(since) => Some(since),
        None => last_close(store)
            .map_err(|e| e.to_string())?
            .and_then(|close| parse_time(&close.closed_at)),
    };
    let shown = since.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    Ok(Kept {
        since,
        noted: sales_since(store, shown.as_deref()).map_err(|e| e.to_string())?,
        refunds: refunds_since(store, shown.as_deref()).map_err(|e| e.to_string())?,
        queue: super::queue::list(store).map_err(|e| e.to_string())?,
    })
}

/// The report of everything after `kept.since`: the server's orders, the noted sales
/// and the queue. The server must answer: a close is the server's figures, never a guess.
pub async fn report(
    client: &CommerceClient,
    kept: Kept,
    name_of: &(dyn Fn(&str, &str) -> String + Sync),
) -> Result<DayReport, String> {
    let until = crate::commerce::clock::now();
    let server = server_orders_since(client, kept.since).await.map_err(|e| e.to_string())?;
    let shown = kept.since.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    Ok(build(&server, (&kept.noted, &kept.refunds), &kept.queue, shown, until, name_of))
}

/// The report: the server's orders and the noted sales (the server's record where both
/// have a number), grouped by payment type in the order first seen and named by
/// `name_of(payment type, the server's option name)`; the returns by where the money
/// went (the server's refunds since `since` and this kiosk's, each once; an order the
/// server marks returned without listing refunds, whole, by its payment type); the
/// queue's orders still to be sent, apart.
pub fn build(
    server: &[OrderRecord],
    (noted, refunds): (&[SaleNote], &[RefundNote]),
    queue: &[QueuedOrder],
    since: Option<String>,
    until: DateTime<Utc>,
    name_of: &dyn Fn(&str, &str) -> String,
) -> DayReport {
    // (number, payment type, option, amount, returned): what gift cards paid of an
    // order counts as a gift card payment of its own, the rest as its option's.
    let mut orders: Vec<(String, String, String, Money, bool)> = Vec::new();
    for o in server.iter().rev() {
        let returned = o.refunds.is_empty() && RETURNED.contains(&o.status.to_ascii_lowercase().as_str());
        let gift: Money = o.gift_cards.iter().map(|g| g.amount).sum();
        if !gift.is_zero() {
            orders.push((o.number.clone(), GIFT_CARD.into(), String::new(), gift, returned));
        }
        if !o.amount.is_zero() || gift.is_zero() {
            orders.push((o.number.clone(), o.payment_type.clone(), o.payment_option.clone(), o.amount, returned));
        }
    }
    for note in noted {
        if orders.iter().any(|(number, ..)| *number == note.number) {
            continue;
        }
        if !note.gift_cards.is_zero() {
            orders.push((note.number.clone(), GIFT_CARD.into(), String::new(), note.gift_cards, false));
        }
        if !note.amount.is_zero() || note.gift_cards.is_zero() {
            orders.push((note.number.clone(), note.payment_type.clone(), note.option.clone(), note.amount, false));
        }
    }
    // Refunds: the server's (made since), then this kiosk's it did not list.
    let after = |at: &str| since.as_deref().is_none_or(|s| parse_time(at) > parse_time(s));
    let mut given: Vec<(String, String, Money)> = server
        .iter()
        .flat_map(|o| o.refunds.iter())
        .filter(|r| after(&r.created_date))
        .map(|r| (r.number.clone(), r.refund_type.clone(), r.amount))
        .collect();
    for refund in refunds {
        if !given.iter().any(|(number, ..)| *number == refund.number) {
            given.push((refund.number.clone(), refund.refund_type.clone(), refund.amount));
        }
    }
    for (number, refund_type, amount) in given {
        orders.push((number, refund_type, String::new(), amount, true));
    }
    let mut sales: Vec<PaymentTotal> = Vec::new();
    let mut returns: Vec<PaymentTotal> = Vec::new();
    for (_, payment_type, option, amount, returned) in orders {
        let list = if returned { &mut returns } else { &mut sales };
        match list.iter_mut().find(|t| t.payment_type == payment_type) {
            Some(total) => {
                total.count += 1;
                total.amount += amount;
            }
            None => list.push(PaymentTotal {
                name: name_of(&payment_type, &option),
                payment_type,
                count: 1,
                amount,
            }),
        }
    }
    let in_till = |totals: &[PaymentTotal]| -> Money {
        totals
            .iter()
            .filter(|t| TILL_TYPES.contains(&t.payment_type.as_str()) || t.payment_type == CASH_REFUND)
            .map(|t| t.amount)
            .sum()
    };
    let waiting = queue
        .iter()
        .filter(|o| matches!(o.state, State::Waiting | State::Sending))
        .map(|o| WaitingOrder {
            reference: o.reference.clone(),
            amount: o.amount,
            created_at: o.created_at.clone(),
        })
        .collect();
    DayReport {
        since,
        until: until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        sold: sales.iter().map(|t| t.amount).sum(),
        returned: returns.iter().map(|t| t.amount).sum(),
        expected_cash: in_till(&sales) - in_till(&returns),
        sales,
        returns,
        waiting,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(number: &str, payment_type: &str, amount: &str, status: &str) -> OrderRecord {
        OrderRecord {
            number: number.into(),
            payment_type: payment_type.into(),
            payment_option: format!("{payment_type} option"),
            amount: amount.parse().unwrap(),
            status: status.into(),
            ..Default::default()
        }
    }

    #[test]
    fn sales_are_grouped_by_payment_type_the_till_counts_the_register_and_returns_come_off() {
        let server = [
            order("3", "cash_register", "100.00", "approved"),
            order("2", "pay_on_delivery", "50.00", "approved"),
            order("1", "cash_register", "20.00", "cancelled"),
        ];
        let noted = [
            // Also on the server: counted once, as the server has it.
            SaleNote {
                number: "3".into(),
                placed_at: "2026-12-06T10:00:00Z".into(),
                amount: "999.00".parse().unwrap(),
                payment_type: "cash_register".into(),
                option: "Cash Register".into(),
                customer: String::new(),
                gift_cards: Money::ZERO,
            },
            // A customer's sale, on their account.
            SaleNote {
                number: "4".into(),
                placed_at: "2026-12-06T11:00:00Z".into(),
                amount: "30.00".parse().unwrap(),
                payment_type: "cash_register".into(),
                option: "Cash Register".into(),
                customer: "Ayşe Yılmaz".into(),
                // 70.00 of it on a gift card: the till has the 30.00.
                gift_cards: "70.00".parse().unwrap(),
            },
        ];
        let name_of = |kind: &str, _: &str| match kind {
            "cash_register" => "Paid at the register".to_string(),
            "gift_card" => "Gift card".to_string(),
            _ => "Pay on delivery".to_string(),
        };
        let report = build(&server, (&noted, &[]), &[], None, Utc::now(), &name_of);
        let by = |t: &PaymentTotal| (t.name.clone(), t.count, t.amount.to_string());
        assert_eq!(
            report.sales.iter().map(by).collect::<Vec<_>>(),
            [
                ("Pay on delivery".to_string(), 1, "50.00".to_string()),
                ("Paid at the register".to_string(), 2, "130.00".to_string()),
                ("Gift card".to_string(), 1, "70.00".to_string())
            ]
        );
        assert_eq!(report.returns.iter().map(by).collect::<Vec<_>>(), [("Paid at the register".to_string(), 1, "20.00".to_string())]);
        assert_eq!(report.sold.to_string(), "250.00");
        assert_eq!(report.expected_cash.to_string(), "110.00", "130 taken at the register, 20 given back");
    }

    #[test]
    fn refunds_count_by_where_the_money_went_each_once_and_cash_leaves_the_till() {
        let mut partly = order("5", "cash_register", "300.00", "partially_refunded");
        partly.refunds = vec![crate::commerce::records::OrderRefund {
            number: "R5-1".into(),
            amount: "100.00".parse().unwrap(),
            refund_type: "cash".into(),
            created_date: "2026-12-06T12:00:00Z".into(),
        }];
        let kiosk = [
            // The same refund as the server's: counted once.
            RefundNote {
                number: "R5-1".into(),
                order: "5".into(),
                made_at: "2026-12-06T12:00:00Z".into(),
                amount: "100.00".parse().unwrap(),
                refund_type: "cash".into(),
            },
            // An older order's refund, which the server's list since the close lacks.
            RefundNote {
                number: "R9-1".into(),
                order: "9".into(),
                made_at: "2026-12-06T13:00:00Z".into(),
                amount: "40.00".parse().unwrap(),
                refund_type: "card".into(),
            },
        ];
        let name_of = |kind: &str, _: &str| kind.to_string();
        let report = build(&[partly], (&[], &kiosk), &[], None, Utc::now(), &name_of);
        let by = |t: &PaymentTotal| (t.name.clone(), t.count, t.amount.to_string());
        assert_eq!(report.sales.iter().map(by).collect::<Vec<_>>(), [("cash_register".to_string(), 1, "300.00".to_string())]);
        assert_eq!(
            report.returns.iter().map(by).collect::<Vec<_>>(),
            [("cash".to_string(), 1, "100.00".to_string()), ("card".to_string(), 1, "40.00".to_string())]
        );
        assert_eq!(report.expected_cash.to_string(), "200.00", "300 taken, 100 handed back");
    }
}
