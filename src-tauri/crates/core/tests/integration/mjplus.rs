//! The midjourney-proxy provider against the stand-in over real HTTP: the secret sent each
//! way a server may want it (or not at all), speed modes as route prefixes, Test connection's
//! findings, imagine to a grid with buttons, batched polls, every submit code, actions with
//! their modal step, Describe and Blend, and the CDN that never sees the secret.

use std::io::Cursor;
use std::time::Duration;

use crate::harness::demo::DemoLab;
use crate::harness::{finished, poll_to_completion};
use atelier_core::accounts::{AccountOptions, AuthStyle, SpeedMode};
use atelier_core::app::{AccountChange, NewAccount};
use atelier_core::engine::JobStatus;
use atelier_core::providers::http::Clients;
use atelier_core::providers::mjplus::MjPlus;
use atelier_core::providers::ProviderKind;
use atelier_core::providers::{
    ActionKind, Asset, BlendShape, ImageData, Outputs, Provider, ProviderError, RemoteState, Sent,
};
use atelier_core::secrets::{Secret, SecretStore};
use atelier_standin::{Fault, MjPlusConfig, SecretStyle, TaskFault};

const SECRET: &str = "standin-secret";

/// The stand-in at test speed, taking the secret as `auth` says.
async fn server_with(tweak: impl FnOnce(&mut MjPlusConfig)) -> atelier_standin::MjPlus {
    let mut config = MjPlusConfig {
        secret: SECRET.into(),
        pending: Duration::from_millis(100),
        running: Duration::from_millis(600),
        grid_size: 256,
        ..MjPlusConfig::default()
    };
    tweak(&mut config);
    atelier_standin::MjPlus::start(config, 0).await.unwrap()
}

async fn server() -> atelier_standin::MjPlus {
    server_with(|_| {}).await
}

fn provider_as(
    server: &atelier_standin::MjPlus,
    secret: Option<&str>,
    auth: AuthStyle,
    speed: Option<SpeedMode>,
) -> MjPlus {
    let options = AccountOptions { auth, speed };
    let secret = secret.map(Secret::new);
    MjPlus::new(&Clients::shared(), &server.base_url(), secret, &options).unwrap()
}

fn provider(server: &atelier_standin::MjPlus) -> MjPlus {
    provider_as(server, Some(SECRET), AuthStyle::MjApiSecret, None)
}

fn png(width: u32, height: u32, shade: u8) -> ImageData {
    let img = image::RgbImage::from_pixel(width, height, image::Rgb([shade, 90, 200]));
    let mut bytes = Vec::new();
    img.write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
        .unwrap();
    ImageData {
        mime: "image/png",
        bytes,
    }
}

async fn done(p: &MjPlus, remote_id: &str) -> Outputs {
    poll_to_completion(p, remote_id).await.0
}

async fn downloaded(p: &MjPlus, url: &url::Url) -> Vec<u8> {
    match p.fetch_asset(url).await.unwrap() {
        Asset::Http(resp) => resp.bytes().await.unwrap().to_vec(),
        Asset::Memory(bytes) => bytes,
    }
}

#[tokio::test]
async fn an_imagine_becomes_a_grid_with_its_buttons_from_the_cdn() {
    let server = server().await;
    let p = provider(&server);
    let job = p.submit("a lighthouse in fog", "ref-1").await.unwrap();
    assert_eq!((job.state.clone(), job.ahead), (RemoteState::Queued, None));
    let (out, saw_progress) = poll_to_completion(&p, &job.remote_id).await;
    assert!(saw_progress, "progress is read from \"46%\"");
    let grid = out.grid.clone().expect("a grid");
    assert!(grid.as_str().starts_with(&server.cdn_url()), "{grid}");
    let named: Vec<_> = out.buttons.iter().map(|b| (b.kind, b.index)).collect();
    for wanted in [
        (ActionKind::Upscale, Some(1)),
        (ActionKind::Variation, Some(4)),
        (ActionKind::Reroll, None),
    ] {
        assert!(named.contains(&wanted), "{wanted:?} in {named:?}");
    }
    let picture = image::load_from_memory(&downloaded(&p, &grid).await).unwrap();
    assert_eq!(picture.width(), 256);
    assert!(
        !server.saw_secret_on_cdn(),
        "the secret never goes to the CDN"
    );
    let task = server.task(&job.remote_id).unwrap();
    assert_eq!(task["state"], "ref-1", "the reference travels as state");
    assert_eq!(server.requests("/mj/submit/imagine"), 1);
}

