//! `atelier-standin SERVICE [flags]`: runs a stand-in server until killed or Ctrl-C.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use atelier_standin::{
    AiClient, AiClientConfig, ImagineApi, ImagineApiConfig, MjPlus, MjPlusConfig, PastImages,
    SecretStyle,
};

const USAGE: &str = "usage:
  atelier-standin imagineapi [--port 8787] [--token T] [--pending-ms N] [--running-ms N] \
[--grid-size N] [--bot-status S] [--past N] [--hide-user-created true] \
[--ignore-page true]
  atelier-standin aiclient [--port 8788] [--token T] [--pending-ms N] [--running-ms N] \
[--image-size N] [--credits N]
  atelier-standin mjplus [--port 8789] [--secret S] [--auth header|bearer|none] \
[--modes true] [--pending-ms N] [--running-ms N] [--grid-size N] [--remix true] \
[--concurrency N] [--queue-size N] [--banned w1,w2] [--link-ttl-ms N]";

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("imagineapi") => imagineapi(&args[1..]).await,
        Some("aiclient") => aiclient(&args[1..]).await,
        Some("mjplus") => mjplus(&args[1..]).await,
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
    for (flag, value) in pairs(args)? {
        match flag {
            "--port" => port = number(flag, value)?,
            "--token" => config.token = value.to_owned(),
            "--pending-ms" => config.pending = millis(flag, value)?,
            "--running-ms" => config.running = millis(flag, value)?,
            "--grid-size" => config.grid_size = number(flag, value)?,
            "--bot-status" => config.bot_status = value.to_owned(),
            "--past" => config.past = past(number(flag, value)?),
            "--hide-user-created" => config.user_created_hidden = value == "true",
            "--ignore-page" => config.page_ignored = value == "true",
            other => return Err(format!("unknown flag {other}\n{USAGE}")),
        }
    }
    let server = ImagineApi::start(config, port)
        .await
        .map_err(|e| cannot_listen(port, &e))?;
    announce_and_wait(&server.base_url()).await
}

/// `n` past images of the account: most completed, a tenth failed, a tenth still being made.
fn past(n: usize) -> PastImages {
    PastImages {
        completed: n - n / 10 * 2,
        failed: n / 10,
        in_progress: n / 10,
        other_users: 0,
    }
}

async fn aiclient(args: &[String]) -> Result<(), String> {
    let mut config = AiClientConfig::default();
    let mut port = 8788;
    for (flag, value) in pairs(args)? {
        match flag {
            "--port" => port = number(flag, value)?,
            "--token" => config.token = value.to_owned(),
            "--pending-ms" => config.pending = millis(flag, value)?,
            "--running-ms" => config.running = millis(flag, value)?,
            "--image-size" => config.image_size = number(flag, value)?,
            "--credits" => config.credits_per_job = number(flag, value)?,
            other => return Err(format!("unknown flag {other}\n{USAGE}")),
        }
    }
    let server = AiClient::start(config, port)
        .await
        .map_err(|e| cannot_listen(port, &e))?;
    announce_and_wait(&server.base_url()).await
}

async fn mjplus(args: &[String]) -> Result<(), String> {
    let mut config = MjPlusConfig::default();
    let mut port = 8789;
    for (flag, value) in pairs(args)? {
        match flag {
            "--port" => port = number(flag, value)?,
            "--secret" => config.secret = value.to_owned(),
            "--auth" => config.auth = secret_style(value)?,
            "--modes" => config.modes = value == "true",
            "--pending-ms" => config.pending = millis(flag, value)?,
            "--running-ms" => config.running = millis(flag, value)?,
            "--grid-size" => config.grid_size = number(flag, value)?,
            "--remix" => config.remix = value == "true",
            "--concurrency" => config.concurrency = number(flag, value)?,
            "--queue-size" => config.queue_size = number(flag, value)?,
            "--banned" => config.banned = value.split(',').map(str::to_owned).collect(),
            "--link-ttl-ms" => config.link_ttl = millis(flag, value)?,
            other => return Err(format!("unknown flag {other}\n{USAGE}")),
        }
    }
    let server = MjPlus::start(config, port)
        .await
        .map_err(|e| cannot_listen(port, &e))?;
    announce_and_wait(&server.base_url()).await
}

fn secret_style(value: &str) -> Result<SecretStyle, String> {
    match value {
        "header" => Ok(SecretStyle::Header),
        "bearer" => Ok(SecretStyle::Bearer),
        "none" => Ok(SecretStyle::None),
        other => Err(format!(
            "--auth takes header, bearer or none, not \"{other}\""
        )),
    }
}

/// Every flag takes one value: `--flag value` pairs in order.
fn pairs(args: &[String]) -> Result<Vec<(&str, &str)>, String> {
    args.chunks(2)
        .map(|pair| match pair {
            [flag, value] => Ok((flag.as_str(), value.as_str())),
            lone => Err(format!("{} needs a value\n{USAGE}", lone.concat())),
        })
        .collect()
}

/// One line on stdout, flushed, so a parent process can read the address and go on; then
/// serves until Ctrl-C. The caller keeps the server alive until this returns.
async fn announce_and_wait(base_url: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on {base_url}")
        .and_then(|()| out.flush())
        .map_err(|e| e.to_string())?;
    drop(out);
    tokio::signal::ctrl_c().await.map_err(|e| e.to_string())
}

fn cannot_listen(port: u16, e: &std::io::Error) -> String {
    format!("cannot listen on 127.0.0.1:{port}: {e}")
}

fn millis(flag: &str, value: &str) -> Result<Duration, String> {
    number(flag, value).map(Duration::from_millis)
}

fn number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value
        .parse()
        .map_err(|_| format!("{flag} expects a number, not \"{value}\""))
}
