//! Accounts and the Demo provider through the whole core: a fresh library works offline,
//! accounts keep their tokens in the secret store, and deleting one does what was asked.

use std::time::Duration;

use crate::harness::demo::DemoLab;
use crate::harness::finished;
use atelier_core::accounts::{AccountView, Address, HistoryChoice};
use atelier_core::app::{AccountChange, NewAccount};
use atelier_core::engine::{JobStatus, Slot};
use atelier_core::providers::ProviderKind;
use atelier_core::secrets::{Secret, SecretStore};
use atelier_core::ErrorCode;

/// A library with only Demo, whose jobs take a quarter of a second.
fn open() -> DemoLab {
    DemoLab::open(Duration::from_millis(50), Duration::from_millis(200))
}

fn new_account(token: &str) -> NewAccount {
    NewAccount {
        provider: ProviderKind::ImagineApi,
        label: " Work ".into(),
        base_url: String::new(),
        token: token.into(),
        allow_unencrypted: false,
        options: Default::default(),
    }
}

fn change(base_url: &str, token: Option<&str>, allow_unencrypted: bool) -> AccountChange {
    AccountChange {
        label: "Studio".into(),
        base_url: base_url.into(),
        allow_unencrypted,
        token: token.map(Secret::from),
        options: Default::default(),
    }
}

#[tokio::test]
async fn a_token_goes_only_to_an_address_the_person_approved() {
    let lab = open();
    let (app, secrets) = (&lab.app, &lab.secrets);
    let code =
        |r: Result<_, atelier_core::AtelierError>| r.map(|_: AccountView| ()).unwrap_err().code();

    // Plain HTTP to another machine: asked about first, then kept with the account.
    let mut new = new_account("tok-1");
    new.base_url = "http://192.0.2.7:8080/api/".into();
    assert_eq!(code(app.add_account(&new)), ErrorCode::UnencryptedAddress);
    assert_eq!(app.accounts().unwrap().len(), 1, "nothing added");
    new.allow_unencrypted = true;
    let lan = app.add_account(&new).unwrap().account;
    assert_eq!(
        (lan.base_url.as_str(), lan.allow_unencrypted),
        ("http://192.0.2.7:8080/api", true)
    );
    // This computer needs no such word, and none is kept.
    new.base_url = "http://127.0.0.1:9".into();
    let local = app.add_account(&new).unwrap().account;
    assert!(!local.allow_unencrypted);
    new.base_url = "https://me:pw@mj.example.com".into();
    assert_eq!(code(app.add_account(&new)), ErrorCode::BadAddress);

    // Another server: the token must come again, or nothing changes.
    let id = local.id;
    let moved = change("http://127.0.0.1:10", None, false);
    assert_eq!(code(app.update_account(id, &moved)), ErrorCode::TokenNeeded);
    let unchanged = &app.accounts().unwrap()[2].account;
    assert_eq!(
        (unchanged.label.as_str(), unchanged.base_url.as_str()),
        ("Work", "http://127.0.0.1:9")
    );
    // The same server under another path keeps its token.
    app.update_account(id, &change("http://127.0.0.1:9/v2", None, false))
        .unwrap();
    let moved = change("http://127.0.0.1:10", Some("tok-2"), false);
    let view = app.update_account(id, &moved).unwrap();
    assert_eq!(view.account.base_url, "http://127.0.0.1:10");
    let token = secrets.get(&view.account.keychain_name()).unwrap().unwrap();
    assert_eq!(token.expose(), "tok-2");

    // Going back to the unencrypted address without the word again is refused too.
    let plain = change("http://192.0.2.7:8080", Some("tok-3"), false);
    assert_eq!(
        code(app.update_account(id, &plain)),
        ErrorCode::UnencryptedAddress
    );

    // An unencrypted address kept by an older Atelier, never approved: no request is made
    // (a request would take the 10 s connect timeout and end as "unreachable").
    let old = Address {
        url: "http://192.0.2.7:8080".into(),
        allow_unencrypted: false,
    };
    app.store().update_account(lan.id, "Old", &old).unwrap();
    let err = app.test_connection(lan.id).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::UnencryptedAddress, "{err}");
}