#[tokio::test]
async fn the_secret_goes_as_the_account_says_or_not_at_all() {
    let cases = [
        (SecretStyle::Header, AuthStyle::MjApiSecret),
        (SecretStyle::Bearer, AuthStyle::Bearer),
        (SecretStyle::None, AuthStyle::NoSecret),
    ];
    for (style, auth) in cases {
        let server = server_with(|c| c.auth = style).await;
        let secret = (auth != AuthStyle::NoSecret).then_some(SECRET);
        let p = provider_as(&server, secret, auth, None);
        let job = p.submit("a cat", "r").await.unwrap();
        let out = done(&p, &job.remote_id).await;
        downloaded(&p, out.grid.as_ref().unwrap()).await;
        assert!(!server.saw_secret_on_cdn(), "{style:?}");

        let wrong = match auth {
            AuthStyle::Bearer => AuthStyle::MjApiSecret,
            _ => AuthStyle::Bearer,
        };
        let err = provider_as(&server, Some(SECRET), wrong, None)
            .submit("a cat", "r")
            .await;
        match style {
            SecretStyle::None => assert!(err.is_ok(), "an open server takes anything"),
            _ => assert!(err.unwrap_err().is_auth(), "{style:?} refuses {wrong:?}"),
        }
    }
}

#[tokio::test]
async fn test_connection_says_what_it_found() {
    let header = server_with(|c| c.modes = true).await;
    let health = provider(&header).health().await.unwrap();
    assert!(health.healthy, "{health:?}");
    assert_eq!(
        health.summary,
        "Secret accepted (sent as mj-api-secret). Speed modes: fast, relax, turbo."
    );

    let bearer_account = provider_as(&header, Some(SECRET), AuthStyle::Bearer, None);
    let health = bearer_account.health().await.unwrap();
    assert!(!health.healthy);
    assert_eq!(
        health.summary,
        "The server refused the secret as Authorization: Bearer but takes it as \
         mj-api-secret: choose that in the account."
    );
    let wrong = provider_as(&header, Some("wrong"), AuthStyle::MjApiSecret, None);
    assert!(wrong.health().await.unwrap_err().is_auth());
    let none = provider_as(&header, None, AuthStyle::NoSecret, None);
    let health = none.health().await.unwrap();
    assert!(
        !health.healthy && health.summary.contains("asks for a secret"),
        "{health:?}"
    );

    let plain = server_with(|c| c.auth = SecretStyle::Bearer).await;
    let turbo = provider_as(
        &plain,
        Some(SECRET),
        AuthStyle::Bearer,
        Some(SpeedMode::Turbo),
    );
    let health = turbo.health().await.unwrap();
    assert!(!health.healthy);
    assert_eq!(
        health.summary,
        "Secret accepted (sent as Authorization: Bearer). This server has no speed modes. The \
         account's speed mode (turbo) is not among them: choose another in the account."
    );

    let open = server_with(|c| c.auth = SecretStyle::None).await;
    let health = provider(&open).health().await.unwrap();
    assert!(
        health.summary.starts_with("The server needs no secret"),
        "{health:?}"
    );
    let health = provider_as(&open, None, AuthStyle::NoSecret, None)
        .health()
        .await
        .unwrap();
    assert!(
        health.healthy
            && health
                .summary
                .starts_with("The server takes requests without")
    );
}

#[tokio::test]
async fn a_speed_mode_is_the_route_it_goes_by() {
    let modes = server_with(|c| c.modes = true).await;
    let relax = provider_as(
        &modes,
        Some(SECRET),
        AuthStyle::MjApiSecret,
        Some(SpeedMode::Relax),
    );
    let job = relax.submit("a slow cat", "r").await.unwrap();
    done(&relax, &job.remote_id).await;
    assert_eq!(
        modes.task(&job.remote_id).unwrap()["properties"]["mode"],
        "relax"
    );

    let plain = server().await;
    let fast = provider_as(
        &plain,
        Some(SECRET),
        AuthStyle::MjApiSecret,
        Some(SpeedMode::Fast),
    );
    let err = fast.submit("a cat", "r").await.unwrap_err();
    assert!(err.to_string().contains("no fast mode"), "{err}");
    assert_eq!(plain.submissions(), 0);
}

#[tokio::test]
async fn many_tasks_are_polled_in_one_request_and_unknown_ones_left_out() {
    let server = server_with(|c| c.concurrency = 10).await;
    let p = provider(&server);
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(p.submit(&format!("cat {i}"), "r").await.unwrap().remote_id);
    }
    ids.push("999999999".into());
    let before = server.requests("/mj/task/list-by-condition");
    let states = p.poll_batch(&ids).await.unwrap();
    assert_eq!(server.requests("/mj/task/list-by-condition") - before, 1);
    assert_eq!(states.len(), 5);
    assert!(!states.contains_key("999999999"));
    assert!(p.batch_limit() >= 50);
}

