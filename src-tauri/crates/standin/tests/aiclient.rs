//! The AI-Client stand-in over real HTTP, as the app's client will see it.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use atelier_standin::{AiClient, AiClientConfig, Fault};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::{download, http, keys, reply, Client};

mod support;

const TOKEN: &str = "test-token";
const IMAGE: u32 = 64;

async fn server_with(pending_ms: u64, running_ms: u64) -> AiClient {
    let config = AiClientConfig {
        token: TOKEN.into(),
        pending: Duration::from_millis(pending_ms),
        running: Duration::from_millis(running_ms),
        image_size: IMAGE,
        ..AiClientConfig::default()
    };
    AiClient::start(config, 0).await.expect("stand-in starts")
}

async fn server() -> AiClient {
    server_with(100, 300).await
}

/// A request as the seed guide's client makes it: JSON wanted, bearer token.
fn api(method: Method, server: &AiClient, path: &str) -> reqwest::RequestBuilder {
    Client::new(&server.base_url(), TOKEN).api(method, path)
}

async fn new_thread(server: &AiClient) -> String {
    let request = api(Method::POST, server, "/threads");
    let (status, body) = reply(request.form(&[("ai_version_code", "midjourney")])).await;
    assert_eq!(status, StatusCode::CREATED);
    body["data"]["guid"].as_str().unwrap().to_owned()
}

async fn send(server: &AiClient, thread: &str, prompt: &str) -> (StatusCode, Value) {
    let form = [
        ("type", "request"),
        ("command", "imagine"),
        ("prompt", prompt),
    ];
    let path = format!("/threads/{thread}/entry");
    reply(api(Method::POST, server, &path).form(&form)).await
}

async fn entries(server: &AiClient, thread: &str) -> Vec<Value> {
    let path = format!("/threads/{thread}/entries");
    let (status, body) = reply(api(Method::GET, server, &path)).await;
    assert_eq!(status, StatusCode::OK);
    body["data"].as_array().unwrap().clone()
}

/// Polls until the request stops waiting, returning every listing seen on the way.
async fn poll_to_end(server: &AiClient, thread: &str) -> (Vec<Vec<Value>>, Vec<Value>) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen = Vec::new();
    loop {
        let list = entries(server, thread).await;
        if list[0]["waiting_response"] == false {
            return (seen, list);
        }
        seen.push(list);
        assert!(Instant::now() < deadline, "request never finished");
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
}

#[tokio::test]
async fn bad_token_is_a_json_401_or_a_redirect_to_login() {
    let server = server().await;
    let url = format!("{}/threads", server.base_url());
    for auth in [Some("Bearer nope"), None] {
        let mut request = http().get(&url).header("accept", "application/json");
        if let Some(auth) = auth {
            request = request.header("authorization", auth);
        }
        let (status, body) = reply(request).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body, json!({"message": "Unauthenticated."}));
    }

    // Without `Accept: application/json`, Laravel treats the caller as a browser.
    let no_follow = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let reply = no_follow
        .get(&url)
        .bearer_auth("nope")
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::FOUND);
    let login = format!("http://127.0.0.1:{}/login", server.port());
    assert_eq!(reply.headers()["location"], login.as_str());
    assert!(reply.text().await.unwrap().contains("Redirecting to"));

    // A client that follows redirects gets a 200 HTML page instead of JSON: the trap.
    let reply = http().get(&url).bearer_auth("nope").send().await.unwrap();
    assert_eq!(reply.status(), StatusCode::OK);
    assert!(reply.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));

    let (status, body) = reply_ok_list(&server).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"data": []})));
}

async fn reply_ok_list(server: &AiClient) -> (StatusCode, Value) {
    reply(api(Method::GET, server, "/threads")).await
}

