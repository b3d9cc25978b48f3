//! The stand-in over real HTTP: when a job completes, which requests count as downloads, and
//! the listing of the account's past images with the refusals Directus gives.

use super::*;
use serde_json::{json, Value};
use support::{download, keys, reply, Client};

// The client the stand-in's integration tests share.
#[path = "../../tests/support/mod.rs"]
mod support;

async fn server(bot_status: &str) -> ImagineApi {
    let config = ImagineApiConfig {
        pending: Duration::from_millis(100),
        running: Duration::from_millis(300),
        grid_size: 64,
        bot_status: bot_status.into(),
        ..ImagineApiConfig::default()
    };
    ImagineApi::start(config, 0).await.unwrap()
}

fn client(api: &ImagineApi) -> Client {
    Client::new(&api.base_url(), "standin-token")
}

async fn call(api: &ImagineApi, path: &str, body: Option<Value>) -> Value {
    let client = client(api);
    let req = match body {
        Some(body) => client.post(path).json(&body),
        None => client.get(path),
    };
    let reply = req.send().await.unwrap();
    assert!(reply.status().is_success(), "{path}: {}", reply.status());
    if path.starts_with("/assets/") {
        return Value::Null;
    }
    reply.json::<Value>().await.unwrap()["data"].clone()
}

