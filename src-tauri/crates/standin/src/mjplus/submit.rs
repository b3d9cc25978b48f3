//! `/mj/submit/...`: imagine, action, modal, describe, blend. Every reply is HTTP 200 with
//! `{code, description, result, properties}`; `code` says what happened.

use std::sync::Arc;

use axum::body::Bytes;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::buttons::{self, Press};
use super::describe;
use super::pictures::Picture;
use super::store::Admission;
use super::task::{Action, Mode, Phase, Task};
use super::uploads::{self, Upload};
use super::Shared;
use crate::prompt::Aspect;

/// The submit reply's `code`s.
const ACCEPTED: u32 = 1;
const NOT_FOUND: u32 = 3;
const VALIDATION: u32 = 4;
const EXISTS_OR_MODAL: u32 = 21;
const IN_QUEUE: u32 = 22;
const QUEUE_FULL: u32 = 23;
const BANNED: u32 = 24;

fn reply(code: u32, description: &str, result: Option<&str>, properties: Value) -> Response {
    Json(json!({
        "code": code,
        "description": description,
        "result": result,
        "properties": properties,
    }))
    .into_response()
}

fn refused(code: u32, description: impl AsRef<str>) -> Response {
    reply(code, description.as_ref(), None, json!({}))
}

/// The reply for a task sent to the queue.
fn admitted(id: &str, admission: Admission) -> Response {
    match admission {
        Admission::Started => reply(ACCEPTED, "Submit success", Some(id), json!({})),
        Admission::Queued { ahead } => reply(
            IN_QUEUE,
            &format!("In queue, there are {ahead} tasks ahead"),
            Some(id),
            json!({ "numberOfQueues": ahead }),
        ),
        Admission::Full => refused(QUEUE_FULL, "Queue full, please try again later"),
    }
}

