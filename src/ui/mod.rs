//! Placeholder until the Slint UI lands.
pub fn run_kiosk(
    _settings: crate::settings::Settings,
    _commerce_url: Option<String>,
    _data_dir: Option<std::path::PathBuf>,
) -> anyhow::Result<()> {
    anyhow::bail!("the kiosk window is not built yet")
}