#[tokio::test]
async fn each_submit_code_reads_as_it_means() {
    let server = server_with(|c| {
        c.concurrency = 1;
        c.queue_size = 2;
        c.pending = Duration::from_secs(30);
    })
    .await;
    let p = provider(&server);
    let first = p.submit("one", "r1").await.unwrap();
    assert_eq!(first.ahead, None, "code 1");
    let second = p.submit("two", "r2").await.unwrap();
    assert_eq!(second.ahead, Some(0), "code 22: first in the queue");
    let third = p.submit("three", "r3").await.unwrap();
    assert_eq!(third.ahead, Some(1), "code 22: one ahead");
    let full = p.submit("four", "r4").await.unwrap_err();
    assert_eq!(
        full,
        ProviderError::QueueFull {
            service: "midjourney-proxy"
        },
        "code 23"
    );
    assert!(full.to_string().contains("nothing was charged"));

    let banned = p.submit("a gore scene", "r4").await.unwrap_err();
    assert!(
        banned.to_string().contains("would refuse the word “gore”"),
        "code 24: {banned}"
    );
    let refused = p
        .act("no-such-task", "MJ::JOB::upsample::1::x")
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, ProviderError::Rejected { detail, .. } if detail.contains("no task")),
        "another code: the server's description: {refused:?}"
    );
}

#[tokio::test]
async fn a_repeated_upscale_follows_the_task_already_made() {
    let server = server().await;
    let p = provider(&server);
    let grid = p.submit("a fox", "r").await.unwrap();
    let out = done(&p, &grid.remote_id).await;
    let u2 = out.buttons.iter().find(|b| b.label == "U2").unwrap();
    let Sent::Started(first) = p.act(&grid.remote_id, &u2.custom_id).await.unwrap() else {
        panic!("an upscale needs no prompt")
    };
    let made = server.submissions();
    let Sent::Started(again) = p.act(&grid.remote_id, &u2.custom_id).await.unwrap() else {
        panic!("code 21 for an existing task is not a modal one")
    };
    assert_eq!(
        again.remote_id, first.remote_id,
        "the existing task is followed"
    );
    assert_eq!(server.submissions(), made, "never a second one");
    let one = done(&p, &first.remote_id).await;
    assert!(one.grid.is_some() && one.upscales.is_empty());
}

#[tokio::test]
async fn remix_asks_for_the_prompt_and_the_modal_step_starts_the_task() {
    let server = server_with(|c| c.remix = true).await;
    let p = provider(&server);
    let grid = p.submit("a red fox --ar 3:2", "r").await.unwrap();
    let out = done(&p, &grid.remote_id).await;
    let v1 = out
        .buttons
        .iter()
        .find(|b| b.kind == ActionKind::Variation)
        .unwrap();
    let sent = p.act(&grid.remote_id, &v1.custom_id).await.unwrap();
    let Sent::NeedsPrompt {
        remote_id,
        suggested,
    } = sent
    else {
        panic!("{sent:?}")
    };
    assert_eq!(suggested.as_deref(), Some("a red fox --ar 3:2"));
    let job = p
        .confirm(&remote_id, "a blue fox --ar 3:2", None)
        .await
        .unwrap();
    assert_eq!(job.remote_id, remote_id);
    let varied = done(&p, &remote_id).await;
    assert!(
        !varied.buttons.is_empty(),
        "a variation is a new grid with its buttons"
    );

    // Vary Region: the mask goes as a PNG data URL.
    let upscale = out.buttons.iter().find(|b| b.label == "U1").unwrap();
    let Sent::Started(one) = p.act(&grid.remote_id, &upscale.custom_id).await.unwrap() else {
        panic!()
    };
    let one_out = done(&p, &one.remote_id).await;
    let region = one_out
        .buttons
        .iter()
        .find(|b| b.kind == ActionKind::VaryRegion)
        .expect("an upscale offers Vary Region");
    let Sent::NeedsPrompt { remote_id, .. } =
        p.act(&one.remote_id, &region.custom_id).await.unwrap()
    else {
        panic!("Vary Region waits for its mask")
    };
    let mask = png(128, 85, 255);
    p.confirm(&remote_id, "a fox in a hat", Some(&mask))
        .await
        .unwrap();
    done(&p, &remote_id).await;
    let task = server.task(&remote_id).unwrap();
    assert!(task["properties"].to_string().contains("mask"), "{task}");
}