async fn submit(api: &ImagineApi, prompt: &str) -> String {
    let job = call(api, "/items/images/", Some(json!({ "prompt": prompt }))).await;
    job["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn completion_instant_matches_what_polls_see() {
    let api = server("healthy").await;
    let before = Instant::now();
    let id = submit(&api, "a cat").await;
    let after = Instant::now();
    let done = api.completed_at(&id).unwrap();
    let lasts = Duration::from_millis(400);
    assert!(before + lasts <= done && done <= after + lasts);
    tokio::time::sleep_until(done.into()).await;
    let job = call(&api, &format!("/items/images/{id}"), None).await;
    assert_eq!(job["status"], "completed");

    let slow = submit(&api, "a cat [slow]").await;
    let slow_done = api.completed_at(&slow).unwrap();
    assert!(slow_done >= after + lasts * 10);
    let failing = submit(&api, "a cat [fail]").await;
    assert_eq!(api.completed_at(&failing), None);
    assert_eq!(api.completed_at("no-such-id"), None);

    let down = server("unhealthy").await;
    let queued = submit(&down, "a cat").await;
    assert_eq!(down.completed_at(&queued), None);
}

#[tokio::test]
async fn asset_downloads_are_counted_apart_from_api_calls() {
    let api = server("healthy").await;
    let id = submit(&api, "a cat").await;
    // Halfway through drawing, a preview is on offer.
    tokio::time::sleep(Duration::from_millis(250)).await;
    let running = call(&api, &format!("/items/images/{id}"), None).await;
    let preview = running["url"].as_str().unwrap().to_owned();
    call(&api, &preview.replace(&api.base_url(), ""), None).await;
    tokio::time::sleep_until(api.completed_at(&id).unwrap().into()).await;
    let done = call(&api, &format!("/items/images/{id}"), None).await;
    let grid = done["url"].as_str().unwrap().replace(&api.base_url(), "");
    call(&api, &grid, None).await;
    let bare = grid.rsplit_once('/').unwrap().0.to_owned();
    call(&api, &bare, None).await;
    call(&api, "/items/status", None).await;

    assert_eq!(api.requests(), 7);
    assert_eq!(api.asset_requests(), 3);
    assert_eq!(api.preview_requests(), 1);
}

const PAST: &str = "/items/images?fields=id,prompt,status,url,upscaled_urls,error,ref,\
    date_created,parent_id&filter[user_created][_eq]=$CURRENT_USER&sort=-date_created\
    &limit=50&page=";

async fn with_past(past: PastImages, hidden: bool) -> ImagineApi {
    let config = ImagineApiConfig {
        grid_size: 64,
        past,
        user_created_hidden: hidden,
        ..ImagineApiConfig::default()
    };
    ImagineApi::start(config, 0).await.unwrap()
}

async fn get(api: &ImagineApi, path: &str) -> (StatusCode, Value) {
    reply(client(api).get(path)).await
}

#[tokio::test]
async fn past_images_are_listed_as_directus_pages_of_the_tokens_own() {
    let past = PastImages {
        completed: 90,
        failed: 10,
        in_progress: 10,
        other_users: 10,
    };
    let api = with_past(past, false).await;
    let mine = submit(&api, "made just now").await;
    let (status, first) = get(&api, &format!("{PAST}1&meta=filter_count")).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(
        first["meta"]["filter_count"], 111,
        "the other user's are not counted"
    );
    let items = first["data"].as_array().unwrap();
    assert_eq!(items.len(), 50);
    assert_eq!(items[0]["id"], mine.as_str(), "newest first");
    assert_eq!(
        keys(&items[1]),
        [
            "date_created",
            "error",
            "id",
            "parent_id",
            "prompt",
            "ref",
            "status",
            "upscaled_urls",
            "url"
        ],
        "only the fields asked for"
    );

    let mut seen = Vec::new();
    for page in 1..=4 {
        let (_, reply) = get(&api, &format!("{PAST}{page}")).await;
        assert!(reply.get("meta").is_none(), "meta only when asked");
        seen.extend(reply["data"].as_array().unwrap().clone());
    }
    assert_eq!(seen.len(), 111, "pages of 50, 50, 11, then none");
    let dates: Vec<&str> = seen
        .iter()
        .map(|i| i["date_created"].as_str().unwrap())
        .collect();
    assert!(
        dates.windows(2).all(|w| w[0] >= w[1]),
        "sorted by -date_created"
    );
    let status_of = |s: &str| seen.iter().filter(|i| i["status"] == s).count();
    assert_eq!(
        (
            status_of("completed"),
            status_of("failed"),
            status_of("in-progress")
        ),
        (90, 10, 10)
    );
    assert_eq!(api.past_listings(), 5);

    // A completed past image's grid and upscales are real pictures.
    let done = seen
        .iter()
        .find(|i| i["status"] == "completed" && i["id"] != mine.as_str())
        .unwrap();
    let mut urls = vec![done["url"].as_str().unwrap().to_owned()];
    for u in done["upscaled_urls"].as_array().unwrap() {
        urls.push(u.as_str().unwrap().to_owned());
    }
    assert_eq!(urls.len(), 5);
    for url in urls {
        let (_, _, bytes) = download(&url).await;
        assert!(image::load_from_memory(&bytes).is_ok(), "{url}");
    }
}

#[tokio::test]
async fn a_role_that_may_not_read_the_owner_is_refused_the_listing() {
    let api = with_past(
        PastImages {
            completed: 3,
            ..PastImages::default()
        },
        true,
    )
    .await;
    let (status, reply) = get(&api, &format!("{PAST}1&meta=filter_count")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(reply["errors"][0]["extensions"]["code"], "FORBIDDEN");
    assert!(reply["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("user_created"));
    // Other listings (batch polling) still work.
    let (status, _) = get(&api, "/items/images?fields=id,status&limit=5").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn unknown_fields_are_refused_as_directus_does() {
    let api = with_past(PastImages::default(), false).await;
    let (status, reply) = get(&api, "/items/images?fields=id,colour").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(reply["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("colour"));
}

#[tokio::test]
async fn a_server_that_ignores_page_sends_the_first_page_every_time() {
    let config = ImagineApiConfig {
        past: PastImages {
            completed: 70,
            ..PastImages::default()
        },
        page_ignored: true,
        ..ImagineApiConfig::default()
    };
    let api = ImagineApi::start(config, 0).await.unwrap();
    let (_, first) = get(&api, &format!("{PAST}1&meta=filter_count")).await;
    let (_, third) = get(&api, &format!("{PAST}3&meta=filter_count")).await;
    assert_eq!(first["data"].as_array().unwrap().len(), 50);
    assert_eq!(third["data"], first["data"]);
    assert_eq!(third["meta"]["filter_count"], 70, "the true total, still");
}
