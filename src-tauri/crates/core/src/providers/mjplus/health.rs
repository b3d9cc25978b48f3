//! Test connection for a midjourney-proxy server: servers differ in how they take the secret
//! (or whether they want one) and in the speed modes they offer, so the check finds out and
//! says which, rather than only "accepted" or "refused".

use serde_json::{json, Value};

use super::{credential, prefix, speed_name, MjPlus};
use crate::accounts::{AuthStyle, SpeedMode};
use crate::providers::http::Credential;
use crate::providers::{Health, HttpApi, ProviderError};

const SPEEDS: [SpeedMode; 3] = [SpeedMode::Fast, SpeedMode::Relax, SpeedMode::Turbo];

pub async fn check(p: &MjPlus) -> Result<Health, ProviderError> {
    if let Err(e) = lists(&p.api, None).await {
        return refused(p, e).await;
    }
    let secret = secret_finding(p).await;
    let speeds = offered_speeds(&p.api).await;
    let missing = p.speed.filter(|s| !speeds.contains(s));
    let mut summary = format!("{secret} {}", speeds_sentence(&speeds));
    if let Some(speed) = missing {
        summary.push_str(&format!(
            " The account's speed mode ({}) is not among them: choose another in the account.",
            speed_name(speed)
        ));
    }
    Ok(Health {
        summary,
        healthy: missing.is_none(),
    })
}

/// The cheapest authenticated call: asks for no tasks at all.
async fn lists(api: &HttpApi, speed: Option<SpeedMode>) -> Result<(), ProviderError> {
    let path = format!("{}/task/list-by-condition", prefix(speed));
    api.post_json::<Value>(&path, &json!({ "ids": [] }))
        .await
        .map(|_| ())
}

/// What the account's way of sending the secret found, the call having been accepted.
async fn secret_finding(p: &MjPlus) -> &'static str {
    if matches!(p.auth, AuthStyle::NoSecret) || p.secret.is_none() {
        return "The server takes requests without a secret.";
    }
    let open = lists(&p.api.speaking_as(Credential::Nothing), None)
        .await
        .is_ok();
    match (open, p.auth) {
        (true, _) => {
            "The server needs no secret (it answers without one), so anyone who can reach it \
             can use it."
        }
        (false, AuthStyle::Bearer) => "Secret accepted (sent as Authorization: Bearer).",
        (false, _) => "Secret accepted (sent as mj-api-secret).",
    }
}

/// The configured way was refused: a wrong secret, or the right one sent the other way.
async fn refused(p: &MjPlus, e: ProviderError) -> Result<Health, ProviderError> {
    if !matches!(
        e,
        ProviderError::Unauthorized { .. } | ProviderError::Forbidden { .. }
    ) {
        return Err(e);
    }
    let other = match p.auth {
        AuthStyle::MjApiSecret => AuthStyle::Bearer,
        AuthStyle::Bearer => AuthStyle::MjApiSecret,
        AuthStyle::NoSecret => {
            return Ok(unhealthy(
                "The server asks for a secret: choose how it is sent (mj-api-secret or \
                 Authorization: Bearer) in the account, and paste the secret.",
            ))
        }
    };
    let Some(secret) = p.secret.as_ref() else {
        return Err(e);
    };
    let probe = p.api.speaking_as(credential(other, Some(secret)));
    if lists(&probe, None).await.is_err() {
        return Err(e);
    }
    Ok(unhealthy(&format!(
        "The server refused the secret as {} but takes it as {}: choose that in the account.",
        style_name(p.auth),
        style_name(other)
    )))
}

async fn offered_speeds(api: &HttpApi) -> Vec<SpeedMode> {
    let mut offered = Vec::new();
    for speed in SPEEDS {
        if lists(api, Some(speed)).await.is_ok() {
            offered.push(speed);
        }
    }
    offered
}

fn speeds_sentence(speeds: &[SpeedMode]) -> String {
    if speeds.is_empty() {
        return "This server has no speed modes.".into();
    }
    let names: Vec<&str> = speeds.iter().map(|s| speed_name(*s)).collect();
    format!("Speed modes: {}.", names.join(", "))
}

fn style_name(auth: AuthStyle) -> &'static str {
    match auth {
        AuthStyle::MjApiSecret => "mj-api-secret",
        AuthStyle::Bearer => "Authorization: Bearer",
        AuthStyle::NoSecret => "no secret",
    }
}

fn unhealthy(summary: &str) -> Health {
    Health {
        summary: summary.to_owned(),
        healthy: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speed_modes_are_listed_or_their_absence_said() {
        assert_eq!(speeds_sentence(&[]), "This server has no speed modes.");
        assert_eq!(speeds_sentence(&SPEEDS), "Speed modes: fast, relax, turbo.");
    }
}
