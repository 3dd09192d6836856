//! The command line: run the kiosk, run the simulator, run a headless checkout.

use clap::{Args, Parser, Subcommand, ValueEnum};
use instore_kiosk::checkout::{run_checkout, Choices, Event, ServiceAction};
use instore_kiosk::commerce::{ClientConfig, CommerceClient};
use instore_kiosk::settings::Settings;
use instore_kiosk::sim::{Scenario, Simulator};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser)]
#[command(name = "instore-kiosk", version, about = "Checkout kiosk for Akinon Instore devices")]
struct Cli {
    /// Settings file (default: the standard config directory's instore-kiosk/settings.toml).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Where local data lives (queued orders, print jobs, catalog copy).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Open the kiosk (the default). Without a commerce server it runs in demo mode.
    Run(RunArgs),
    /// Run the commerce simulator until interrupted.
    Sim(SimArgs),
    /// Run a whole checkout from the command line and print the order number.
    Checkout(CheckoutArgs),
    /// The local copy of the catalog, for selling while the server is away.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Orders taken while the server was away.
    #[command(subcommand)]
    Queue(QueueCommand),
    /// The receipt printer and the barcode scanner.
    #[command(subcommand)]
    Devices(DevicesCommand),
    /// Render every screen to PNG (both sizes, both languages) with simulator data.
    Screenshots {
        #[arg(long, default_value = "screenshots", value_name = "DIR")]
        out: PathBuf,
    },
}

#[derive(Args, Default)]
struct RunArgs {
    /// Use this commerce server instead of the one in settings.
    #[arg(long, value_name = "URL")]
    commerce_url: Option<String>,
    /// Print the time to the first frame and exit (for the start-up benchmark).
    #[arg(long, hide = true)]
    exit_after_first_frame: bool,
    /// Make one demo cash-register sale, print memory and exit (for the benchmark).
    #[arg(long, hide = true)]
    bench_sale: bool,
}

#[derive(Args)]
struct SimArgs {
    #[arg(long, default_value = "127.0.0.1:8800", value_name = "ADDR")]
    listen: SocketAddr,
    /// Scenario file (TOML); flags below override it.
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
    /// Take cash-register payments by themselves after N polls.
    #[arg(long, value_name = "N")]
    auto_pay_after: Option<u32>,
    /// The `seconds` the cash-register page asks the kiosk to wait between polls.
    #[arg(long, value_name = "SECONDS")]
    poll_seconds: Option<u32>,
    #[arg(long, value_name = "MS")]
    latency_ms: Option<u64>,
    /// Share (0..1) of requests answered 503.
    #[arg(long, value_name = "SHARE")]
    error_rate: Option<f64>,
    /// Share (0..1) of requests whose connection is dropped unanswered.
    #[arg(long, value_name = "SHARE")]
    drop_rate: Option<f64>,
    /// Share (0..1) of answers replaced by broken JSON.
    #[arg(long, value_name = "SHARE")]
    malformed_rate: Option<f64>,
    /// Share (0..1) of requests processed and then left unanswered.
    #[arg(long, value_name = "SHARE")]
    lose_answer_rate: Option<f64>,
    /// Sessions expire after N requests.
    #[arg(long, value_name = "N")]
    session_expiry_after: Option<u32>,
    #[arg(long)]
    seed: Option<u64>,
}

#[derive(Subcommand)]
enum CatalogCommand {
    /// Read the whole catalog from the server into the data directory.
    Sync(ServerArgs),
    /// Say how many products the local copy holds and when it was refreshed.
    Show,
}