#[tokio::test]
async fn threads_are_created_from_a_form_and_listed() {
    let server = server().await;
    assert!(server.base_url().ends_with("/api/v1"));
    let request = api(Method::POST, &server, "/threads");
    let (status, body) = reply(request.form(&[("ai_version_code", "midjourney")])).await;
    assert_eq!(status, StatusCode::CREATED);
    let thread = &body["data"];
    assert_eq!(
        keys(thread),
        [
            "ai_code",
            "ai_version_code",
            "created_at",
            "guid",
            "title",
            "updated_at"
        ]
    );
    assert_eq!(thread["ai_code"], "midjourney");
    assert_eq!(thread["ai_version_code"], "midjourney");
    assert_eq!(thread["title"], "New thread with Midjourney");
    let date = thread["created_at"].as_str().unwrap();
    assert_eq!(date.len(), 27, "{date}");
    assert!(date.ends_with(".000000Z") && date.as_bytes()[10] == b'T');
    assert_eq!(thread["guid"].as_str().unwrap().len(), 36);

    let (status, list) = reply_ok_list(&server).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["data"], json!([thread]));
    let path = format!("/threads/{}", thread["guid"].as_str().unwrap());
    let (_, shown) = reply(api(Method::GET, &server, &path)).await;
    assert_eq!(&shown["data"], thread);

    let invalid = json!({
        "message": "The selected ai version code is invalid.",
        "errors": {"ai_version_code": ["The selected ai version code is invalid."]}
    });
    for form in [vec![("ai_version_code", "dall-e")], vec![]] {
        let request = api(Method::POST, &server, "/threads").form(&form);
        assert_eq!(
            reply(request).await,
            (StatusCode::UNPROCESSABLE_ENTITY, invalid.clone())
        );
    }
}

#[tokio::test]
async fn entries_must_be_sent_as_forms() {
    let server = server().await;
    let thread = new_thread(&server).await;
    let path = format!("/threads/{thread}/entry");
    let as_json = json!({"type": "request", "command": "imagine", "prompt": "a cat"});
    let (status, body) = reply(api(Method::POST, &server, &path).json(&as_json)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body,
        json!({
            "message": "The type field is required. (and 2 more errors)",
            "errors": {
                "type": ["The type field is required."],
                "command": ["The command field is required."],
                "prompt": ["The prompt field is required."]
            }
        })
    );

    let form = [
        ("type", "request"),
        ("command", "imagine"),
        ("prompt", "  "),
    ];
    let (status, body) = reply(api(Method::POST, &server, &path).form(&form)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body,
        json!({"message": "The prompt field is required.",
               "errors": {"prompt": ["The prompt field is required."]}})
    );
    let form = [("type", "response"), ("command", "blend"), ("prompt", "x")];
    let (_, body) = reply(api(Method::POST, &server, &path).form(&form)).await;
    assert_eq!(
        body["message"],
        "The selected type is invalid. (and 1 more error)"
    );
    assert_eq!(server.submissions(), 0);

    let prompt = "Cats and dogs with lightsabers --ar 16:9 --v 5";
    let (status, body) = send(&server, &thread, prompt).await;
    assert_eq!(status, StatusCode::CREATED);
    let entry = &body["data"];
    assert_eq!(
        keys(entry),
        [
            "content",
            "created_at",
            "credits",
            "error",
            "guid",
            "thread_guid",
            "type",
            "waiting_response"
        ]
    );
    assert_eq!(entry["thread_guid"], thread.as_str());
    assert_eq!(entry["type"], "request");
    assert_eq!(entry["error"], "None");
    assert_eq!(
        entry["content"],
        json!({"command": "imagine", "prompt": prompt})
    );
    assert_eq!(
        (&entry["waiting_response"], &entry["credits"]),
        (&json!(true), &json!(0))
    );
    assert_eq!(server.submissions(), 1);
}

#[tokio::test]
async fn unknown_threads_routes_and_files_are_404() {
    let server = server().await;
    let missing = json!({"message": "No query results for model [App\\Models\\Thread]."});
    let nobody = "fd67b44e-efdd-47f2-9291-646902add92b";
    let (status, body) = send(&server, nobody, "a cat").await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, missing.clone()));
    let path = format!("/threads/{nobody}/entries");
    let (status, body) = reply(api(Method::GET, &server, &path)).await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, missing));

    let (status, body) = reply(api(Method::GET, &server, "/nothing")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        body,
        json!({"message": "The route api/v1/nothing could not be found."})
    );
    let port = server.port();
    let url = format!("http://127.0.0.1:{port}/storage/midjourney/nope.png");
    assert_eq!(download(&url).await.0, StatusCode::NOT_FOUND);
    assert_eq!(server.submissions(), 0);
}

