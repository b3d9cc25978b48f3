//! Midjourney's actions, Describe and Blend through the app, as the shell calls them, against
//! the midjourney-proxy stand-in over real HTTP: each a job of its own that ends with its
//! pictures on disk, linked both ways to the pictures it was made from.

use std::io::Cursor;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use atelier_core::app::{DescribeSource, ModalAnswer, NewAccount};
use atelier_core::engine::{Job, JobStatus, Slot};
use atelier_core::providers::{ActionKind, BlendShape, ProviderKind};
use atelier_core::secrets::MemoryStore;
use atelier_core::Atelier;
use atelier_standin::{Fault, MjPlus, MjPlusConfig};
use base64::Engine as _;
use tempfile::TempDir;

use crate::harness::lab::until;
use crate::harness::{fast, finished};

const SECRET: &str = "standin-secret";

/// A library with one midjourney-proxy account on the stand-in.
struct Studio {
    server: MjPlus,
    app: Atelier,
    account: i64,
    secrets: Arc<MemoryStore>,
    dir: TempDir,
}

async fn studio(tweak: impl FnOnce(&mut MjPlusConfig)) -> Studio {
    let mut config = MjPlusConfig {
        secret: SECRET.into(),
        pending: Duration::from_millis(100),
        running: Duration::from_millis(500),
        grid_size: 256,
        ..MjPlusConfig::default()
    };
    tweak(&mut config);
    let server = MjPlus::start(config, 0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let secrets = Arc::new(MemoryStore::default());
    let app = open(dir.path(), &secrets);
    let new = NewAccount {
        provider: ProviderKind::MjPlus,
        label: "Proxy".into(),
        base_url: server.base_url(),
        token: SECRET.into(),
        allow_unencrypted: false,
        options: Default::default(),
    };
    let account = app.add_account(&new).unwrap().account.id;
    Studio {
        server,
        app,
        account,
        secrets,
        dir,
    }
}

fn open(dir: &Path, secrets: &Arc<MemoryStore>) -> Atelier {
    let secrets = secrets.clone();
    Atelier::open(dir, secrets, fast(), Arc::new(|_: &Job| {})).unwrap()
}

impl Studio {
    /// Quits the app and opens the library again, as a restart does.
    fn reopen(self) -> Self {
        let Studio {
            server,
            app,
            account,
            secrets,
            dir,
        } = self;
        drop(app);
        let app = open(dir.path(), &secrets);
        Studio {
            server,
            app,
            account,
            secrets,
            dir,
        }
    }

    async fn imagine(&self, prompt: &str) -> Job {
        let sent = self.app.submit(self.account, prompt).await.unwrap();
        done(finished(&self.app, sent.id).await)
    }

    /// Presses the button labelled `label` on `job` and waits for the new job to finish.
    async fn press(&self, job: &Job, label: &str, answer: Option<ModalAnswer>) -> Job {
        let sent = self.send(job, label, answer).await;
        done(finished(&self.app, sent.id).await)
    }

    async fn send(&self, job: &Job, label: &str, answer: Option<ModalAnswer>) -> Job {
        let button = job
            .buttons
            .iter()
            .find(|b| b.label == label)
            .unwrap_or_else(|| panic!("no {label} on {:?}", job.buttons));
        let plan = self.app.plan_action(job.id, &button.custom_id, answer);
        self.app.act_with(plan.unwrap()).await.unwrap()
    }

    fn made_of(&self, parent: &Job) -> Vec<i64> {
        let copies = self.app.made_of(parent.id).unwrap();
        copies.iter().map(|c| c.job_id).collect()
    }

    /// `child` was made from `parent`'s grid (or one picture), and `parent` knows it.
    fn assert_linked(&self, parent: &Job, child: &Job, action: ActionKind) {
        let made = child.made.as_ref().expect("made by an action");
        assert_eq!(made.action, action);
        let from: Vec<(i64, Slot)> = made.from.iter().map(|p| (p.job_id, p.slot)).collect();
        assert_eq!(from, [(parent.id, Slot::Grid)]);
        assert!(self.made_of(parent).contains(&child.id));
    }
}

/// A finished job, done, with every picture on disk.
fn done(job: Job) -> Job {
    assert_eq!(job.status, JobStatus::Done, "{:?}", job.error);
    for image in &job.images {
        assert!(
            Path::new(&image.file).is_file(),
            "{} is missing",
            image.file
        );
    }
    job
}

fn answer(prompt: &str) -> Option<ModalAnswer> {
    Some(ModalAnswer {
        prompt: prompt.into(),
        mask: None,
    })
}

/// A mask of `width`×`height`, white over its left half.
fn mask(width: u32, height: u32) -> String {
    let img = image::GrayImage::from_fn(width, height, |x, _| {
        image::Luma([if x < width / 2 { 255 } else { 0 }])
    });
    let mut bytes = Vec::new();
    img.write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
        .unwrap();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[tokio::test]
async fn every_action_makes_a_job_linked_to_what_it_was_made_from() {
    let studio = studio(|_| {}).await;
    let grid = studio.imagine("a red fox in the snow --ar 3:2").await;
    assert!(!grid.buttons.is_empty(), "an imagine offers its buttons");

    let varied = studio.press(&grid, "V2", None).await;
    studio.assert_linked(&grid, &varied, ActionKind::Variation);
    assert_eq!(varied.images.len(), 1, "a new grid, as sent");
    assert!(!varied.buttons.is_empty());

    let upscale = studio.press(&varied, "U1", None).await;
    studio.assert_linked(&varied, &upscale, ActionKind::Upscale);
    let slots: Vec<Slot> = upscale.images.iter().map(|i| i.slot).collect();
    assert_eq!(slots, [Slot::Grid], "one picture, nothing composed");

    let zoomed = studio.press(&upscale, "Zoom Out 2x", None).await;
    studio.assert_linked(&upscale, &zoomed, ActionKind::ZoomOut);

    let custom = studio
        .press(
            &upscale,
            "Custom Zoom",
            answer("a red fox in a wide field --zoom 1.5"),
        )
        .await;
    studio.assert_linked(&upscale, &custom, ActionKind::CustomZoom);
    assert_eq!(custom.prompt, "a red fox in a wide field --zoom 1.5");

    let picture = &upscale.images[0];
    let region = ModalAnswer {
        prompt: "a fox in a hat".into(),
        mask: Some(mask(picture.width, picture.height)),
    };
    let varied_region = studio.press(&upscale, "Vary (Region)", Some(region)).await;
    studio.assert_linked(&upscale, &varied_region, ActionKind::VaryRegion);
    let task = studio
        .server
        .task(varied_region.remote_id.as_deref().unwrap());
    let task = task.unwrap().to_string();
    assert!(task.contains("mask"), "{task}");

    // A mask of another size is refused before anything is sent.
    let wrong = ModalAnswer {
        prompt: String::new(),
        mask: Some(mask(10, 10)),
    };
    let button = upscale.buttons.iter().find(|b| b.label == "Vary (Region)");
    let refused = studio
        .app
        .plan_action(upscale.id, &button.unwrap().custom_id, Some(wrong));
    let why = refused.err().unwrap().to_string();
    assert!(why.starts_with("The mask is 10×10"), "{why}");

    assert_eq!(
        studio.made_of(&upscale),
        [zoomed.id, custom.id, varied_region.id],
        "oldest first"
    );
    let gone = studio
        .app
        .plan_action(grid.id, "MJ::JOB::upsample::9::nope", None);
    let why = gone.err().unwrap().to_string();
    assert!(why.starts_with("This action is no longer offered"), "{why}");
}

#[tokio::test]
async fn describe_and_blend_read_the_librarys_pictures() {
    let studio = studio(|_| {}).await;
    let fox = studio.imagine("a fox").await;
    let owl = studio.imagine("an owl --ar 2:3").await;
    let grid_of = |job: &Job| job.images.iter().find(|i| i.slot == Slot::Grid).unwrap().id;

    let source = DescribeSource::Image {
        image_id: grid_of(&fox),
    };
    let plan = studio.app.plan_describe(studio.account, source).unwrap();
    let sent = studio.app.act_with(plan).await.unwrap();
    let described = done(finished(&studio.app, sent.id).await);
    assert_eq!(described.described.len(), 4, "{:?}", described.described);
    studio.assert_linked(&fox, &described, ActionKind::Describe);

    let ids = [grid_of(&fox), grid_of(&owl)];
    let plan = studio
        .app
        .plan_blend(studio.account, &ids, BlendShape::Portrait);
    let sent = studio.app.act_with(plan.unwrap()).await.unwrap();
    let blend = done(finished(&studio.app, sent.id).await);
    assert_eq!(blend.images.len(), 1);
    let made = blend.made.unwrap();
    let from: Vec<i64> = made.from.iter().map(|p| p.job_id).collect();
    assert_eq!(from, [fox.id, owl.id], "in the order picked");
    assert!(studio.made_of(&owl).contains(&blend.id));
    assert_eq!(blend.prompt, "Blend of 2 pictures --ar 2:3");

    let twice = studio
        .app
        .plan_blend(studio.account, &[ids[0], ids[0]], BlendShape::Square);
    assert!(twice.err().unwrap().to_string().contains("twice"));

    // A file from outside: read and checked, no source.
    let file = studio.dir.path().join("outside.png");
    std::fs::write(&file, b"<html>not a picture</html>").unwrap();
    let path = file.to_string_lossy().into_owned();
    let refused = studio
        .app
        .plan_describe(studio.account, DescribeSource::File { path });
    let why = refused.err().unwrap().to_string();
    assert!(why.contains("is not a PNG, JPEG or WebP picture"), "{why}");
}

#[tokio::test]
async fn remix_waits_for_the_prompt_then_goes_on_when_it_is_sent() {
    let studio = studio(|c| c.remix = true).await;
    let grid = studio.imagine("a red fox --ar 3:2").await;
    let waiting = studio.send(&grid, "V1", None).await;
    assert_eq!(
        waiting.status,
        JobStatus::AwaitingPrompt,
        "{:?}",
        waiting.error
    );
    assert_eq!(
        waiting.prompt, "a red fox --ar 3:2",
        "the service's suggestion"
    );
    let made = studio.server.submissions();

    let answer = ModalAnswer {
        prompt: "a blue fox --ar 3:2".into(),
        mask: None,
    };
    let plan = studio.app.plan_confirm(waiting.id, answer).unwrap();
    let sent = studio.app.act_with(plan).await.unwrap();
    assert_eq!(sent.prompt, "a blue fox --ar 3:2");
    let varied = done(finished(&studio.app, sent.id).await);
    studio.assert_linked(&grid, &varied, ActionKind::Variation);
    assert_eq!(varied.images.len(), 1);
    let task = studio
        .server
        .task(varied.remote_id.as_deref().unwrap())
        .unwrap();
    assert!(task.to_string().contains("a blue fox"), "{task}");
    assert_eq!(
        studio.server.submissions(),
        made,
        "the same task, confirmed"
    );

    // Sent once: it waits no more.
    let again = ModalAnswer {
        prompt: "a green fox".into(),
        mask: None,
    };
    assert!(studio.app.plan_confirm(waiting.id, again).is_err());

    // Cancelled while it waits: nothing is sent.
    let waiting = studio.send(&grid, "V2", None).await;
    studio.app.cancel(waiting.id).unwrap();
    let cancelled = until(&studio.app, waiting.id, |j| j.status.is_finished()).await;
    assert_eq!(cancelled.status, JobStatus::Cancelled);
}

#[tokio::test]
async fn the_same_upscale_twice_is_one_task_followed_by_one_job() {
    let studio = studio(|_| {}).await;
    let grid = studio.imagine("a fox").await;
    let first = studio.send(&grid, "U2", None).await;
    let made = studio.server.submissions();
    let second = studio.send(&grid, "U2", None).await;
    assert_eq!(studio.server.submissions(), made, "never a second task");
    assert_eq!(second.status, JobStatus::Failed);
    let why = second.error.unwrap();
    assert!(why.contains(&format!("job #{}", first.id)), "{why}");
    let first = done(finished(&studio.app, first.id).await);
    assert_eq!(first.images.len(), 1);
}

#[tokio::test]
async fn an_action_whose_answer_was_lost_is_never_sent_again() {
    let studio = studio(|_| {}).await;
    let grid = studio.imagine("a fox").await;
    let route = "/mj/submit/action";
    studio
        .server
        .push_fault(Fault::new(route, 502, 1).after_handling());
    let lost = studio.send(&grid, "V3", None).await;
    assert_eq!(lost.status, JobStatus::Unknown);
    let why = lost.error.unwrap();
    assert!(why.contains("was not sent again"), "{why}");
    assert!(why.contains("midjourney-proxy history"), "{why}");

    let studio = studio.reopen();
    assert_eq!(studio.app.resume().unwrap(), 0);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(studio.server.requests(route), 1, "sent once, never again");
    let made = studio.app.made_of(grid.id).unwrap();
    assert_eq!(made.len(), 1);
    assert_eq!(made[0].status, JobStatus::Unknown);
}
