//! `instore-kiosk register`: plays the store's cash register against a commerce server
//! (the simulator, usually), so a register integrator can test their side.

use clap::Args;
use instore_kiosk::commerce::money::format_try;
use instore_kiosk::commerce::register::RegisterClient;

#[derive(Args)]
pub struct RegisterArgs {
    #[arg(long, value_name = "URL")]
    commerce_url: String,
    /// The number under the kiosk's barcode.
    #[arg(long, value_name = "N")]
    order_number: String,
    /// Confirm the payment of the amount due after reading the order.
    #[arg(long)]
    pay: bool,
    /// The register's integration credentials (the simulator's by default).
    #[arg(long, default_value = "register")]
    username: String,
    #[arg(
        long,
        env = "INSTORE_REGISTER_PASSWORD",
        default_value = "register-secret",
        hide_env_values = true
    )]
    password: String,
    /// The register's own transaction id for `--pay` (made up when not given).
    #[arg(long)]
    transaction_id: Option<String>,
    #[arg(long)]
    terminal_id: Option<String>,
}

pub async fn run(args: RegisterArgs) -> anyhow::Result<()> {
    let register = RegisterClient::new(&args.commerce_url, &args.username, &args.password)?;
    let pre_order = match register.pre_order(&args.order_number).await? {
        Ok(pre_order) => pre_order,
        Err(refusal) => anyhow::bail!("order {}: {refusal}", args.order_number),
    };
    println!("order {}", args.order_number);
    for line in pre_order.basket.iter().flat_map(|b| &b.basketitem_set) {
        println!(
            "  {} x {} {}  {}",
            line.quantity,
            line.product.sku,
            line.product.name,
            format_try(line.total_amount)
        );
    }
    if let Some(plan) = &pre_order.installment {
        println!("installments {}", plan.installment_count);
    }
    let due = pre_order.unpaid_amount.or(pre_order.total_amount).unwrap_or_default();
    println!("amount due {}", format_try(due));
    if !args.pay {
        return Ok(());
    }
    let transaction = args
        .transaction_id
        .unwrap_or_else(|| format!("register-{}", chrono::Utc::now().timestamp_millis()));
    match register
        .confirm(&args.order_number, &transaction, due, args.terminal_id.as_deref())
        .await?
    {
        Ok(()) => {
            println!("paid {} (transaction {transaction})", format_try(due));
            Ok(())
        }
        Err(refusal) => anyhow::bail!("payment of {}: {refusal}", args.order_number),
    }
}