#[derive(Subcommand)]
enum DevicesCommand {
    /// The serial ports this machine has.
    List,
    /// Print a sample receipt (every Turkish letter, a barcode, a QR code), then cut.
    TestPrint {
        /// The printer's port; defaults to printer.port in the settings.
        #[arg(long, value_name = "PATH")]
        port: Option<String>,
        /// Defaults to printer.baud_rate.
        #[arg(long)]
        baud: Option<u32>,
        /// Give up after this many seconds.
        #[arg(long, default_value_t = 30)]
        timeout: u64,
    },
    /// Print each code the scanner reads, one a line, until interrupted.
    TestScan {
        /// The scanner's port; defaults to scanner.port in the settings.
        #[arg(long, value_name = "PATH")]
        port: Option<String>,
        #[arg(long)]
        baud: Option<u32>,
    },
}

#[derive(Subcommand)]
enum QueueCommand {
    /// Every queued order: waiting, sent and set aside.
    List {
        #[arg(long)]
        json: bool,
    },
    /// One order with its journal.
    Show { reference: String },
    /// Put a set-aside order back in the queue and send it now.
    Retry {
        reference: String,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Everything, as JSON, for support.
    Export,
    /// Send every waiting order now; exits non-zero if any order is left unsent.
    Drain(ServerArgs),
}

/// Which server and account; each defaults to the settings file.
#[derive(Args)]
struct ServerArgs {
    /// The commerce server (default: from settings).
    #[arg(long, value_name = "URL")]
    commerce_url: Option<String>,
    #[arg(long, value_name = "EMAIL")]
    email: Option<String>,
    #[arg(long, value_name = "PASSWORD", env = "INSTORE_PASSWORD", hide_env_values = true)]
    password: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum ServiceArg {
    Approve,
    Decline,
    Wait,
}

#[derive(Args)]
struct CheckoutArgs {
    #[command(flatten)]
    server: ServerArgs,
    /// A product's barcode or SKU; repeat for more items.
    #[arg(long = "scan", value_name = "CODE", required = true)]
    scans: Vec<String>,
    /// The payment_type to pay with (cash_register, pay_on_delivery, saved_card, ...).
    #[arg(long, value_name = "PAYMENT_TYPE")]
    pay: String,
    /// Which option of that type, by name, when there are several.
    #[arg(long, value_name = "NAME")]
    option: Option<String>,
    /// Pay-on-delivery choice, bank account, credit option or cash-register bank.
    #[arg(long, value_name = "VALUE")]
    choice: Option<String>,
    /// Number of installments (1 pays at once).
    #[arg(long, value_name = "COUNT")]
    installment: Option<u32>,
    /// Saved-card token, MobilExpress card id, or card BIN.
    #[arg(long, value_name = "CARD")]
    card: Option<String>,
    #[arg(long, value_name = "CODE")]
    otp: Option<String>,
    #[arg(long, value_name = "PHONE")]
    phone: Option<String>,
    /// A note written into the order before payment.
    #[arg(long, value_name = "TEXT")]
    notes: Option<String>,
    /// On a third-party payment page: approve or decline as the customer, or wait for a person.
    #[arg(long, value_enum, default_value = "wait")]
    third_party: ServiceArg,
    /// Give up waiting for a register or payment service after this many seconds.
    #[arg(long, default_value_t = 300, value_name = "SECONDS")]
    wait_limit: u64,
    /// Take the order into the offline queue without trying the server.
    #[arg(long)]
    queue: bool,
    /// The customer's phone or e-mail, kept with an order taken offline.
    #[arg(long)]
    contact: Option<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let settings = match Settings::load(cli.config.as_deref(), instore_kiosk::devices::check_settings) {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let data_dir = cli.data_dir.clone().unwrap_or_else(default_data_dir);
    let outcome = match cli.command.unwrap_or(Command::Run(RunArgs::default())) {
        Command::Run(args) => {
            let measure = match (args.exit_after_first_frame, args.bench_sale) {
                (true, _) => instore_kiosk::ui::Measure::FirstFrame,
                (_, true) => instore_kiosk::ui::Measure::Sale,
                _ => instore_kiosk::ui::Measure::Nothing,
            };
            instore_kiosk::ui::run_kiosk(settings, args.commerce_url, Some(data_dir.clone()), measure)
        }
        Command::Sim(args) => runtime().and_then(|rt| rt.block_on(run_sim(args))),
        Command::Checkout(args) => runtime().and_then(|rt| rt.block_on(checkout(settings, args, &data_dir))),
        Command::Catalog(CatalogCommand::Sync(server)) => {
            runtime().and_then(|rt| rt.block_on(catalog_sync(&settings, &server, &data_dir)))
        }
        Command::Catalog(CatalogCommand::Show) => catalog_show(&data_dir),
        Command::Queue(command) => runtime().and_then(|rt| rt.block_on(queue_command(&settings, command, &data_dir))),
        Command::Devices(command) => devices_command(&settings, command, &data_dir),
        Command::Screenshots { out } => instore_kiosk::ui::screenshots::render_all(&out).map(|rendered| {
            for file in rendered.files {
                println!("{}", file.display());
            }
        }),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Libraries that log headers or cookies at debug level; whatever `INSTORE_LOG` asks,
/// they stay at `warn`, so no log carries a session cookie or a CSRF token.
const QUIET_LIBRARIES: &[&str] = &["cookie_store", "reqwest", "hyper", "hyper_util", "h2", "rustls", "axum"];

fn init_logging() {
    let mut filter = tracing_subscriber::EnvFilter::try_from_env("INSTORE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    for library in QUIET_LIBRARIES {
        if let Ok(directive) = format!("{library}=warn").parse() {
            filter = filter.add_directive(directive);
        }
    }
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}

async fn run_sim(args: SimArgs) -> anyhow::Result<()> {
    let mut scenario = match &args.scenario {
        Some(path) => Scenario::from_file(path).map_err(anyhow::Error::msg)?,
        None => Scenario::default(),
    };
    if args.auto_pay_after.is_some() {
        scenario.cash_register_auto_pay_after_polls = args.auto_pay_after;
    }
    if let Some(s) = args.poll_seconds {
        scenario.cash_register_poll_seconds = s;
    }
    if let Some(ms) = args.latency_ms {
        scenario.latency_ms = ms;
    }
    let f = &mut scenario.faults;
    f.server_error_rate = args.error_rate.unwrap_or(f.server_error_rate);
    f.drop_rate = args.drop_rate.unwrap_or(f.drop_rate);
    f.malformed_rate = args.malformed_rate.unwrap_or(f.malformed_rate);
    f.lose_answer_rate = args.lose_answer_rate.unwrap_or(f.lose_answer_rate);
    if args.session_expiry_after.is_some() {
        f.session_expiry_after = args.session_expiry_after;
    }
    if let Some(seed) = args.seed {
        scenario.seed = seed;
    }
    let (email, password) = (scenario.demo_email.clone(), scenario.demo_password.clone());
    let sim = Simulator::start(scenario, args.listen).await?;
    // Scripts wait for this line to know the simulator is up.
    println!("simulator listening on {}", sim.url());
    println!("account {email} / {password}");
    sim.run_until_ctrl_c().await;
    Ok(())
}

/// The data directory when `--data-dir` is not given.
fn default_data_dir() -> PathBuf {
    directories::ProjectDirs::from("com", "Akinon", "instore-kiosk")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from("instore-kiosk-data"))
}

/// Logs in to the server named by the flags, else by the settings.
async fn connect(settings: &Settings, server: &ServerArgs) -> anyhow::Result<CommerceClient> {
    let url = server
        .commerce_url
        .clone()
        .or(settings.commerce.url.clone())
        .ok_or_else(|| {
            anyhow::anyhow!("no commerce server: pass --commerce-url or set commerce.url in the settings file")
        })?;
    let email = server
        .email
        .clone()
        .or(settings.commerce.email.clone())
        .ok_or_else(|| anyhow::anyhow!("pass --email"))?;
    let password = server
        .password
        .clone()
        .or(settings.commerce.password.clone())
        .ok_or_else(|| anyhow::anyhow!("pass --password"))?;
    let mut config = ClientConfig::new(&url)?;
    config.connect_timeout = settings.commerce.connect_timeout();
    config.request_timeout = settings.commerce.request_timeout();
    let client = CommerceClient::new(config)?;
    client.login(&email, &password).await?;
    println!("logged in as {email}");
    Ok(client)
}

async fn catalog_sync(settings: &Settings, server: &ServerArgs, data_dir: &std::path::Path) -> anyhow::Result<()> {
    let mut store = instore_kiosk::offline::Store::open(data_dir)?;
    let client = connect(settings, server).await?;
    let count = instore_kiosk::offline::catalog::sync(&client, &mut store).await?;
    println!("catalog: {count} products saved in {}", store.path().display());
    Ok(())
}

fn catalog_show(data_dir: &std::path::Path) -> anyhow::Result<()> {
    let store = instore_kiosk::offline::Store::open(data_dir)?;
    match instore_kiosk::offline::catalog::summary(&store)? {
        (0, _) => println!(
            "catalog: empty in {}; run 'instore-kiosk catalog sync'",
            store.path().display()
        ),
        (count, at) => println!("catalog: {count} products, refreshed {}", at.unwrap_or_default()),
    }
    Ok(())
}

/// Takes a sale into the offline queue, priced from the local catalog copy.
fn queue_checkout(settings: &Settings, args: &CheckoutArgs, data_dir: &std::path::Path) -> anyhow::Result<()> {
    use instore_kiosk::offline::{catalog, queue};
    if !settings.offline.payment_types.contains(&args.pay) {
        anyhow::bail!(
            "{} cannot be taken offline; offline.payment_types allows {:?}",
            args.pay,
            settings.offline.payment_types
        );
    }
    let mut store = instore_kiosk::offline::Store::open(data_dir)?;
    let mut lines: Vec<queue::QueuedLine> = Vec::new();
    for code in &args.scans {
        let product = catalog::lookup(&store, code)?.ok_or_else(|| {
            anyhow::anyhow!("no product has the code {code:?} in the local catalog (run 'catalog sync' while online)")
        })?;
        match lines.iter_mut().find(|l| l.product == product.pk.0) {
            Some(line) => line.quantity += 1,
            None => lines.push(queue::QueuedLine {
                product: product.pk.0.clone(),
                code: code.clone(),
                name: product.name.clone(),
                quantity: 1,
                unit_price: product.price,
            }),
        }
    }
    let order = queue::NewOrder {
        payment_type: args.pay.clone(),
        option_name: args.option.clone(),
        choice: args.choice.clone(),
        contact: args.contact.clone(),
        lines,
    };
    match queue::enqueue(&mut store, &order, &settings.offline.limits()) {
        Ok(queued) => {
            println!("amount {} TRY, sent when the server is back", queued.amount);
            println!("queued {}", queued.reference);
            Ok(())
        }
        Err(queue::QueueError::Refused(why)) => anyhow::bail!("the offline sale is refused: {why}"),
        Err(e) => Err(e.into()),
    }
}

async fn queue_command(settings: &Settings, command: QueueCommand, data_dir: &std::path::Path) -> anyhow::Result<()> {
    use instore_kiosk::offline::{queue, replay};
    let mut store = instore_kiosk::offline::Store::open(data_dir)?;
    let tolerance = settings.offline.price_tolerance_percent;
    let print_outcome = |reference: &str, outcome: &replay::Outcome| match outcome {
        replay::Outcome::Sent { number } => println!("sent {reference} as order {number}"),
        replay::Outcome::SetAside { reason } => println!("set aside {reference}: {reason}"),
        replay::Outcome::Failed { error } => println!("not sent {reference}: {error}"),
    };
    match command {
        QueueCommand::List { json } => {
            let orders = queue::list(&store)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&orders)?);
            } else {
                for o in &orders {
                    let note = o.order_number.as_deref().or(o.reason.as_deref()).unwrap_or("");
                    println!(
                        "{}  {:<9}  {:>10} TRY  {:<16} {}  {note}",
                        o.reference,
                        o.state.as_str(),
                        o.amount,
                        o.order.payment_type,
                        o.created_at
                    );
                }
                let (count, total) = queue::waiting(&store)?;
                println!("{count} waiting, {total} TRY");
            }
        }
        QueueCommand::Show { reference } => {
            let order =
                queue::show(&store, &reference)?.ok_or_else(|| anyhow::anyhow!("no queued order {reference}"))?;
            let mut value = serde_json::to_value(&order)?;
            value["journal"] = serde_json::to_value(queue::journal(&store, &reference)?)?;
            println!("{}", serde_json::to_string_pretty(&value)?);
        }
        QueueCommand::Export => println!("{}", serde_json::to_string_pretty(&queue::export(&store)?)?),
        QueueCommand::Retry { reference, server } => {
            let order =
                queue::show(&store, &reference)?.ok_or_else(|| anyhow::anyhow!("no queued order {reference}"))?;
            if order.state == queue::State::SetAside {
                queue::record(&mut store, &reference, queue::State::Waiting, "retry", None, None)?;
            }
            let client = connect(settings, &server).await?;
            let outcome = replay::replay_one(&client, &mut store, &reference, tolerance).await?;
            print_outcome(&reference, &outcome);
            if !matches!(outcome, replay::Outcome::Sent { .. }) {
                anyhow::bail!("{reference} was not sent");
            }
        }
        QueueCommand::Drain(server) => {
            let client = match connect(settings, &server).await {
                Ok(client) => client,
                Err(e) => {
                    let (count, _) = queue::waiting(&store)?;
                    anyhow::bail!("{e:#}; {count} orders wait");
                }
            };
            let report = replay::drain(&client, &mut store, tolerance).await?;
            for (reference, outcome) in &report.outcomes {
                print_outcome(reference, outcome);
            }
            println!("{} waiting, {} set aside", report.waiting, report.set_aside);
            if report.waiting + report.set_aside > 0 {
                anyhow::bail!("{} orders are left unsent", report.waiting + report.set_aside);
            }
        }
    }
    Ok(())
}

async fn checkout(settings: Settings, args: CheckoutArgs, data_dir: &std::path::Path) -> anyhow::Result<()> {
    if args.queue {
        return queue_checkout(&settings, &args, data_dir);
    }
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
        println!("order {}", order.number);
    } else {
        println!(
            "order id {} (the order could not be read back)",
            done.thank_you.order_id
        );
    }
    Ok(())
}