fn body<T: DeserializeOwned>(bytes: &Bytes) -> Result<T, String> {
    serde_json::from_slice(bytes)
        .map_err(|e| format!("the request body is not what this route takes: {e}"))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Imagine {
    #[serde(default)]
    prompt: String,
    #[serde(default)]
    base64_array: Vec<String>,
    state: Option<String>,
}

pub async fn imagine(shared: Arc<Shared>, mode: Mode, bytes: Bytes) -> Response {
    let request: Imagine = match body(&bytes) {
        Ok(r) => r,
        Err(e) => return refused(VALIDATION, e),
    };
    if request.prompt.trim().is_empty() {
        return refused(
            VALIDATION,
            "prompt must not be blank: send the text to imagine",
        );
    }
    if let Some(word) = shared.banned_word(&request.prompt) {
        let properties = json!({ "promptEn": request.prompt, "bannedWord": word });
        return reply(BANNED, "可能包含敏感词 (banned word)", None, properties);
    }
    let images = match decode_all(&request.base64_array) {
        Ok(images) => images,
        Err(e) => return refused(VALIDATION, e),
    };
    let (w, h) = Aspect::of(&request.prompt).fit(shared.config.grid_size);
    let picture = Picture::grid(&request.prompt, w, h);
    let mut task = Task::new(Action::Imagine, request.prompt, mode, picture);
    task.state = request.state;
    task.extra.insert("imageCount".into(), images.len().into());
    let sizes: Vec<Value> = images.iter().map(|i| json!([i.width, i.height])).collect();
    task.extra.insert("imageSizes".into(), sizes.into());
    let id = task.id.clone();
    admitted(&id, shared.tasks.add(task))
}

fn decode_all(urls: &[String]) -> Result<Vec<Upload>, String> {
    urls.iter()
        .enumerate()
        .map(|(i, url)| uploads::decode(url, &format!("base64Array[{i}]")))
        .collect()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ActionRequest {
    #[serde(default)]
    task_id: String,
    #[serde(default)]
    custom_id: String,
    state: Option<String>,
}

pub async fn action(shared: Arc<Shared>, mode: Mode, bytes: Bytes) -> Response {
    let request: ActionRequest = match body(&bytes) {
        Ok(r) => r,
        Err(e) => return refused(VALIDATION, e),
    };
    let Some((parent, phase)) = shared.tasks.get(&request.task_id) else {
        let why = format!(
            "no task {}: send the id of a finished task",
            request.task_id
        );
        return refused(NOT_FOUND, why);
    };
    if phase != Phase::Success {
        let why = format!(
            "task {} is {}: wait until it is SUCCESS",
            parent.id,
            phase.status()
        );
        return refused(VALIDATION, why);
    }
    let offered = buttons::offered(parent.action, &parent.hash);
    let press = offered
        .iter()
        .any(|b| b.custom_id == request.custom_id)
        .then(|| Press::of(&request.custom_id))
        .flatten();
    let Some(press) = press else {
        let why = format!(
            "task {} offers no button {:?}: send one of its buttons' customId",
            parent.id, request.custom_id
        );
        return refused(VALIDATION, why);
    };
    if let Some(existing) = shared.tasks.upscaled_before(&parent.id, &request.custom_id) {
        return reply(
            EXISTS_OR_MODAL,
            "Task already exists",
            Some(&existing),
            json!({}),
        );
    }
    let mut task = Task::new(
        press.action(),
        parent.prompt.clone(),
        mode,
        made(&shared, &parent, press),
    );
    task.parent = Some(parent.id.clone());
    task.custom_id = Some(request.custom_id.clone());
    task.state = request.state;
    let id = task.id.clone();
    if press.asks(shared.config.remix) {
        return ask(&shared, task, press);
    }
    let admission = shared.tasks.add(task);
    if matches!(press, Press::Upscale(_)) && admission != Admission::Full {
        shared
            .tasks
            .remember_upscale(&parent.id, &request.custom_id, &id);
    }
    admitted(&id, admission)
}

/// What pressing `press` under `parent` shows once done.
fn made(shared: &Shared, parent: &Task, press: Press) -> Picture {
    match (press, &parent.art.picture) {
        (
            Press::Upscale(index),
            Picture::Grid {
                seed,
                width,
                height,
            },
        ) => Picture::Quadrant {
            seed: seed.clone(),
            width: *width,
            height: *height,
            index,
        },
        (
            Press::UpscaleAgain,
            Picture::Quadrant {
                seed,
                width,
                height,
                index,
            },
        ) => Picture::Quadrant {
            seed: seed.clone(),
            width: width * 2,
            height: height * 2,
            index: *index,
        },
        // A new grid, different from its parent's and from any other press's.
        _ => {
            let (w, h) = Aspect::of(&parent.prompt).fit(shared.config.grid_size);
            Picture::grid(
                &format!("{} #{}", parent.prompt, uuid::Uuid::new_v4()),
                w,
                h,
            )
        }
    }
}

/// Keeps `task` MODAL: Midjourney opened a window the client must answer with
/// `/mj/submit/modal`.
fn ask(shared: &Shared, mut task: Task, press: Press) -> Response {
    task.queued = None;
    let mut properties = Map::new();
    properties.insert("finalPrompt".into(), task.prompt.clone().into());
    if matches!(press, Press::Variation | Press::Reroll) {
        properties.insert("remix".into(), true.into());
    }
    let id = task.id.clone();
    match shared.tasks.add(task) {
        Admission::Full => refused(QUEUE_FULL, "Queue full, please try again later"),
        _ => reply(
            EXISTS_OR_MODAL,
            "Waiting for window confirm",
            Some(&id),
            properties.into(),
        ),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Modal {
    #[serde(default)]
    task_id: String,
    prompt: Option<String>,
    mask_base64: Option<String>,
}

pub async fn modal(shared: Arc<Shared>, bytes: Bytes) -> Response {
    let request: Modal = match body(&bytes) {
        Ok(r) => r,
        Err(e) => return refused(VALIDATION, e),
    };
    let Some((task, _)) = shared.tasks.get(&request.task_id) else {
        let why = format!(
            "no task {}: send the id the action answered with",
            request.task_id
        );
        return refused(NOT_FOUND, why);
    };
    let prompt = request.prompt.filter(|p| !p.trim().is_empty());
    if let Some(word) = prompt.as_deref().and_then(|p| shared.banned_word(p)) {
        let properties = json!({ "promptEn": prompt, "bannedWord": word });
        return reply(BANNED, "可能包含敏感词 (banned word)", None, properties);
    }
    let mask = match (task.action, request.mask_base64.as_deref()) {
        (Action::Inpaint, mask) => match check_mask(&shared, &task, mask) {
            Ok(mask) => Some(mask),
            Err(why) => return refused(VALIDATION, why),
        },
        _ => None,
    };
    let confirmed = shared.tasks.confirm(&task.id, |task| {
        if let Some(prompt) = prompt {
            task.fault = super::task::TaskFault::in_prompt(&prompt).or(task.fault);
            task.prompt = prompt;
        }
        if let Some(mask) = mask {
            task.extra.insert("maskWidth".into(), mask.width.into());
            task.extra.insert("maskHeight".into(), mask.height.into());
            let share = (mask.white * 1000.0).round() / 1000.0;
            task.extra.insert("maskWhiteShare".into(), share.into());
        }
    });
    match confirmed {
        Ok(admission) => admitted(&task.id, admission),
        Err(why) => refused(VALIDATION, why),
    }
}

/// Vary (Region)'s mask: a PNG the size of the picture being varied.
fn check_mask(shared: &Shared, task: &Task, mask: Option<&str>) -> Result<Upload, String> {
    let parent = task.parent.as_deref().and_then(|id| shared.tasks.get(id));
    let (width, height) = parent.map_or((0, 0), |(p, _)| p.art.picture.size());
    let wanted = format!(
        "mask must be a PNG data URL of {width}×{height} (the picture's size) in maskBase64, \
         white where to redraw"
    );
    let mask = uploads::decode(mask.ok_or_else(|| wanted.clone())?, "maskBase64")
        .map_err(|e| format!("{e}; {wanted}"))?;
    if mask.format != image::ImageFormat::Png || (mask.width, mask.height) != (width, height) {
        return Err(format!(
            "{wanted}, not a {}×{} {:?}",
            mask.width, mask.height, mask.format
        ));
    }
    Ok(mask)
}

#[derive(Deserialize)]
struct Describe {
    #[serde(default)]
    base64: String,
    state: Option<String>,
}

pub async fn describe(shared: Arc<Shared>, mode: Mode, bytes: Bytes) -> Response {
    let request: Describe = match body(&bytes) {
        Ok(r) => r,
        Err(e) => return refused(VALIDATION, e),
    };
    let upload = match uploads::decode(&request.base64, "base64") {
        Ok(u) => u,
        Err(e) => return refused(VALIDATION, e),
    };
    // Served as what it is, whatever the data URL claimed.
    let picture = Picture::Given {
        mime: upload.format.to_mime_type().to_owned(),
        bytes: upload.bytes.clone(),
    };
    let mut task = Task::new(Action::Describe, String::new(), mode, picture);
    task.described = Some(describe::prompts(&upload));
    task.state = request.state;
    task.extra
        .insert("imageSize".into(), json!([upload.width, upload.height]));
    let id = task.id.clone();
    admitted(&id, shared.tasks.add(task))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Blend {
    #[serde(default)]
    base64_array: Vec<String>,
    #[serde(default)]
    dimensions: Option<String>,
    state: Option<String>,
}

pub async fn blend(shared: Arc<Shared>, mode: Mode, bytes: Bytes) -> Response {
    let request: Blend = match body(&bytes) {
        Ok(r) => r,
        Err(e) => return refused(VALIDATION, e),
    };
    let count = request.base64_array.len();
    if !(2..=5).contains(&count) {
        let why = format!("base64Array must hold 2 to 5 pictures to blend, not {count}");
        return refused(VALIDATION, why);
    }
    let aspect = match request.dimensions.as_deref().unwrap_or("SQUARE") {
        "PORTRAIT" => Aspect {
            width: 2,
            height: 3,
        },
        "SQUARE" => Aspect::SQUARE,
        "LANDSCAPE" => Aspect {
            width: 3,
            height: 2,
        },
        other => {
            let why = format!("dimensions must be PORTRAIT, SQUARE or LANDSCAPE, not {other:?}");
            return refused(VALIDATION, why);
        }
    };
    let images = match decode_all(&request.base64_array) {
        Ok(images) => images,
        Err(e) => return refused(VALIDATION, e),
    };
    let seed: String = images.iter().map(|i| format!("{:?}", i.mean)).collect();
    let (w, h) = aspect.fit(shared.config.grid_size);
    let mut task = Task::new(
        Action::Blend,
        String::new(),
        mode,
        Picture::grid(&seed, w, h),
    );
    task.state = request.state;
    task.extra.insert("imageCount".into(), count.into());
    let dims = request.dimensions.unwrap_or_else(|| "SQUARE".into());
    task.extra.insert("dimensions".into(), dims.into());
    let id = task.id.clone();
    admitted(&id, shared.tasks.add(task))
}