#[tokio::test]
async fn pasted_addresses_are_trimmed_and_near_misses_get_the_right_one_offered() {
    let lab = open();
    let app = &lab.app;
    let refused = |provider, base_url: &str| {
        let mut new = new_account("tok-1");
        (new.provider, new.base_url) = (provider, base_url.into());
        let e = app.add_account(&new).unwrap_err();
        assert_eq!(e.code(), ErrorCode::BadAddress, "{base_url}: {e}");
        let reply = atelier_core::ErrorReply::from(&e);
        (reply.message, reply.suggestion.unwrap_or_default())
    };
    let imagine = ProviderKind::ImagineApi;
    assert_eq!(
        refused(imagine, " cl.imagineapi.dev "),
        (
            "Add https:// in front: https://cl.imagineapi.dev".into(),
            "https://cl.imagineapi.dev".into()
        )
    );
    for pasted in [
        "https://cl.imagineapi.dev/items/images",
        "https://cl.imagineapi.dev/items/images/abc",
        "\u{200B}https://cl.imagineapi.dev/items/images/?x ",
        "cl.imagineapi.dev/items/images/",
    ] {
        let (message, suggestion) = refused(imagine, pasted);
        assert_eq!(suggestion, "https://cl.imagineapi.dev", "{pasted}");
        assert!(
            message.contains("points inside ImagineAPI, not where its requests go"),
            "{message}"
        );
    }
    let client = ProviderKind::AiClient;
    for pasted in [
        "https://app.ai-client.com/api/v1/imagine",
        "https://app.ai-client.com/api/v1/threads/abc/entries",
        "https://app.ai-client.com",
    ] {
        let suggestion = refused(client, pasted).1;
        assert_eq!(suggestion, "https://app.ai-client.com/api/v1", "{pasted}");
    }
    assert_eq!(app.accounts().unwrap().len(), 1, "nothing added");

    let mut new = new_account(" \u{FEFF}tok-1 ");
    new.base_url = "  https://cl.imagineapi.dev/  ".into();
    let added = app.add_account(&new).unwrap().account;
    assert_eq!(
        (added.label.as_str(), added.base_url.as_str()),
        ("Work", "https://cl.imagineapi.dev")
    );
    let token = lab.secrets.get(&added.keychain_name()).unwrap().unwrap();
    assert_eq!(token.expose(), "tok-1");
}

#[tokio::test]
async fn a_fresh_library_makes_images_offline_with_demo() {
    let lab = open();
    let app = &lab.app;
    let accounts = app.accounts().unwrap();
    assert_eq!(accounts.len(), 1);
    let demo = &accounts[0];
    assert!(demo.active && !demo.needs_token);
    assert_eq!(demo.account.provider, ProviderKind::Demo);

    let job = app
        .submit(demo.account.id, "a harbour --ar 16:9")
        .await
        .unwrap();
    let done = finished(app, job.id).await;
    assert_eq!(done.status, JobStatus::Done, "{:?}", done.error);
    assert_eq!(
        done.images.iter().map(|i| i.slot).collect::<Vec<_>>(),
        Slot::ALL
    );
    let grid = &done.images[0];
    assert_eq!(
        (grid.width, grid.height),
        (2048, 1152),
        "a 2×2 grid of 16:9 singles"
    );
    assert_eq!(grid.source_url, None, "the grid was composed here");
    let composed = image::open(&grid.file).unwrap().to_rgb8();
    let u4 = image::open(&done.images[4].file).unwrap().to_rgb8();
    assert_eq!(composed.get_pixel(1024 + 5, 576 + 5), u4.get_pixel(5, 5));
    assert_eq!((done.account_label.as_str(), done.credits), ("Demo", None));
}

#[tokio::test]
async fn accounts_keep_tokens_in_the_secret_store_and_delete_cleanly() {
    let lab = open();
    let (app, secrets) = (&lab.app, &lab.secrets);

    assert!(
        app.add_account(&new_account("  ")).is_err(),
        "no token, no account"
    );
    assert_eq!(app.accounts().unwrap().len(), 1);

    let work = app.add_account(&new_account("tok-1")).unwrap();
    assert!(work.token_set);
    assert!(
        !work.active,
        "prompts still go to Demo until the person chooses"
    );
    assert!(app.accounts().unwrap()[0].active);
    assert!(app.set_active(work.account.id).unwrap().active);
    assert_eq!(work.account.label, "Work");
    assert_eq!(work.account.base_url, "https://cl.imagineapi.dev");
    let entry = work.account.keychain_name();
    assert_eq!(secrets.get(&entry).unwrap().unwrap().expose(), "tok-1");
    let renamed = app
        .update_account(work.account.id, &change("", None, false))
        .unwrap();
    assert_eq!(
        (
            renamed.account.label.as_str(),
            renamed.account.base_url.as_str()
        ),
        ("Studio", "https://cl.imagineapi.dev")
    );

    let demo_id = app.accounts().unwrap()[0].account.id;
    assert!(
        app.delete_account(demo_id, HistoryChoice::Keep).is_err(),
        "Demo is built in"
    );
    let job = app.submit(demo_id, "kept?").await.unwrap();
    finished(app, job.id).await;

    app.delete_account(work.account.id, HistoryChoice::Delete)
        .unwrap();
    assert_eq!(
        secrets.get(&entry).unwrap(),
        None,
        "the keychain entry is gone"
    );
    assert_eq!(app.accounts().unwrap().len(), 1);
    assert!(app.accounts().unwrap()[0].active, "Demo is active again");
    assert_eq!(
        app.library_page(&Default::default(), None, 10)
            .unwrap()
            .jobs
            .len(),
        1,
        "other accounts' jobs stay"
    );
}

#[tokio::test]
async fn a_cancelled_job_stays_cancelled() {
    let lab = DemoLab::open(Duration::from_millis(50), Duration::from_millis(600));
    let app = &lab.app;
    let job = lab.submit("changed my mind").await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    app.cancel(job.id).unwrap();
    // Long enough for the Demo job to have finished, had it still been followed.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let after = finished(app, job.id).await;
    assert_eq!(after.status, JobStatus::Cancelled);
    assert!(after.images.is_empty());
    let why = after.error.unwrap();
    assert!(why.starts_with("Cancelled"), "{why}");
    assert!(!why.contains("charge"), "a Demo job costs nothing: {why}");
    assert_eq!(
        app.resume().unwrap(),
        0,
        "a cancelled job is not picked up again"
    );
}
