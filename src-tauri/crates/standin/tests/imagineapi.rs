//! The ImagineAPI stand-in over real HTTP, as the app's client will see it.

use std::time::{Duration, Instant};

use atelier_standin::{Fault, ImagineApi, ImagineApiConfig};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::{download as bytes, http, keys, reply, Client};

mod support;

const TOKEN: &str = "test-token";
const GRID: u32 = 256;

async fn server() -> ImagineApi {
    let config = ImagineApiConfig {
        token: TOKEN.into(),
        pending: Duration::from_millis(100),
        running: Duration::from_millis(600),
        grid_size: GRID,
        ..ImagineApiConfig::default()
    };
    ImagineApi::start(config, 0).await.expect("stand-in starts")
}

fn client(api: &ImagineApi) -> Client {
    Client::new(&api.base_url(), TOKEN)
}

async fn submit(api: &ImagineApi, body: Value) -> (StatusCode, Value) {
    reply(client(api).post("/items/images/").json(&body)).await
}

async fn get(api: &ImagineApi, path: &str) -> (StatusCode, Value) {
    reply(client(api).get(path)).await
}

/// Polls until the job is completed or failed, returning every status seen on the way.
async fn poll_to_end(api: &ImagineApi, id: &str) -> (Vec<Value>, Value) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen = Vec::new();
    loop {
        let (status, body) = get(api, &format!("/items/images/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        let image = body["data"].clone();
        if image["status"] == "completed" || image["status"] == "failed" {
            return (seen, image);
        }
        seen.push(image);
        assert!(Instant::now() < deadline, "job never finished");
        tokio::time::sleep(Duration::from_millis(15)).await;
    }
}

fn directus_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
}

#[tokio::test]
async fn bad_or_missing_token_is_401_in_directus_shape() {
    let api = server().await;
    for auth in [Some("Bearer nope"), None] {
        let mut request = client(&api).open(Method::GET, "/items/images");
        if let Some(auth) = auth {
            request = request.header("authorization", auth);
        }
        let reply = request.send().await.unwrap();
        assert_eq!(reply.status(), StatusCode::UNAUTHORIZED);
        let body: Value = reply.json().await.unwrap();
        assert_eq!(
            body,
            json!({"errors":[{"message":"Invalid user credentials.","extensions":{"code":"INVALID_CREDENTIALS"}}]})
        );
    }
    assert_eq!(api.submissions(), 0);
}

