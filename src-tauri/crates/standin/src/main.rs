//! `atelier-standin SERVICE [flags]`: runs a stand-in server until killed or Ctrl-C.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use atelier_standin::{ImagineApi, ImagineApiConfig};

const USAGE: &str = "usage: atelier-standin imagineapi [--port 8787] [--token T] \
[--pending-ms N] [--running-ms N] [--grid-size N] [--bot-status S]";

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("imagineapi") => imagineapi(&args[1..]).await,
        Some("-h" | "--help") | None => Err(USAGE.to_owned()),
        Some(other) => Err(format!("unknown service \"{other}\"\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}

async fn imagineapi(args: &[String]) -> Result<(), String> {
    let mut config = ImagineApiConfig::default();
    let mut port = 8787;
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let mut value = || {
            rest.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
        };
        match flag.as_str() {
            "--port" => port = number(flag, &value()?)?,
            "--token" => config.token = value()?,
            "--pending-ms" => config.pending = Duration::from_millis(number(flag, &value()?)?),
            "--running-ms" => config.running = Duration::from_millis(number(flag, &value()?)?),
            "--grid-size" => config.grid_size = number(flag, &value()?)?,
            "--bot-status" => config.bot_status = value()?,
            other => return Err(format!("unknown flag {other}\n{USAGE}")),
        }
    }
    let server = ImagineApi::start(config, port)
        .await
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    // One line on stdout, flushed, so a parent process can read the address and go on.
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on {}", server.base_url())
        .and_then(|()| out.flush())
        .map_err(|e| e.to_string())?;
    drop(out);
    tokio::signal::ctrl_c().await.map_err(|e| e.to_string())?;
    drop(server);
    Ok(())
}

fn number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value
        .parse()
        .map_err(|_| format!("{flag} expects a number, not \"{value}\""))
}