fn devices_command(settings: &Settings, command: DevicesCommand, data_dir: &std::path::Path) -> anyhow::Result<()> {
    use instore_kiosk::devices::{printer, receipt, scanner};
    match command {
        DevicesCommand::List => {
            let ports = serialport::available_ports()?;
            if ports.is_empty() {
                println!("no serial ports found");
            }
            for port in ports {
                let kind = match port.port_type {
                    serialport::SerialPortType::UsbPort(usb) => format!(
                        "USB {:04x}:{:04x} {}",
                        usb.vid,
                        usb.pid,
                        usb.product.unwrap_or_default()
                    ),
                    serialport::SerialPortType::PciPort => "PCI".into(),
                    serialport::SerialPortType::BluetoothPort => "Bluetooth".into(),
                    serialport::SerialPortType::Unknown => "serial".into(),
                };
                println!("{}\t{}", port.port_name, kind.trim());
            }
            Ok(())
        }
        DevicesCommand::TestPrint { port, baud, timeout } => {
            let mut settings = settings.printer.clone();
            settings.port = port.unwrap_or(settings.port);
            settings.baud_rate = baud.unwrap_or(settings.baud_rate);
            if settings.port.is_empty() {
                anyhow::bail!("no printer port: give --port PATH or set printer.port");
            }
            let mut preview = None;
            let pngs = |dir: &std::path::Path| {
                std::fs::read_dir(dir)
                    .map(|d| {
                        d.filter(|e| {
                            e.as_ref()
                                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "png"))
                        })
                        .count()
                    })
                    .unwrap_or(0)
            };
            let pngs_before = pngs(&data_dir.join("receipts"));
            if settings.port == instore_kiosk::settings::VIRTUAL_PORT {
                let out = data_dir.join("receipts");
                preview = Some(out.clone());
                let virtual_printer =
                    instore_kiosk::devices::virtual_devices::VirtualPrinter::start(&out, settings.paper_width_mm)?;
                println!("virtual printer: the receipt goes to {} as text and PNG", out.display());
                settings.port = virtual_printer.path;
            }
            let sample = receipt::sample("tr");
            let bytes = receipt::encode(&sample, &settings).map_err(anyhow::Error::msg)?;
            // The job goes through the kiosk's own printer code, from a scratch queue.
            let scratch = std::env::temp_dir().join(format!("instore-test-print-{}", std::process::id()));
            let mut store = instore_kiosk::offline::Store::open(&scratch)?;
            printer::enqueue(&mut store, "test", &sample.order_number, &bytes)?;
            let (tx, rx) = std::sync::mpsc::channel();
            let started = std::time::Instant::now();
            let _handle = printer::spawn(
                settings.clone(),
                scratch.clone(),
                std::sync::Arc::new(move |report| {
                    let _ = tx.send(report);
                }),
            );
            let deadline = started + Duration::from_secs(timeout);
            let mut last_problem = None;
            let outcome = loop {
                match rx.recv_timeout(deadline.saturating_duration_since(std::time::Instant::now())) {
                    Ok(printer::Report {
                        problem: None,
                        waiting: 0,
                    }) => break Ok(()),
                    Ok(printer::Report {
                        problem: Some(problem), ..
                    }) => {
                        if last_problem.as_ref() != Some(&problem) {
                            eprintln!("waiting: {problem:?}");
                        }
                        last_problem = Some(problem);
                    }
                    Ok(_) => {}
                    Err(_) => {
                        break Err(anyhow::anyhow!(
                            "the sample was not printed in {timeout} s: {}",
                            last_problem.map_or("no answer".to_string(), |p| format!("{p:?}"))
                        ))
                    }
                }
            };
            let _ = std::fs::remove_dir_all(&scratch);
            outcome?;
            // The virtual printer draws the preview on its own thread: let it finish.
            if let Some(out) = preview {
                let drawn = std::time::Instant::now() + Duration::from_secs(10);
                while pngs(&out) == pngs_before && std::time::Instant::now() < drawn {
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
            let line_limit = bytes.len() as f64 * 10.0 / f64::from(settings.baud_rate) * 1000.0;
            println!(
                "printed {} bytes to {} in {:.1} ms (the line's own limit at {} baud: {:.1} ms)",
                bytes.len(),
                settings.port,
                started.elapsed().as_secs_f64() * 1000.0,
                settings.baud_rate,
                line_limit
            );
            Ok(())
        }
        DevicesCommand::TestScan { port, baud } => {
            let mut settings = settings.scanner.clone();
            settings.port = port.unwrap_or(settings.port);
            settings.baud_rate = baud.unwrap_or(settings.baud_rate);
            if settings.port.is_empty() {
                anyhow::bail!("no scanner port: give --port PATH or set scanner.port");
            }
            eprintln!("reading codes from {}; Ctrl-C to stop", settings.port);
            let reader = scanner::spawn(
                settings,
                std::sync::Arc::new(|code| {
                    use std::io::Write;
                    let mut out = std::io::stdout().lock();
                    let _ = writeln!(out, "{code}");
                    let _ = out.flush();
                }),
            );
            let _ = reader.join();
            Ok(())
        }
    }
}