#[tokio::test]
async fn lifecycle_pending_processing_completed() {
    let server = server_with(300, 2200).await;
    let thread = new_thread(&server).await;
    let (_, body) = send(&server, &thread, "a harbour at dawn --ar 16:9").await;
    let request_guid = body["data"]["guid"].clone();
    let (seen, done) = poll_to_end(&server, &thread).await;

    // Pending: the request alone, waiting.
    assert_eq!(seen[0].len(), 1);
    assert_eq!(seen[0][0]["waiting_response"], true);
    // Processing: a response entry whose percent rises, as a number or a string.
    let mut forms = HashSet::new();
    let mut last = 0;
    for list in seen.iter().filter(|l| l.len() == 2) {
        assert_eq!(list[0]["guid"], request_guid);
        assert_eq!(list[0]["waiting_response"], true);
        let response = &list[1];
        assert_eq!(response["type"], "response");
        assert!(response["error"].is_null());
        assert_eq!(response["credits"], 0);
        let content = &response["content"];
        assert_eq!(
            (&content["state"], &content["images"]),
            (&json!("processing"), &json!([]))
        );
        let percent = match &content["percent"] {
            Value::Number(n) => {
                forms.insert("number");
                n.as_u64().unwrap()
            }
            Value::String(s) => {
                forms.insert("string");
                s.parse().unwrap()
            }
            other => panic!("percent {other}"),
        };
        assert!(percent >= last && percent <= 99, "{percent} after {last}");
        last = percent;
    }
    assert_eq!(forms.len(), 2, "percent came only as {forms:?}");

    // Completed.
    let (request, response) = (&done[0], &done[1]);
    assert_eq!(request["waiting_response"], false);
    assert_eq!(
        (&request["error"], &request["credits"]),
        (&json!("None"), &json!(0))
    );
    assert_eq!(response["error"], "");
    assert_eq!(response["credits"], 10);
    assert_eq!(response["waiting_response"], false);
    assert_eq!(response["content"]["state"], "completed");
    assert_eq!(response["content"]["percent"], 100);
    let images = response["content"]["images"].as_array().unwrap();
    assert_eq!(images.len(), 4);

    let mut pictures = HashSet::new();
    let storage = format!("http://127.0.0.1:{}/storage/midjourney/", server.port());
    for image in images {
        assert_eq!(
            keys(image),
            ["dimensions", "filesize", "thumbnail_url", "url"]
        );
        let url = image["url"].as_str().unwrap();
        assert!(url.starts_with(&storage) && url.ends_with(".png"), "{url}");
        assert_eq!(image["thumbnail_url"], format!("{url}.thumbnail.jpg"));
        assert_eq!(image["dimensions"], "64x36");

        let (status, kind, png) = download(url).await;
        assert_eq!((status, kind.as_str()), (StatusCode::OK, "image/png"));
        assert_eq!(image["filesize"], png.len());
        let img = image::load_from_memory_with_format(&png, image::ImageFormat::Png).unwrap();
        assert_eq!((img.width(), img.height()), (64, 36));
        pictures.insert(img.to_rgb8().into_raw());

        let (status, kind, jpeg) = download(image["thumbnail_url"].as_str().unwrap()).await;
        assert_eq!((status, kind.as_str()), (StatusCode::OK, "image/jpeg"));
        let thumb = image::load_from_memory_with_format(&jpeg, image::ImageFormat::Jpeg).unwrap();
        assert!(thumb.width().max(thumb.height()) <= 512);
    }
    assert_eq!(pictures.len(), 4, "the four images must differ");
    // Later polls report the same images.
    assert_eq!(entries(&server, &thread).await, done);
}

#[tokio::test]
async fn entries_list_in_the_order_they_appeared() {
    let server = server_with(100, 100).await;
    let thread = new_thread(&server).await;
    let other = new_thread(&server).await;
    send(&server, &thread, "first").await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    send(&server, &thread, "second").await;
    send(&server, &other, "elsewhere").await;
    let list = entries(&server, &thread).await;
    let order: Vec<(&str, &str)> = list
        .iter()
        .map(|e| {
            let what = e["content"]["prompt"].as_str().unwrap_or("");
            (e["type"].as_str().unwrap(), what)
        })
        .collect();
    assert_eq!(
        order,
        [
            ("request", "first"),
            ("response", ""),
            ("request", "second")
        ]
    );
    assert_eq!(server.submissions(), 3);
}

#[tokio::test]
async fn fail_prompt_ends_in_a_failed_response() {
    let server = server().await;
    let thread = new_thread(&server).await;
    send(&server, &thread, "forbidden thing [fail]").await;
    let (seen, done) = poll_to_end(&server, &thread).await;
    assert!(seen.iter().all(|list| list.len() == 1));
    let response = &done[1];
    assert_eq!(response["content"]["state"], "failed");
    assert_eq!(response["content"]["images"], json!([]));
    assert_eq!(
        response["error"],
        "Midjourney refused this prompt (banned word)."
    );
    assert_eq!(response["credits"], 0);
}