#[tokio::test]
async fn describe_and_blend_send_pictures_as_data() {
    let server = server().await;
    let p = provider(&server);
    let job = p.describe(&png(40, 32, 10)).await.unwrap();
    let out = done(&p, &job.remote_id).await;
    assert_eq!(out.prompts.len(), 4, "{out:?}");
    assert!(
        out.prompts.iter().all(|s| !s.starts_with(char::is_numeric)),
        "{out:?}"
    );

    let pictures = [png(32, 32, 0), png(32, 32, 250)];
    let job = p.blend(&pictures, BlendShape::Landscape).await.unwrap();
    let out = done(&p, &job.remote_id).await;
    let grid = image::load_from_memory(&downloaded(&p, out.grid.as_ref().unwrap()).await).unwrap();
    assert!(grid.width() > grid.height(), "landscape");
    let one = p
        .blend(&pictures[..1], BlendShape::Square)
        .await
        .unwrap_err();
    assert!(one.to_string().contains("2 to 5 pictures"), "{one}");

    let prompted = p
        .submit_with_images("like this --ar 1:1", "r", &pictures)
        .await
        .unwrap();
    done(&p, &prompted.remote_id).await;
    let task = server.task(&prompted.remote_id).unwrap();
    assert!(task["properties"].to_string().contains("32"), "{task}");
}

#[tokio::test]
async fn failed_cancelled_and_lost_tasks_say_so() {
    let server = server().await;
    let p = provider(&server);
    let job = p.submit("a storm [cancel]", "r").await.unwrap();
    let message = loop {
        if let RemoteState::Failed { message } = p.poll(&job.remote_id).await.unwrap() {
            break message;
        }
        tokio::time::sleep(Duration::from_millis(60)).await;
    };
    assert!(message.starts_with("Cancelled by the service"), "{message}");

    server.script_task(TaskFault::Fail);
    let job = p.submit("a storm", "r").await.unwrap();
    let message = loop {
        if let RemoteState::Failed { message } = p.poll(&job.remote_id).await.unwrap() {
            break message;
        }
        tokio::time::sleep(Duration::from_millis(60)).await;
    };
    assert!(message.contains("Invalid parameter"), "{message}");

    // A lost answer cannot be looked up: said so, not as a passing failure.
    server.push_fault(Fault::new("/mj/submit/imagine", 502, 1).after_handling());
    let lost = p.submit("a lost prompt", "r-lost").await.unwrap_err();
    assert!(lost.answer_lost(), "{lost:?}");
    let err = p.find_by_reference("r-lost").await.unwrap_err();
    assert!(!err.is_transient(), "{err:?}");
}

/// The account form's flow: a server with no secret needs none kept or asked for, its options
/// are kept, and a job goes through it like any other.
#[tokio::test]
async fn an_account_without_a_secret_keeps_none_and_makes_images() {
    let lab = DemoLab::instant();
    let server = server_with(|c| {
        c.auth = SecretStyle::None;
        c.modes = true;
    })
    .await;
    let options = AccountOptions {
        auth: AuthStyle::NoSecret,
        speed: Some(SpeedMode::Relax),
    };
    let new = NewAccount {
        provider: ProviderKind::MjPlus,
        label: "Proxy".into(),
        base_url: server.base_url(),
        token: Secret::new(""),
        allow_unencrypted: false,
        options: options.clone(),
    };
    let view = lab.app.add_account(&new).unwrap();
    assert!(!view.needs_token && !view.token_set, "{view:?}");
    assert_eq!(view.account.options, options);
    let id = view.account.id;
    let keychain = view.account.keychain_name();
    assert!(lab.secrets.get(&keychain).unwrap().is_none());
    let health = lab.app.test_connection(id).await.unwrap();
    assert!(health.healthy, "{health:?}");

    let job = lab.app.submit(id, "a quiet harbour").await.unwrap();
    let job = finished(&lab.app, job.id).await;
    assert_eq!(job.status, JobStatus::Done, "{job:?}");
    assert_eq!(server.requests("/mj/submit/imagine"), 1);

    // Choosing a secret asks for it and keeps it; choosing none again removes it.
    let mut change = AccountChange {
        label: "Proxy".into(),
        base_url: server.base_url(),
        allow_unencrypted: false,
        token: Some(Secret::new(SECRET)),
        options: AccountOptions::default(),
    };
    let view = lab.app.update_account(id, &change).unwrap();
    assert!(view.needs_token && view.token_set, "{view:?}");
    change.token = None;
    change.options.auth = AuthStyle::NoSecret;
    let view = lab.app.update_account(id, &change).unwrap();
    assert!(!view.needs_token && !view.token_set, "{view:?}");
    assert!(lab.secrets.get(&keychain).unwrap().is_none());

    // Only midjourney-proxy has the choice: another service's account always keeps a token.
    let other = NewAccount {
        provider: ProviderKind::ImagineApi,
        token: Secret::new("tok-1"),
        ..new
    };
    let view = lab.app.add_account(&other).unwrap();
    assert!(view.needs_token && view.token_set);
    assert_eq!(view.account.options, AccountOptions::default());
}
