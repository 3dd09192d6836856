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
    /// Ship the order instead of collecting it in the store: an address of the account
    /// by pk or title, or a new one as `new:TITLE;CITY;DISTRICT;STREET AND NUMBER`.
    #[arg(long, value_name = "ADDRESS_ID|new:...")]
    pub ship_to: Option<String>,
    /// The shipping option by pk or name (the server's first when not given).
    #[arg(long, value_name = "NAME")]
    pub shipping: Option<String>,
}

/// `--ship-to`: an address of the account, or one created now from `new:...`.
async fn ship_to(client: &instore_kiosk::commerce::CommerceClient, given: &str) -> anyhow::Result<String> {
    use instore_kiosk::commerce::customers::{fold, NewAddress};
    let Some(new) = given.strip_prefix("new:") else {
        let known = client.addresses().await?;
        let found = known
            .iter()
            .find(|a| a.pk.0 == given.trim() || fold(&a.title) == fold(given))
            .ok_or_else(|| {
                let titles: Vec<String> = known.iter().map(|a| format!("{} ({})", a.pk, a.title)).collect();
                anyhow::anyhow!("the account has no address {given:?}; it has: {}", titles.join(", "))
            })?;
        println!("ship to {}: {}", found.title, found.one_line());
        return Ok(found.pk.0.clone());
    };
    let parts: Vec<&str> = new.split(';').map(str::trim).collect();
    let [title, city, district, line] = parts[..] else {
        anyhow::bail!("a new address is new:TITLE;CITY;DISTRICT;STREET AND NUMBER, not {given:?}");
    };
    let same = |a: &str, b: &str| fold(a) == fold(b);
    let cities = client.cities().await?;
    let city = cities
        .iter()
        .find(|c| same(&c.name, city) || c.pk.0 == city)
        .ok_or_else(|| anyhow::anyhow!("the server has no city {city:?}"))?;
    let districts = client.districts(&city.pk).await?;
    let district = districts
        .iter()
        .find(|d| same(&d.name, district) || d.pk.0 == district)
        .ok_or_else(|| anyhow::anyhow!("{} has no district {district:?}", city.name))?;
    let created = client
        .create_address(&NewAddress {
            title: title.to_string(),
            city: city.pk.clone(),
            district: district.pk.clone(),
            line: line.to_string(),
        })
        .await?;
    println!("new address {} ({}): {}", created.pk, created.title, created.one_line());
    Ok(created.pk.0)
}

pub async fn run(settings: Settings, args: CheckoutArgs, data_dir: &Path) -> anyhow::Result<()> {
    if args.customer.is_some() && args.queue {
        anyhow::bail!("--customer needs the server (to find the customer's account); it cannot be queued");
    }
    if args.queue {
        return queue_checkout(&settings, &args, data_dir);
    }
    let _account = instore_kiosk::offline::lock::lock_account(data_dir, "instore-kiosk checkout")?;
    let client = match connect(&settings, &args.server).await {
        Ok(client) => client,
        // The line is down: strategies that need no payment network are sold offline.
        Err(e)
            if args.customer.is_none()
                && settings.offline.payment_types.contains(&args.pay)
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
    let ship_to = match &args.ship_to {
        Some(given) => Some(ship_to(&client, given).await?),
        None => None,
    };
    // A customer's own basket (a web shop basket) is set aside for this sale and put back
    // after it, whether the sale ends in an order or not.
    let set_aside = match &customer {
        Some(_) => Some(client.borrow_basket().await?),
        None => {
            client.clear_basket().await?;
            None
        }
    };
    let sale = async {
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
            ship_to,
            shipping: args.shipping.clone(),
            store: settings.kiosk.store.clone(),
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
            if let Some(delivery) = order
                .delivery
                .as_ref()
                .and_then(|d| d.describe().map(|text| (d.shipped(), text)))
            {
                match delivery {
                    (true, text) => println!("shipped: {text}"),
                    (false, text) => println!("collect in the store: {text}"),
                }
            }
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
        Ok::<(), anyhow::Error>(())
    }
    .await;
    if let Some(set_aside) = set_aside.filter(|s| !s.is_empty()) {
        match client.put_back(&set_aside, &[]).await {
            Ok(()) => {
                let lines = set_aside.lines.len();
                let plural = if lines == 1 { "" } else { "s" };
                println!("the customer's own basket put back ({lines} line{plural})");
            }
            Err(e) => eprintln!("warning: the customer's own basket could not be put back: {e}"),
        }
    }
    sale
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
        customer: None,
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
