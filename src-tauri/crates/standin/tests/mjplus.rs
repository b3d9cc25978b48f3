//! The midjourney-proxy stand-in over real HTTP, as the app's client will see it.

use std::time::{Duration, Instant};

use atelier_standin::{Fault, MjPlus, MjPlusConfig, SecretStyle, TaskFault};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::{download, http, reply};

mod support;

const SECRET: &str = "test-secret";
const GRID: u32 = 64;

fn config() -> MjPlusConfig {
    MjPlusConfig {
        secret: SECRET.into(),
        pending: Duration::from_millis(50),
        running: Duration::from_millis(300),
        grid_size: GRID,
        ..MjPlusConfig::default()
    }
}

async fn server(config: MjPlusConfig) -> MjPlus {
    MjPlus::start(config, 0).await.expect("stand-in starts")
}

/// A request to the API with the secret as a self-hosted server takes it.
fn request(api: &MjPlus, method: Method, path: &str) -> reqwest::RequestBuilder {
    http()
        .request(method, format!("{}{path}", api.base_url()))
        .header("mj-api-secret", SECRET)
}

async fn post(api: &MjPlus, path: &str, body: Value) -> (StatusCode, Value) {
    reply(request(api, Method::POST, path).json(&body)).await
}

/// A submission's reply, which must be HTTP 200 whatever its `code`.
async fn submit(api: &MjPlus, route: &str, body: Value) -> Value {
    let (status, reply) = post(api, &format!("/mj/submit/{route}"), body).await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    reply
}

async fn fetch(api: &MjPlus, id: &str) -> (StatusCode, Value) {
    reply(request(api, Method::GET, &format!("/mj/task/{id}/fetch"))).await
}

async fn imagine(api: &MjPlus, prompt: &str) -> String {
    let reply = submit(api, "imagine", json!({ "prompt": prompt })).await;
    assert_eq!(reply["code"], 1, "{reply}");
    reply["result"].as_str().unwrap().to_owned()
}