#[tokio::test]
async fn submit_answers_pending_with_the_seed_fields() {
    let api = server().await;
    let (status, body) = submit(
        &api,
        json!({"prompt": "a lighthouse --ar 3:2", "ref": "job-1"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let image = &body["data"];
    assert_eq!(
        keys(image),
        [
            "date_created",
            "error",
            "id",
            "parent_id",
            "progress",
            "prompt",
            "ref",
            "results",
            "status",
            "upscaled",
            "upscaled_urls",
            "url",
            "user_created"
        ]
    );
    assert_eq!(image["status"], "pending");
    assert_eq!(image["ref"], "job-1");
    assert_eq!(image["prompt"], "a lighthouse --ar 3:2");
    assert_eq!(image["upscaled"], json!([]));
    for null in ["progress", "url", "upscaled_urls", "results", "error"] {
        assert!(image[null].is_null(), "{null} should be null");
    }
    let date = image["date_created"].as_str().unwrap();
    assert_eq!(date.len(), 24, "{date}");
    assert!(date.ends_with('Z') && date.as_bytes()[10] == b'T' && date.as_bytes()[19] == b'.');
    assert_eq!(image["id"].as_str().unwrap().len(), 36);
    assert_eq!(api.submissions(), 1);

    let (status, body) = submit(&api, json!({"prompt": "no ref"})).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["data"]["ref"].is_null());
}

#[tokio::test]
async fn bad_payloads_are_400_invalid_payload() {
    let api = server().await;
    for body in [
        json!({}),
        json!({"prompt": ""}),
        json!({"prompt": 3}),
        json!([1]),
    ] {
        let (status, reply) = submit(&api, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(directus_code(&reply), "INVALID_PAYLOAD");
    }
    let reply = client(&api)
        .post("/items/images")
        .body("prompt=cat")
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        directus_code(&reply.json().await.unwrap()),
        "INVALID_PAYLOAD"
    );
    assert_eq!(api.submissions(), 0);
}

#[tokio::test]
async fn lifecycle_pending_in_progress_completed() {
    let api = server().await;
    let (_, body) = submit(&api, json!({"prompt": "harbour at dawn"})).await;
    let id = body["data"]["id"].as_str().unwrap().to_owned();
    let (seen, done) = poll_to_end(&api, &id).await;

    assert!(seen.iter().any(|i| i["status"] == "pending"));
    let running: Vec<&Value> = seen
        .iter()
        .filter(|i| i["status"] == "in-progress")
        .collect();
    assert!(!running.is_empty(), "never saw in-progress");
    for image in &running {
        let progress: u32 = image["progress"]
            .as_str()
            .expect("progress is a string")
            .parse()
            .unwrap();
        assert!(progress <= 99);
        assert!(image["results"].is_null());
    }
    let preview = running
        .iter()
        .find_map(|i| i["url"].as_str())
        .expect("a partial preview while running");
    assert!(preview.starts_with(&api.base_url()) && preview.ends_with(".webp"));
    let (status, kind, webp) = bytes(preview).await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "image/webp"));
    let img = image::load_from_memory_with_format(&webp, image::ImageFormat::WebP).unwrap();
    assert_eq!((img.width(), img.height()), (GRID, GRID));

    assert_eq!(done["status"], "completed");
    assert!(done["progress"].is_null() && done["error"].is_null());
    let grid_id = done["results"].as_str().unwrap();
    assert_eq!(
        done["url"],
        format!("{}/assets/{grid_id}/{grid_id}.png", api.base_url())
    );
    let urls: Vec<String> = serde_json::from_value(done["upscaled_urls"].clone()).unwrap();
    let upscaled: Vec<String> = serde_json::from_value(done["upscaled"].clone()).unwrap();
    assert_eq!(urls.len(), 4);
    let url_ids: Vec<String> = urls
        .iter()
        .map(|u| u.rsplit('/').nth(1).unwrap().to_owned())
        .collect();
    assert_ne!(url_ids, upscaled, "upscaled must not be in U1..U4 order");
    let (mut a, mut b) = (url_ids.clone(), upscaled.clone());
    a.sort();
    b.sort();
    assert_eq!(a, b);
}

#[tokio::test]
async fn grid_and_upscales_are_real_pngs_of_its_quadrants() {
    let api = server().await;
    let (_, body) = submit(&api, json!({"prompt": "four seasons"})).await;
    let id = body["data"]["id"].as_str().unwrap().to_owned();
    let (_, done) = poll_to_end(&api, &id).await;

    let (status, kind, png) = bytes(done["url"].as_str().unwrap()).await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "image/png"));
    let grid = image::load_from_memory_with_format(&png, image::ImageFormat::Png)
        .unwrap()
        .to_rgb8();
    assert_eq!(grid.dimensions(), (GRID, GRID));

    let half = GRID / 2;
    for (i, url) in done["upscaled_urls"].as_array().unwrap().iter().enumerate() {
        let (status, _, png) = bytes(url.as_str().unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        let up = image::load_from_memory(&png).unwrap().to_rgb8();
        let (x, y) = ((i as u32 % 2) * half, (i as u32 / 2) * half);
        let quadrant = image::imageops::crop_imm(&grid, x, y, half, half).to_image();
        assert!(up == quadrant, "U{} is not its quadrant", i + 1);
    }
    // Asking again serves the same cached bytes.
    assert!(bytes(done["url"].as_str().unwrap()).await.2 == png);
}

#[tokio::test]
async fn wide_prompt_gives_a_wide_grid_cut_into_quadrants() {
    let api = server().await;
    let (_, body) = submit(&api, json!({"prompt": "a harbour --ar 16:9 --v 5"})).await;
    let id = body["data"]["id"].as_str().unwrap().to_owned();
    let (seen, done) = poll_to_end(&api, &id).await;

    let png = bytes(done["url"].as_str().unwrap()).await.2;
    let grid = image::load_from_memory(&png).unwrap().to_rgb8();
    let (w, h) = grid.dimensions();
    assert_eq!(w, GRID, "the long side is the configured grid size");
    assert!((w as f64 / h as f64 - 16.0 / 9.0).abs() < 0.02, "{w}x{h}");
    assert_eq!((w % 2, h % 2), (0, 0));

    let (hw, hh) = (w / 2, h / 2);
    for (i, url) in done["upscaled_urls"].as_array().unwrap().iter().enumerate() {
        let up = image::load_from_memory(&bytes(url.as_str().unwrap()).await.2)
            .unwrap()
            .to_rgb8();
        let (x, y) = ((i as u32 % 2) * hw, (i as u32 / 2) * hh);
        let quadrant = image::imageops::crop_imm(&grid, x, y, hw, hh).to_image();
        assert!(up == quadrant, "U{} is not its {hw}x{hh} quadrant", i + 1);
    }

    let preview = seen
        .iter()
        .find_map(|i| i["url"].as_str())
        .expect("a partial preview while running");
    let img = image::load_from_memory(&bytes(preview).await.2).unwrap();
    assert_eq!(
        (img.width(), img.height()),
        (w, h),
        "the preview keeps the aspect"
    );
}