#[tokio::test]
async fn broken_image_prompt_serves_a_truncated_second_image() {
    let server = server().await;
    let thread = new_thread(&server).await;
    send(&server, &thread, "glitch [broken-image]").await;
    let (_, done) = poll_to_end(&server, &thread).await;
    let images = done[1]["content"]["images"].as_array().unwrap();
    let (status, _, second) = download(images[1]["url"].as_str().unwrap()).await;
    assert_eq!((status, second.len()), (StatusCode::OK, 100));
    assert!(second.starts_with(b"\x89PNG"));
    assert!(image::load_from_memory(&second).is_err());
    assert!(images[1]["filesize"].as_u64().unwrap() > 100);
    let first = download(images[0]["url"].as_str().unwrap()).await.2;
    assert!(image::load_from_memory(&first).is_ok());
}

#[tokio::test]
async fn no_credits_prompt_is_refused_with_402() {
    let server = server().await;
    let thread = new_thread(&server).await;
    let (status, body) = send(&server, &thread, "a cat [no-credits]").await;
    assert_eq!(status, StatusCode::PAYMENT_REQUIRED);
    assert_eq!(body, json!({"message": "Not enough credits."}));
    assert_eq!(server.submissions(), 0);
    assert!(entries(&server, &thread).await.is_empty());
}

#[tokio::test]
async fn faults_answer_in_laravel_shape_then_clear() {
    let server = server().await;
    let thread = new_thread(&server).await;
    server.push_fault(Fault::new("/api/v1/threads/", 503, 1).with_retry_after(3));
    let reply = api(Method::GET, &server, &format!("/threads/{thread}/entries"))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(reply.headers()["retry-after"], "3");
    assert_eq!(
        reply.json::<Value>().await.unwrap(),
        json!({"message": "Service Unavailable"})
    );
    assert!(entries(&server, &thread).await.is_empty());

    // A lost reply: the entry is made but the client hears a 500.
    let lost = json!({"path_prefix": "/api/v1/threads", "status": 500, "after_handling": true});
    let scripted = Client::new(&server.base_url(), TOKEN)
        .script_fault(&lost)
        .await;
    assert_eq!(scripted, StatusCode::NO_CONTENT);
    let (status, body) = send(&server, &thread, "a cat").await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(body, json!({"message": "Server Error"}));
    assert_eq!(server.submissions(), 1);

    let stats = Client::new(&server.base_url(), TOKEN).stats().await;
    assert_eq!(
        stats,
        json!({"submissions": 1, "requests": 4, "faults_left": 0})
    );
    assert_eq!(server.requests(), 4);
}

#[tokio::test]
async fn reset_truncation_and_relabelling_reach_the_client() {
    let server = server().await;
    let thread = new_thread(&server).await;
    let (status, _) = send(&server, &thread, "a fox").await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, list) = poll_to_end(&server, &thread).await;
    let url = list[1]["content"]["images"][0]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, _, whole) = download(&url).await;

    let entries_path = format!("/api/v1/threads/{thread}/entries");
    server.push_fault(Fault::new(&entries_path, 200, 1).reset_connection());
    let sent = api(Method::GET, &server, &format!("/threads/{thread}/entries"))
        .send()
        .await;
    let error = sent.expect_err("no reply at all");
    assert!(error.status().is_none(), "{error:?}");

    server.push_fault(Fault::new("/storage/", 200, 1).truncated_after(64));
    let reply = http().get(&url).send().await.unwrap();
    assert_eq!(reply.content_length(), Some(whole.len() as u64));
    assert!(reply.bytes().await.is_err(), "cut short");

    server.push_fault(
        Fault::new("/storage/", 200, 1)
            .with_content_type("text/html")
            .with_body("<html><body>Maintenance</body></html>"),
    );
    let (status, kind, body) = download(&url).await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "text/html"));
    assert!(body.starts_with(b"<html>"));
    assert_eq!(download(&url).await.2, whole);
}

#[tokio::test]
async fn dropping_the_handle_stops_the_server() {
    let server = server().await;
    let base = server.base_url();
    drop(server);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(http().get(format!("{base}/threads")).send().await.is_err());
}
