//! `instore-kiosk checkout`: a whole sale from a shell, online or into the offline
//! queue, printing each step.

use super::{connect, ServerArgs};
use clap::{Args, ValueEnum};
use instore_kiosk::checkout::{run_checkout, Choices, Event, ServiceAction};
use instore_kiosk::settings::Settings;
use std::path::Path;
use std::time::Duration;

#[derive(Clone, Copy, ValueEnum)]
pub enum ServiceArg {
    Approve,
    Decline,
    Wait,
}

#[derive(Args)]
pub struct CheckoutArgs {
    #[command(flatten)]
    pub server: ServerArgs,
    /// A product's barcode or SKU; repeat for more items.
    #[arg(long = "scan", value_name = "CODE", required = true)]
    pub scans: Vec<String>,
    /// The payment_type to pay with (cash_register, pay_on_delivery, saved_card, ...).
    #[arg(long, value_name = "PAYMENT_TYPE")]
    pub pay: String,
    /// Which option of that type, by name, when there are several.
    #[arg(long, value_name = "NAME")]
    pub option: Option<String>,
    /// Pay-on-delivery choice, bank account, credit option or cash-register bank.
    #[arg(long, value_name = "VALUE")]
    pub choice: Option<String>,
    /// Number of installments (1 pays at once).
    #[arg(long, value_name = "COUNT")]
    pub installment: Option<u32>,
    /// Saved-card token, MobilExpress card id, or card BIN.
    #[arg(long, value_name = "CARD")]
    pub card: Option<String>,
    #[arg(long, value_name = "CODE")]
    pub otp: Option<String>,
    #[arg(long, value_name = "PHONE")]
    pub phone: Option<String>,
    /// A note written into the order before payment.
    #[arg(long, value_name = "TEXT")]
    pub notes: Option<String>,
    /// On a third-party payment page: approve or decline as the customer, or wait for a person.
    #[arg(long, value_enum, default_value = "wait")]
    pub third_party: ServiceArg,
    /// Give up waiting for a register or payment service after this many seconds.
    #[arg(long, default_value_t = 300, value_name = "SECONDS")]
    pub wait_limit: u64,
    /// Take the order into the offline queue without trying the server.
    #[arg(long)]
    pub queue: bool,
    /// The customer's phone or e-mail, kept with an order taken offline.
    #[arg(long)]
    pub contact: Option<String>,
    /// Sell for this customer (phone or e-mail, found among the store's customers): the
    /// order goes on their account.
    #[arg(long, value_name = "PHONE_OR_EMAIL")]
    pub customer: Option<String>,
}

pub async fn run(settings: Settings, args: CheckoutArgs, data_dir: &Path) -> anyhow::Result<()> {
    if args.queue {
        return queue_checkout(&settings, &args, data_dir);
    }
    let _account = instore_kiosk::offline::lock::lock_account(data_dir, "instore-kiosk checkout")?;
    let client = match connect(&settings, &args.server).await {
        Ok(client) => client,
        // The line is down: strategies that need no payment network are sold offline.
        Err(e)
            if settings.offline.payment_types.contains(&args.pay)
                && e.downcast_ref::<instore_kiosk::commerce::CommerceError>()
                    .is_some_and(|c| c.is_connectivity()) =>
        {
            println!("the server cannot be reached ({e:#}); taking the order offline");
            return queue_checkout(&settings, &args, data_dir);
        }
        Err(e) => return Err(e),
    };
    let customer = match &args.customer {
        Some(who) => {
            let found = client.search_customers(who).await?;
            let exact: Vec<_> = found
                .iter()
                .filter(|c| c.email.eq_ignore_ascii_case(who.trim()) || c.phone == who.trim())
                .collect();
            let customer = match (exact.as_slice(), found.as_slice()) {
                ([one], _) => (*one).clone(),
                ([], [one]) => one.clone(),
                ([], []) => anyhow::bail!("no customer matches {who:?}"),
                _ => anyhow::bail!("{} customers match {who:?}; give their phone or e-mail", found.len()),
            };
            let customer = client.act_for(&customer.pk).await?;
            println!("selling for {} ({})", customer.name(), customer.email);
            Some(customer)
        }
        None => None,
    };
    client.clear_basket().await?;
    for code in &args.scans {
        let product = client
            .product_by_code(code)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no product has the code {code:?}"))?;
        let basket = client.add_to_basket(&product.pk, 1).await?;
        println!(
            "scanned {code}: {} {} (basket {} TRY)",
            product.name, product.price, basket.total_amount
        );
    }

    let choices = Choices {
        option_name: args.option.clone(),
        choice: args.choice.clone(),
        installment: args.installment,
        card: args.card.clone(),
        otp: args.otp.clone(),
        phone: args.phone.clone(),
        notes: args.notes.clone(),
        service: match args.third_party {
            ServiceArg::Approve => ServiceAction::Approve,
            ServiceArg::Decline => ServiceAction::Decline,
            ServiceArg::Wait => ServiceAction::Wait,
        },
        wait_limit: Duration::from_secs(args.wait_limit),
        handoff: settings.handoff.clone(),
        ..Choices::pay(&args.pay)
    };
    let mut print = |event: Event| match event {
        Event::Page(page) => println!("step {}", page.name()),
        Event::Barcode { number, seconds } => {
            println!("barcode {number} (scan it at the register; checking every {seconds} s)")
        }
        Event::Polling { polls } => println!("waiting for the register ({polls} checks)"),
        Event::Reconnecting(why) => println!("reconnecting: {why}"),
        Event::Service { url } => println!("pay at {url}"),
    };
    let done = run_checkout(&client, &choices, &mut print).await?;
    if let Some(order) = &done.order {
        println!(
            "paid {} TRY with {} ({})",
            order.amount, order.payment_option, order.payment_type
        );
        match &customer {
            Some(customer) => println!("order {} for {}", order.number, customer.name()),
            None => println!("order {}", order.number),
        }
    } else {
        println!(
            "order id {} (the order could not be read back)",
            done.thank_you.order_id
        );
    }
    Ok(())
}

/// Takes a sale into the offline queue, priced from the local catalog copy.
fn queue_checkout(settings: &Settings, args: &CheckoutArgs, data_dir: &Path) -> anyhow::Result<()> {
    use instore_kiosk::offline::queue;
    let mut store = instore_kiosk::offline::Store::open(data_dir)?;
    let order = queue::NewOrder {
        payment_type: args.pay.clone(),
        option_name: args.option.clone(),
        choice: args.choice.clone(),
        contact: args.contact.clone(),
        lines: Vec::new(),
    };
    let queued = queue::enqueue_codes(
        &mut store,
        order,
        &args.scans,
        &settings.offline.payment_types,
        &queue::Limits::from(&settings.offline),
    )?;
    println!("amount {} TRY, sent when the server is back", queued.amount);
    println!("queued {}", queued.reference);
    Ok(())
}