#[tokio::test]
async fn unknown_ids_and_files_are_403_forbidden() {
    let api = server().await;
    let (status, body) = get(&api, "/items/images/6b1a7d1e-0000-4000-8000-000000000000").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        body,
        json!({"errors":[{"message":"You don't have permission to access this.","extensions":{"code":"FORBIDDEN"}}]})
    );
    let (status, _, _) = bytes(&format!("{}/assets/nope/nope.png", api.base_url())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = get(&api, "/no/such/route").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(directus_code(&body), "ROUTE_NOT_FOUND");
}

#[tokio::test]
async fn listing_filters_sorts_and_pages() {
    let api = server().await;
    let mut ids = Vec::new();
    for (prompt, reference) in [("one", "r1"), ("two", "r2"), ("three", "r3")] {
        let (_, body) = submit(&api, json!({"prompt": prompt, "ref": reference})).await;
        ids.push(body["data"]["id"].as_str().unwrap().to_owned());
        tokio::time::sleep(Duration::from_millis(3)).await;
    }

    let (status, body) = get(&api, "/items/images?filter[ref][_eq]=r2").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"].as_array().unwrap().len(), 1);
    assert_eq!(body["data"][0]["id"], ids[1].as_str());

    // reqwest percent-encodes the brackets, as many clients do.
    let reply = client(&api)
        .get("/items/images")
        .query(&[
            ("filter[id][_in]", format!("{},{}", ids[0], ids[2])),
            ("sort", "-date_created".into()),
            ("fields", "id,status".into()),
        ])
        .send()
        .await
        .unwrap();
    let body: Value = reply.json().await.unwrap();
    assert_eq!(
        body["data"],
        json!([
            {"id": ids[2], "status": "pending"},
            {"id": ids[0], "status": "pending"},
        ])
    );

    let (_, body) = get(
        &api,
        "/items/images?sort=date_created&limit=1&page=2&meta=filter_count",
    )
    .await;
    assert_eq!(body["data"].as_array().unwrap().len(), 1);
    assert_eq!(body["data"][0]["id"], ids[1].as_str());
    assert_eq!(body["meta"]["filter_count"], 3);

    let (status, body) = get(&api, "/items/images?filter[id][_regex]=x").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(directus_code(&body), "INVALID_QUERY");
}

#[tokio::test]
async fn bot_status_singleton() {
    let api = server().await;
    let (status, body) = get(&api, "/items/status").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["id"], 1);
    assert_eq!(body["data"]["bot_status"], "healthy");
    assert!(body["data"]["date_updated"]
        .as_str()
        .unwrap()
        .ends_with('Z'));
}