/// Polls until the task leaves the running states, returning every task seen on the way.
async fn poll_to_end(api: &MjPlus, id: &str) -> (Vec<Value>, Value) {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut seen = Vec::new();
    loop {
        let (status, task) = fetch(api, id).await;
        assert_eq!(status, StatusCode::OK, "{task}");
        if ["SUCCESS", "FAILURE", "CANCEL"].contains(&task["status"].as_str().unwrap()) {
            return (seen, task);
        }
        seen.push(task);
        assert!(
            Instant::now() < deadline,
            "task never finished: {:?}",
            seen.last()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn finished(api: &MjPlus, id: &str) -> Value {
    let (_, task) = poll_to_end(api, id).await;
    assert_eq!(task["status"], "SUCCESS", "{task}");
    task
}

async fn act(api: &MjPlus, task: &Value, label: &str) -> Value {
    let button = task["buttons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["label"] == label || b["emoji"] == label)
        .unwrap_or_else(|| panic!("no button {label} in {task}"));
    let body = json!({ "taskId": task["id"], "customId": button["customId"] });
    submit(api, "action", body).await
}

fn picture(bytes: &[u8]) -> image::RgbImage {
    image::load_from_memory(bytes).unwrap().to_rgb8()
}

fn data_url(img: &image::RgbImage) -> String {
    let mut png = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    format!("data:image/png;base64,{}", STANDARD.encode(png))
}

fn flat(width: u32, height: u32, rgb: [u8; 3]) -> image::RgbImage {
    image::RgbImage::from_pixel(width, height, image::Rgb(rgb))
}

#[tokio::test]
async fn each_auth_style_wants_its_own_header() {
    let header = server(config()).await;
    let bearer = server(MjPlusConfig {
        auth: SecretStyle::Bearer,
        ..config()
    })
    .await;
    let open = server(MjPlusConfig {
        auth: SecretStyle::None,
        ..config()
    })
    .await;
    let body = json!({ "prompt": "a cat" });
    let url = |api: &MjPlus| format!("{}/mj/submit/imagine", api.base_url());
    let cases = [
        (&header, None, StatusCode::UNAUTHORIZED),
        (
            &header,
            Some(("mj-api-secret", "wrong")),
            StatusCode::UNAUTHORIZED,
        ),
        (
            &header,
            Some(("authorization", "Bearer test-secret")),
            StatusCode::UNAUTHORIZED,
        ),
        (&header, Some(("mj-api-secret", SECRET)), StatusCode::OK),
        (
            &bearer,
            Some(("mj-api-secret", SECRET)),
            StatusCode::UNAUTHORIZED,
        ),
        (
            &bearer,
            Some(("authorization", "Bearer test-secret")),
            StatusCode::OK,
        ),
        (&open, None, StatusCode::OK),
    ];
    for (i, (api, secret, expected)) in cases.into_iter().enumerate() {
        let mut request = http().post(url(api)).json(&body);
        if let Some((name, value)) = secret {
            request = request.header(name, value);
        }
        let (status, reply) = reply(request).await;
        assert_eq!(status, expected, "case {i}: {reply}");
        if status == StatusCode::UNAUTHORIZED {
            assert_eq!(reply["code"], 401);
            assert!(reply["description"].as_str().unwrap().contains("send"));
        } else {
            assert_eq!(reply["code"], 1, "case {i}: {reply}");
        }
    }
    assert_eq!(header.submissions(), 1);
    assert_eq!(header.requests("/mj/submit/imagine"), 4, "refusals counted");
}

#[tokio::test]
async fn an_imagine_runs_to_a_grid_with_discords_buttons_on_the_cdn() {
    let api = server(config()).await;
    let id = imagine(&api, "a lighthouse --ar 16:9").await;
    let (seen, done) = poll_to_end(&api, &id).await;
    let statuses: Vec<&str> = seen.iter().map(|t| t["status"].as_str().unwrap()).collect();
    assert!(
        statuses.contains(&"SUBMITTED") && statuses.contains(&"IN_PROGRESS"),
        "{statuses:?}"
    );
    let running = seen.iter().rfind(|t| t["status"] == "IN_PROGRESS").unwrap();
    assert!(running["progress"].as_str().unwrap().ends_with('%'));
    assert!(running["buttons"].as_array().unwrap().is_empty());
    let preview = running["imageUrl"].as_str().unwrap();
    assert!(preview.starts_with(&api.cdn_url()), "{preview}");
    let (status, kind, _) = download(preview).await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "image/webp"));

    assert_eq!(done["action"], "IMAGINE");
    assert_eq!(done["progress"], "100%");
    assert_eq!(done["properties"]["finalPrompt"], "a lighthouse --ar 16:9");
    assert!(done["finishTime"].as_u64() >= done["startTime"].as_u64());
    let url = done["imageUrl"].as_str().unwrap();
    assert!(url.starts_with(&api.cdn_url()) && !url.starts_with(&api.base_url()));
    let (status, kind, bytes) = download(url).await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "image/png"));
    assert_eq!(picture(&bytes).dimensions(), (64, 36));
    let ids: Vec<&str> = done["buttons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["customId"].as_str().unwrap())
        .collect();
    let hash = done["properties"]["messageHash"].as_str().unwrap();
    assert_eq!(ids[0], format!("MJ::JOB::upsample::1::{hash}"));
    assert_eq!(ids[4], format!("MJ::JOB::reroll::0::{hash}::SOLO"));
    assert_eq!(ids[8], format!("MJ::JOB::variation::4::{hash}"));
    assert!(!api.saw_secret_on_cdn());
    http()
        .get(url)
        .header("mj-api-secret", SECRET)
        .send()
        .await
        .unwrap();
    assert!(api.saw_secret_on_cdn(), "a leaked secret is noticed");
}

#[tokio::test]
async fn pictures_sent_with_an_imagine_are_counted_and_bad_ones_refused() {
    let api = server(config()).await;
    let images = [
        data_url(&flat(8, 6, [9, 9, 9])),
        data_url(&flat(4, 4, [200, 0, 0])),
    ];
    let body = json!({ "prompt": "a cat", "base64Array": images });
    let reply = submit(&api, "imagine", body).await;
    assert_eq!(reply["code"], 1, "{reply}");
    let task = api.task(reply["result"].as_str().unwrap()).unwrap();
    assert_eq!(task["properties"]["imageCount"], 2);
    assert_eq!(task["properties"]["imageSizes"], json!([[8, 6], [4, 4]]));

    let bad = json!({ "prompt": "a cat", "base64Array": [images[0], "iVBORw0KGgo"] });
    let reply = submit(&api, "imagine", bad).await;
    assert_eq!(reply["code"], 4);
    assert!(reply["result"].is_null());
    assert!(reply["description"]
        .as_str()
        .unwrap()
        .contains("base64Array[1]"));
    let blank = submit(&api, "imagine", json!({ "prompt": " " })).await;
    assert_eq!(blank["code"], 4);
    assert_eq!(api.submissions(), 1);
}

#[tokio::test]
async fn list_by_condition_answers_the_known_tasks_in_order() {
    let api = server(config()).await;
    let a = imagine(&api, "a").await;
    let b = imagine(&api, "b").await;
    let ids = json!({ "ids": [b, "nope", a] });
    let (status, list) = post(&api, "/mj/task/list-by-condition", ids).await;
    assert_eq!(status, StatusCode::OK);
    let got: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(got, [b.as_str(), a.as_str()]);
    assert_eq!(fetch(&api, "nope").await.0, StatusCode::NOT_FOUND);
    assert_eq!(api.requests("/mj/task/list-by-condition"), 1);
    assert_eq!(api.requests("/mj/task/{id}/fetch"), 1);
}

#[tokio::test]
async fn a_u_is_its_quadrant_and_a_second_u_already_exists() {
    let api = server(config()).await;
    let grid = finished(&api, &imagine(&api, "a fox").await).await;
    let reply = act(&api, &grid, "U2").await;
    assert_eq!(reply["code"], 1, "{reply}");
    let up_id = reply["result"].as_str().unwrap().to_owned();
    let up = finished(&api, &up_id).await;
    assert_eq!(up["action"], "UPSCALE");
    let (_, _, grid_png) = download(grid["imageUrl"].as_str().unwrap()).await;
    let (_, _, up_png) = download(up["imageUrl"].as_str().unwrap()).await;
    let quadrant = image::imageops::crop_imm(&picture(&grid_png), 32, 0, 32, 32).to_image();
    assert_eq!(picture(&up_png), quadrant, "U2 is the top-right quadrant");
    let labels: Vec<&str> = up["buttons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["label"].as_str().unwrap())
        .collect();
    for label in [
        "Vary (Subtle)",
        "Vary (Strong)",
        "Vary (Region)",
        "Upscale (Subtle)",
        "Upscale (Creative)",
        "Zoom Out 2x",
        "Zoom Out 1.5x",
        "Custom Zoom",
    ] {
        assert!(labels.contains(&label), "{label} in {labels:?}");
    }

    let again = act(&api, &grid, "U2").await;
    assert_eq!(
        (again["code"].clone(), again["result"].clone()),
        (json!(21), json!(up_id))
    );
    assert_eq!(again["description"], "Task already exists");
    assert_ne!(api.task(&up_id).unwrap()["status"], "MODAL");

    let bigger = act(&api, &up, "Upscale (Subtle)").await;
    let bigger = finished(&api, bigger["result"].as_str().unwrap()).await;
    let (_, _, png) = download(bigger["imageUrl"].as_str().unwrap()).await;
    assert_eq!(picture(&png).dimensions(), (64, 64));
}

#[tokio::test]
async fn actions_make_tasks_of_their_kind_and_unknown_buttons_are_refused() {
    let api = server(config()).await;
    let id = imagine(&api, "an owl").await;
    let early = submit(
        &api,
        "action",
        json!({ "taskId": id, "customId": "MJ::JOB::upsample::1::x" }),
    )
    .await;
    assert_eq!(early["code"], 4, "not finished yet: {early}");
    let grid = finished(&api, &id).await;
    let foreign = json!({ "taskId": id, "customId": "MJ::JOB::upsample::1::someone-else" });
    let reply = submit(&api, "action", foreign).await;
    assert_eq!(reply["code"], 4);
    assert!(reply["description"].as_str().unwrap().contains("customId"));
    let missing = submit(&api, "action", json!({ "taskId": "123", "customId": "x" })).await;
    assert_eq!(missing["code"], 3);

    for (label, action) in [("V3", "VARIATION"), ("🔄", "REROLL")] {
        let reply = act(&api, &grid, label).await;
        assert_eq!(reply["code"], 1, "{reply}");
        let task = finished(&api, reply["result"].as_str().unwrap()).await;
        assert_eq!(task["action"], action);
        assert_eq!(task["prompt"], "an owl");
        assert_eq!(task["buttons"].as_array().unwrap().len(), 9, "a new grid");
    }
    let up = act(&api, &grid, "U1").await;
    let up = finished(&api, up["result"].as_str().unwrap()).await;
    for (label, action) in [
        ("Zoom Out 2x", "OUTPAINT"),
        ("⬅️", "PAN"),
        ("Vary (Strong)", "VARIATION"),
    ] {
        let reply = act(&api, &up, label).await;
        assert_eq!(reply["code"], 1, "{label}: {reply}");
        let task = api.task(reply["result"].as_str().unwrap()).unwrap();
        assert_eq!(task["action"], action, "{label}");
    }
}

#[tokio::test]
async fn remix_makes_a_v_wait_for_the_window_then_runs_the_new_prompt() {
    let api = server(MjPlusConfig {
        remix: true,
        ..config()
    })
    .await;
    let grid = finished(&api, &imagine(&api, "a bear").await).await;
    let reply = act(&api, &grid, "V1").await;
    assert_eq!(reply["code"], 21, "{reply}");
    assert_eq!(reply["description"], "Waiting for window confirm");
    assert_eq!(reply["properties"]["finalPrompt"], "a bear");
    assert_eq!(reply["properties"]["remix"], true);
    let id = reply["result"].as_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        fetch(&api, &id).await.1["status"],
        "MODAL",
        "waits however long"
    );

    let reply = submit(
        &api,
        "modal",
        json!({ "taskId": id, "prompt": "a polar bear" }),
    )
    .await;
    assert_eq!(
        (reply["code"].clone(), reply["result"].clone()),
        (json!(1), json!(id))
    );
    let task = finished(&api, &id).await;
    assert_eq!(
        (task["action"].as_str(), task["prompt"].as_str()),
        (Some("VARIATION"), Some("a polar bear"))
    );
    let twice = submit(&api, "modal", json!({ "taskId": id, "prompt": "x" })).await;
    assert_eq!(twice["code"], 4, "no longer MODAL");
}

#[tokio::test]
async fn custom_zoom_and_vary_region_ask_and_the_mask_is_checked() {
    let api = server(config()).await;
    let grid = finished(&api, &imagine(&api, "a tree").await).await;
    let up = act(&api, &grid, "U4").await;
    let up = finished(&api, up["result"].as_str().unwrap()).await;

    let zoom = act(&api, &up, "Custom Zoom").await;
    assert_eq!(zoom["code"], 21);
    let zoom_id = zoom["result"].as_str().unwrap();
    assert_eq!(api.task(zoom_id).unwrap()["status"], "MODAL");
    let ok = submit(
        &api,
        "modal",
        json!({ "taskId": zoom_id, "prompt": "a tree --zoom 1.8" }),
    )
    .await;
    assert_eq!(ok["code"], 1);
    assert_eq!(finished(&api, zoom_id).await["action"], "ZOOM");

    let region = act(&api, &up, "Vary (Region)").await;
    assert_eq!(region["code"], 21);
    let id = region["result"].as_str().unwrap();
    for bad in [json!(null), json!(data_url(&flat(10, 10, [255; 3])))] {
        let reply = submit(&api, "modal", json!({ "taskId": id, "maskBase64": bad })).await;
        assert_eq!(reply["code"], 4, "{reply}");
        assert!(
            reply["description"]
                .as_str()
                .unwrap()
                .contains("mask must be a PNG data URL of 32×32"),
            "{reply}"
        );
    }
    let mut mask = flat(32, 32, [0; 3]);
    for y in 0..16 {
        for x in 0..16 {
            mask.put_pixel(x, y, image::Rgb([255; 3]));
        }
    }
    let reply = submit(
        &api,
        "modal",
        json!({ "taskId": id, "prompt": "a tree", "maskBase64": data_url(&mask) }),
    )
    .await;
    assert_eq!(reply["code"], 1, "{reply}");
    let task = finished(&api, id).await;
    assert_eq!(task["action"], "INPAINT");
    let props = &task["properties"];
    assert_eq!(
        (props["maskWidth"].clone(), props["maskHeight"].clone()),
        (json!(32), json!(32))
    );
    assert_eq!(props["maskWhiteShare"], 0.25);
}

#[tokio::test]
async fn a_busy_server_queues_then_refuses() {
    let api = server(MjPlusConfig {
        concurrency: 1,
        queue_size: 1,
        ..config()
    })
    .await;
    let first = imagine(&api, "one").await;
    let second = submit(&api, "imagine", json!({ "prompt": "two" })).await;
    assert_eq!(second["code"], 22, "{second}");
    assert_eq!(second["properties"]["numberOfQueues"], 0);
    let second = second["result"].as_str().unwrap().to_owned();
    assert_eq!(api.task(&second).unwrap()["status"], "NOT_START");
    let third = submit(&api, "imagine", json!({ "prompt": "three" })).await;
    assert_eq!(third["code"], 23, "{third}");
    assert!(third["result"].is_null());

    let first = finished(&api, &first).await;
    let second = finished(&api, &second).await;
    assert!(
        second["startTime"].as_u64() >= first["finishTime"].as_u64(),
        "one at a time"
    );
}

#[tokio::test]
async fn a_banned_word_is_refused_with_the_word() {
    let api = server(config()).await;
    let reply = submit(&api, "imagine", json!({ "prompt": "lots of Gore here" })).await;
    assert_eq!(reply["code"], 24);
    assert_eq!(reply["properties"]["bannedWord"], "gore");
    assert!(reply["result"].is_null());
    assert_eq!(
        submit(&api, "imagine", json!({ "prompt": "gorilla" })).await["code"],
        1
    );
}

#[tokio::test]
async fn describe_answers_four_prompts_that_depend_on_the_picture() {
    let api = server(config()).await;
    let mut answers = Vec::new();
    for img in [flat(100, 80, [200, 20, 20]), flat(30, 60, [20, 30, 200])] {
        let reply = submit(&api, "describe", json!({ "base64": data_url(&img) })).await;
        assert_eq!(reply["code"], 1, "{reply}");
        let task = finished(&api, reply["result"].as_str().unwrap()).await;
        assert_eq!(task["action"], "DESCRIBE");
        let prompts = task["properties"]["finalPrompt"]
            .as_str()
            .unwrap()
            .to_owned();
        let parts: Vec<&str> = prompts.split("\n\n").collect();
        assert_eq!(parts.len(), 4, "{prompts}");
        for (part, n) in parts.iter().zip(["1️⃣ ", "2️⃣ ", "3️⃣ ", "4️⃣ "]) {
            assert!(part.starts_with(n), "{part}");
        }
        let (_, _, bytes) = download(task["imageUrl"].as_str().unwrap()).await;
        assert_eq!(picture(&bytes), img, "the described picture");
        answers.push(prompts);
    }
    assert!(answers[0].contains("--ar 5:4") && answers[1].contains("--ar 1:2"));
    assert_ne!(answers[0], answers[1]);
    // A JPEG sent under a PNG label is served as what it is.
    let mut jpeg = Vec::new();
    let img = flat(16, 16, [0, 200, 0]);
    img.write_to(
        &mut std::io::Cursor::new(&mut jpeg),
        image::ImageFormat::Jpeg,
    )
    .unwrap();
    let url = format!("data:image/png;base64,{}", STANDARD.encode(&jpeg));
    let reply = submit(&api, "describe", json!({ "base64": url })).await;
    let task = finished(&api, reply["result"].as_str().unwrap()).await;
    let (_, kind, bytes) = download(task["imageUrl"].as_str().unwrap()).await;
    assert_eq!((kind.as_str(), bytes), ("image/jpeg", jpeg));
    let bad = submit(&api, "describe", json!({ "base64": "hello" })).await;
    assert_eq!(bad["code"], 4);
}

#[tokio::test]
async fn blend_takes_two_to_five_pictures_and_draws_the_chosen_shape() {
    let api = server(config()).await;
    let one = data_url(&flat(4, 4, [1, 2, 3]));
    for count in [1, 6] {
        let body = json!({ "base64Array": vec![one.clone(); count], "dimensions": "SQUARE" });
        assert_eq!(
            submit(&api, "blend", body).await["code"],
            4,
            "{count} pictures"
        );
    }
    let body = json!({ "base64Array": [one, data_url(&flat(4, 4, [90, 2, 3]))], "dimensions": "LANDSCAPE" });
    let reply = submit(&api, "blend", body).await;
    assert_eq!(reply["code"], 1, "{reply}");
    let task = finished(&api, reply["result"].as_str().unwrap()).await;
    assert_eq!(task["action"], "BLEND");
    assert_eq!(task["properties"]["imageCount"], 2);
    let (_, _, png) = download(task["imageUrl"].as_str().unwrap()).await;
    assert_eq!(picture(&png).dimensions(), (64, 42));
}

#[tokio::test]
async fn cdn_links_expire_into_403() {
    let api = server(MjPlusConfig {
        link_ttl: Duration::from_millis(300),
        ..config()
    })
    .await;
    let task = finished(&api, &imagine(&api, "a boat").await).await;
    let url = task["imageUrl"].as_str().unwrap();
    assert_eq!(download(url).await.0, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert_eq!(download(url).await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        api.task(task["id"].as_str().unwrap()).unwrap()["imageUrl"],
        url,
        "the same link"
    );
}

#[tokio::test]
async fn speed_modes_exist_only_when_offered_and_are_recorded() {
    let plain = server(config()).await;
    let (status, _) = post(&plain, "/mj-fast/submit/imagine", json!({ "prompt": "a" })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let api = server(MjPlusConfig {
        modes: true,
        concurrency: 10,
        ..config()
    })
    .await;
    for (prefix, mode) in [
        ("/mj-fast", "fast"),
        ("/mj-relax", "relax"),
        ("/mj-turbo", "turbo"),
        ("/mj", "default"),
    ] {
        let (status, reply) = post(
            &api,
            &format!("{prefix}/submit/imagine"),
            json!({ "prompt": "a" }),
        )
        .await;
        assert_eq!(
            (status, reply["code"].clone()),
            (StatusCode::OK, json!(1)),
            "{prefix}"
        );
        let (_, task) = reply_of(
            &api,
            &format!("{prefix}/task/{}/fetch", reply["result"].as_str().unwrap()),
        )
        .await;
        assert_eq!(task["properties"]["mode"], mode);
    }
    assert_eq!(
        api.requests("/mj/submit/imagine"),
        4,
        "counted whatever the mode"
    );
}

async fn reply_of(api: &MjPlus, path: &str) -> (StatusCode, Value) {
    reply(request(api, Method::GET, path)).await
}

#[tokio::test]
async fn scripted_task_faults() {
    let api = server(config()).await;
    let stuck = imagine(&api, "a [stuck] cat").await;
    let failing = imagine(&api, "a [fail] cat").await;
    let cancelled = imagine(&api, "a [cancel] cat").await;
    let (_, failed) = poll_to_end(&api, &failing).await;
    assert_eq!(failed["status"], "FAILURE");
    assert!(failed["failReason"]
        .as_str()
        .unwrap()
        .contains("submit again"));
    assert_eq!(poll_to_end(&api, &cancelled).await.1["status"], "CANCEL");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let task = fetch(&api, &stuck).await.1;
    assert_eq!(
        (task["status"].as_str(), task["progress"].as_str()),
        (Some("IN_PROGRESS"), Some("46%"))
    );

    let vanishing = imagine(&api, "a [vanish] cat").await;
    assert_eq!(fetch(&api, &vanishing).await.0, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(fetch(&api, &vanishing).await.0, StatusCode::NOT_FOUND);
    let (_, list) = post(
        &api,
        "/mj/task/list-by-condition",
        json!({ "ids": [vanishing, stuck] }),
    )
    .await;
    assert_eq!(list.as_array().unwrap().len(), 1);

    let backwards = imagine(&api, "a [backwards] cat").await;
    let (seen, done) = poll_to_end(&api, &backwards).await;
    let progress: Vec<u32> = seen
        .iter()
        .filter_map(|t| t["progress"].as_str()?.trim_end_matches('%').parse().ok())
        .collect();
    assert!(progress.windows(2).any(|w| w[1] < w[0]), "{progress:?}");
    assert_eq!(done["status"], "SUCCESS");
}

#[tokio::test]
async fn faults_scripted_for_the_next_task_and_over_http() {
    let api = server(config()).await;
    let grid = finished(&api, &imagine(&api, "a cat").await).await;
    api.script_task(TaskFault::Fail);
    let reply = act(&api, &grid, "U1").await;
    assert_eq!(
        poll_to_end(&api, reply["result"].as_str().unwrap()).await.1["status"],
        "FAILURE"
    );
    let control = format!("{}/__standin/mjplus/task-faults", api.base_url());
    let status = http()
        .post(&control)
        .json(&json!({ "fault": "cancel" }))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, StatusCode::NO_CONTENT);
    let reply = act(&api, &grid, "V1").await;
    assert_eq!(
        poll_to_end(&api, reply["result"].as_str().unwrap()).await.1["status"],
        "CANCEL"
    );
    let bad = http()
        .post(&control)
        .json(&json!({ "fault": "nope" }))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(bad, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_lost_reply_still_makes_the_task_and_cdn_faults_are_separate() {
    let api = server(config()).await;
    api.push_fault(Fault::new("/mj/submit/imagine", 502, 1).after_handling());
    let (status, body) = post(&api, "/mj/submit/imagine", json!({ "prompt": "a" })).await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::BAD_GATEWAY, json!(502))
    );
    assert_eq!(api.submissions(), 1, "the work was done");
    let task = finished(&api, &imagine(&api, "b").await).await;
    api.push_cdn_fault(Fault::new("/attachments/", 500, 1));
    let url = task["imageUrl"].as_str().unwrap();
    assert_eq!(download(url).await.0, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(download(url).await.0, StatusCode::OK);
    assert_eq!(api.cdn_requests(), 2);
}
