//! Accounts and the Demo provider through the whole core: a fresh library works offline,
//! accounts keep their tokens in the secret store, and deleting one does what was asked.

mod common;

use std::sync::Arc;
use std::time::Duration;

use atelier_core::accounts::HistoryChoice;
use atelier_core::app::NewAccount;
use atelier_core::jobs::{Job, JobStatus, Slot};
use atelier_core::providers::demo::Demo;
use atelier_core::providers::ProviderKind;
use atelier_core::secrets::{MemoryStore, SecretStore};
use atelier_core::Atelier;
use common::{fast, finished};

fn open(dir: &std::path::Path, secrets: Arc<MemoryStore>) -> Atelier {
    let config = fast();
    Atelier::open(dir, secrets, config, Arc::new(|_: &Job| {}))
        .unwrap()
        .with_demo(Demo::new(
            Duration::from_millis(50),
            Duration::from_millis(200),
        ))
}

fn new_account(token: &str) -> NewAccount {
    NewAccount {
        provider: ProviderKind::ImagineApi,
        label: " Work ".into(),
        base_url: String::new(),
        token: token.into(),
    }
}

#[tokio::test]
async fn a_fresh_library_makes_images_offline_with_demo() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path(), Arc::new(MemoryStore::default()));
    let accounts = app.accounts().unwrap();
    assert_eq!(accounts.len(), 1);
    let demo = &accounts[0];
    assert!(demo.active && !demo.needs_token);
    assert_eq!(demo.account.provider, ProviderKind::Demo);

    let job = app
        .submit(demo.account.id, "a harbour --ar 16:9")
        .await
        .unwrap();
    let done = finished(&app, job.id).await;
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
    let dir = tempfile::tempdir().unwrap();
    let secrets = Arc::new(MemoryStore::default());
    let app = open(dir.path(), secrets.clone());

    assert!(
        app.add_account(&new_account("  ")).is_err(),
        "no token, no account"
    );
    assert_eq!(app.accounts().unwrap().len(), 1);

    let work = app.add_account(&new_account("tok-1")).unwrap();
    assert!(work.active && work.token_set);
    assert_eq!(work.account.label, "Work");
    assert_eq!(work.account.base_url, "https://cl.imagineapi.dev");
    let entry = work.account.keychain_name();
    assert_eq!(secrets.get(&entry).unwrap().unwrap().expose(), "tok-1");
    let renamed = app
        .update_account(work.account.id, "Studio", "http://127.0.0.1:9/")
        .unwrap();
    assert_eq!(
        (
            renamed.account.label.as_str(),
            renamed.account.base_url.as_str()
        ),
        ("Studio", "http://127.0.0.1:9")
    );
    assert!(app
        .update_account(work.account.id, "Studio", "not a url")
        .is_err());

    let demo_id = app.accounts().unwrap()[0].account.id;
    assert!(
        app.delete_account(demo_id, HistoryChoice::Keep).is_err(),
        "Demo is built in"
    );
    let job = app.submit(demo_id, "kept?").await.unwrap();
    finished(&app, job.id).await;

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
    let dir = tempfile::tempdir().unwrap();
    let config = fast();
    let app = Atelier::open(
        dir.path(),
        Arc::new(MemoryStore::default()),
        config,
        Arc::new(|_: &Job| {}),
    )
    .unwrap()
    .with_demo(Demo::new(
        Duration::from_millis(50),
        Duration::from_millis(600),
    ));
    let demo = app.accounts().unwrap()[0].account.id;
    let job = app.submit(demo, "changed my mind").await.unwrap();
    tokio::time::sleep(Duration::from_millis(150)).await;
    app.cancel(job.id).unwrap();
    // Long enough for the Demo job to have finished, had it still been followed.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let after = finished(&app, job.id).await;
    assert_eq!(after.status, JobStatus::Cancelled);
    assert!(after.images.is_empty());
    assert!(after.error.unwrap().starts_with("Cancelled"));
    assert_eq!(
        app.resume().unwrap(),
        0,
        "a cancelled job is not picked up again"
    );
}