#[tokio::test]
async fn faults_503_twice_then_ok() {
    let api = server().await;
    api.push_fault(Fault::new("/items/images", 503, 2).with_retry_after(7));
    for _ in 0..2 {
        let reply = client(&api)
            .post("/items/images/")
            .json(&json!({"prompt": "cat"}))
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(reply.headers()["retry-after"], "7");
        let body: Value = reply.json().await.unwrap();
        assert_eq!(directus_code(&body), "SERVICE_UNAVAILABLE");
    }
    let (status, _) = submit(&api, json!({"prompt": "cat"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(api.submissions(), 1);
    assert_eq!(api.requests(), 3);
}

#[tokio::test]
async fn faults_200_with_a_malformed_body_over_http() {
    let api = server().await;
    let scripted = client(&api).script_fault(&json!({"path_prefix": "/items/status", "status": 200, "times": 1, "body": "{\"data\": "})).await;
    assert_eq!(scripted, StatusCode::NO_CONTENT);

    let reply = client(&api).get("/items/status").send().await.unwrap();
    assert_eq!(reply.status(), StatusCode::OK);
    assert_eq!(reply.text().await.unwrap(), "{\"data\": ");
    let (status, _) = get(&api, "/items/status").await;
    assert_eq!(status, StatusCode::OK);

    let stats = client(&api).stats().await;
    assert_eq!(
        stats,
        json!({"submissions": 0, "requests": 2, "faults_left": 0})
    );

    let reply = client(&api)
        .admin(Method::POST, "/faults")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn delay_only_fault_slows_but_serves() {
    let api = server().await;
    api.push_fault(Fault::new("/items/status", 200, 1).with_delay_ms(150));
    let start = Instant::now();
    let (status, body) = get(&api, "/items/status").await;
    assert!(start.elapsed() >= Duration::from_millis(150));
    assert_eq!(
        (status, &body["data"]["bot_status"]),
        (StatusCode::OK, &json!("healthy"))
    );
}

/// A finished job's grid URL, for the download faults.
async fn finished_grid(api: &ImagineApi) -> String {
    let (_, body) = submit(api, json!({"prompt": "a quiet bay"})).await;
    let id = body["data"]["id"].as_str().unwrap().to_owned();
    let (_, done) = poll_to_end(api, &id).await;
    done["url"].as_str().unwrap().to_owned()
}

/// What a client makes of a reset: an error with no HTTP status, and not a timeout.
fn assert_connection_error(result: reqwest::Result<reqwest::Response>) {
    match result {
        Ok(reply) => panic!("expected no reply, got HTTP {}", reply.status()),
        Err(e) => assert!(e.status().is_none() && !e.is_timeout(), "{e:?}"),
    }
}

#[tokio::test]
async fn reset_fault_closes_the_connection_without_a_reply() {
    let api = server().await;
    api.push_fault(Fault::new("/items/status", 200, 2).reset_connection());
    for _ in 0..2 {
        let sent = client(&api).get("/items/status").send().await;
        assert_connection_error(sent);
    }
    let (status, _) = get(&api, "/items/status").await;
    assert_eq!(status, StatusCode::OK, "the server goes on serving");

    // Before handling the job is never made; after handling it is, and its reply is lost.
    for (after_handling, made) in [(false, 0), (true, 1)] {
        let scripted = client(&api).script_fault(&json!({"path_prefix": "/items/images", "reset": true, "after_handling": after_handling})).await;
        assert_eq!(scripted, StatusCode::NO_CONTENT);
        let sent = client(&api)
            .post("/items/images/")
            .json(&json!({"prompt": "lost"}))
            .send()
            .await;
        assert_connection_error(sent);
        assert_eq!(api.submissions(), made);
    }
}

#[tokio::test]
async fn truncated_fault_promises_the_whole_body_but_sends_the_first_bytes() {
    let api = server().await;
    let url = finished_grid(&api).await;
    let (_, _, whole) = bytes(&url).await;
    assert!(whole.len() > 1000);

    api.push_fault(Fault::new("/assets/", 200, 1).truncated_after(1000));
    let mut reply = http().get(&url).send().await.unwrap();
    assert_eq!(reply.status(), StatusCode::OK);
    assert_eq!(reply.headers()["content-type"], "image/png");
    assert_eq!(reply.content_length(), Some(whole.len() as u64));
    let mut got = Vec::new();
    let error = loop {
        match reply.chunk().await {
            Ok(Some(chunk)) => got.extend_from_slice(&chunk),
            Ok(None) => panic!("the body ended cleanly after {} bytes", got.len()),
            Err(e) => break e,
        }
    };
    assert!(error.is_body() || error.is_decode(), "{error:?}");
    assert_eq!(got, whole[..1000], "the first bytes arrive, then nothing");
    assert_eq!(
        bytes(&url).await.2,
        whole,
        "used up: the next download is whole"
    );

    // Over HTTP, and on a JSON reply.
    let scripted = client(&api)
        .script_fault(&json!({"path_prefix": "/items/status", "truncate_after": 5}))
        .await;
    assert_eq!(scripted, StatusCode::NO_CONTENT);
    let reply = client(&api).get("/items/status").send().await.unwrap();
    assert_eq!(reply.status(), StatusCode::OK);
    assert!(reply.text().await.is_err());
}

#[tokio::test]
async fn content_type_fault_relabels_the_reply_or_replaces_it() {
    let api = server().await;
    let url = finished_grid(&api).await;
    let (_, _, whole) = bytes(&url).await;

    api.push_fault(Fault::new("/assets/", 200, 1).with_content_type("text/html"));
    let (status, kind, body) = bytes(&url).await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "text/html"));
    assert_eq!(body, whole, "the real picture, mislabelled");

    let page = "<!DOCTYPE html><html><body>Sign in to continue</body></html>";
    let scripted = client(&api).script_fault(&json!({"path_prefix": "/assets/", "content_type": "text/html; charset=UTF-8", "body": page})).await;
    assert_eq!(scripted, StatusCode::NO_CONTENT);
    let (status, kind, body) = bytes(&url).await;
    assert_eq!(
        (status, kind.as_str(), body.as_slice()),
        (StatusCode::OK, "text/html; charset=UTF-8", page.as_bytes())
    );
    assert_eq!(bytes(&url).await.2, whole);

    let scripted = client(&api)
        .script_fault(&json!({"path_prefix": "/assets/", "content_type": "text/html\n"}))
        .await;
    assert_eq!(scripted, StatusCode::BAD_REQUEST, "not a header value");
}

#[tokio::test]
async fn fail_prompt_ends_failed() {
    let api = server().await;
    let (_, body) = submit(&api, json!({"prompt": "forbidden thing [fail]"})).await;
    let id = body["data"]["id"].as_str().unwrap().to_owned();
    let (seen, done) = poll_to_end(&api, &id).await;
    assert!(seen.iter().all(|i| i["status"] == "pending"));
    assert_eq!(done["status"], "failed");
    assert_eq!(
        done["error"],
        "Midjourney refused this prompt (banned word)."
    );
    assert!(done["progress"].is_null() && done["url"].is_null());
}

#[tokio::test]
async fn broken_image_prompt_serves_a_truncated_u2() {
    let api = server().await;
    let (_, body) = submit(&api, json!({"prompt": "glitch [broken-image]"})).await;
    let id = body["data"]["id"].as_str().unwrap().to_owned();
    let (_, done) = poll_to_end(&api, &id).await;
    assert_eq!(done["status"], "completed");
    let urls = done["upscaled_urls"].as_array().unwrap();
    let (status, _, u2) = bytes(urls[1].as_str().unwrap()).await;
    assert_eq!((status, u2.len()), (StatusCode::OK, 100));
    assert!(u2.starts_with(b"\x89PNG"));
    assert!(image::load_from_memory(&u2).is_err());
    let (_, _, u1) = bytes(urls[0].as_str().unwrap()).await;
    assert!(image::load_from_memory(&u1).is_ok());
}

#[tokio::test]
async fn urls_follow_the_host_the_client_used() {
    let api = server().await;
    let reply = client(&api)
        .post("/items/images")
        .header("host", format!("localhost:{}", api.port()))
        .json(&json!({"prompt": "alias"}))
        .send()
        .await
        .unwrap();
    let body: Value = reply.json().await.unwrap();
    let id = body["data"]["id"].as_str().unwrap();
    tokio::time::sleep(Duration::from_millis(800)).await;
    let reply = client(&api)
        .get(&format!("/items/images/{id}"))
        .header("host", format!("localhost:{}", api.port()))
        .send()
        .await
        .unwrap();
    let body: Value = reply.json().await.unwrap();
    let url = body["data"]["url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("http://localhost:{}/assets/", api.port())),
        "{url}"
    );
}

#[tokio::test]
async fn dropping_the_handle_stops_the_server() {
    let api = server().await;
    let base = api.base_url();
    drop(api);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(http()
        .get(format!("{base}/items/status"))
        .send()
        .await
        .is_err());
}

async fn enhance(api: &ImagineApi, path: &str) -> (StatusCode, Value) {
    let reply = client(api)
        .post(&format!("/items/images/{path}"))
        .send()
        .await
        .unwrap();
    (reply.status(), reply.json().await.unwrap())
}

/// A finished job of `prompt`: its id and its completed item.
async fn completed(api: &ImagineApi, prompt: &str) -> (String, Value) {
    let (_, body) = submit(api, json!({ "prompt": prompt })).await;
    let id = body["data"]["id"].as_str().unwrap().to_owned();
    let (_, done) = poll_to_end(api, &id).await;
    assert_eq!(done["status"], "completed");
    (id, done)
}

#[tokio::test]
async fn enhance_makes_a_new_item_with_its_parent_and_a_larger_webp() {
    let api = server().await;
    let (parent, done) = completed(&api, "a harbour --ar 16:9").await;

    let (status, body) = enhance(&api, &format!("{parent}/1/upscale/4x")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let item = &body["data"];
    let id = item["id"].as_str().unwrap().to_owned();
    assert_ne!(id, parent);
    assert_eq!(item["parent_id"], parent.as_str());
    assert_eq!(item["status"], "pending");
    assert_eq!(item["prompt"], "a harbour --ar 16:9");
    assert_eq!(api.submissions(), 2, "a new image item");

    let (seen, result) = poll_to_end(&api, &id).await;
    let statuses: Vec<&str> = seen.iter().map(|i| i["status"].as_str().unwrap()).collect();
    assert!(
        statuses.contains(&"pending") && statuses.contains(&"in-progress"),
        "{statuses:?}"
    );
    assert_eq!(result["status"], "completed");
    assert_eq!(result["parent_id"], parent.as_str());
    assert_eq!(result["upscaled_urls"], json!([]));
    let url = result["url"].as_str().unwrap();
    assert!(url.ends_with(".webp"), "{url}");

    let (status, kind, webp) = bytes(url).await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "image/webp"));
    let enhanced = image::load_from_memory(&webp).unwrap();
    let u2 = done["upscaled_urls"][1].as_str().unwrap();
    let source = image::load_from_memory(&bytes(u2).await.2).unwrap();
    // Larger by the scale asked, as the service makes it.
    assert_eq!(
        (enhanced.width(), enhanced.height()),
        (source.width() * 4, source.height() * 4)
    );
    // The listing finds an enhancement by its parent.
    let (_, children) = get(
        &api,
        &format!("/items/images?filter[parent_id][_eq]={parent}"),
    )
    .await;
    let ids: Vec<&str> = children["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [id.as_str()]);
}

#[tokio::test]
async fn enhance_refuses_what_it_cannot_do_in_directus_shape() {
    let api = server().await;
    let (parent, _) = completed(&api, "a harbour").await;
    let (unknown, body) = enhance(&api, "no-such-id/0/upscale/2x").await;
    assert_eq!(
        (unknown, directus_code(&body)),
        (StatusCode::FORBIDDEN, "FORBIDDEN")
    );
    for path in [
        format!("{parent}/4/upscale/2x"),
        format!("{parent}/-1/upscale/2x"),
        format!("{parent}/one/upscale/2x"),
        format!("{parent}/0/upscale/3x"),
        format!("{parent}/0/upscale/4X"),
    ] {
        let (status, body) = enhance(&api, &path).await;
        assert_eq!(
            (status, directus_code(&body)),
            (StatusCode::BAD_REQUEST, "INVALID_PAYLOAD"),
            "{path}"
        );
    }
    // Still rendering: nothing to enhance yet.
    let (_, body) = submit(&api, json!({ "prompt": "not yet" })).await;
    let busy = body["data"]["id"].as_str().unwrap();
    let (status, body) = enhance(&api, &format!("{busy}/0/upscale/2x")).await;
    assert_eq!(
        (status, directus_code(&body)),
        (StatusCode::BAD_REQUEST, "INVALID_PAYLOAD")
    );
    // An enhanced image has no upscales to pick from.
    let (_, body) = enhance(&api, &format!("{parent}/0/upscale/2x")).await;
    let child = body["data"]["id"].as_str().unwrap().to_owned();
    poll_to_end(&api, &child).await;
    let (status, _) = enhance(&api, &format!("{child}/0/upscale/2x")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(api.submissions(), 3, "refusals make no item");
}

#[tokio::test]
async fn enhance_failures_are_scripted_by_marker_and_by_fault() {
    let api = server().await;
    let (parent, _) = completed(&api, "a harbour [enhance-fail]").await;
    let (_, body) = enhance(&api, &format!("{parent}/2/upscale/2x")).await;
    let id = body["data"]["id"].as_str().unwrap().to_owned();
    let (_, ended) = poll_to_end(&api, &id).await;
    assert_eq!(ended["status"], "failed");
    assert!(ended["error"].as_str().is_some_and(|e| !e.is_empty()));

    api.push_fault(Fault::new(
        format!("/items/images/{parent}/2/upscale"),
        429,
        1,
    ));
    let (status, body) = enhance(&api, &format!("{parent}/2/upscale/2x")).await;
    assert_eq!(
        (status, directus_code(&body)),
        (StatusCode::TOO_MANY_REQUESTS, "REQUESTS_EXCEEDED")
    );
    assert_eq!(api.submissions(), 2, "a faulted request makes no item");
}
