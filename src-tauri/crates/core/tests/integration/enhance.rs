//! Enhance over real HTTP against the ImagineAPI stand-in: a new job made from an upscale,
//! brought home as one WebP, linked to its parent both ways; refusals, a remote failure, a
//! lost answer and a restart mid-way.

use std::path::Path;
use std::time::Duration;

use crate::harness::finished;
use crate::harness::lab::{aiclient, imagineapi, imagineapi_config, imagineapi_with, Lab};
use atelier_core::engine::{Job, JobStatus, ParentImage, Slot};
use atelier_core::providers::EnhanceScale;
use atelier_core::AtelierError;
use atelier_standin::{Fault, ImagineApiConfig};

/// A finished job of `prompt` and the image id of its `slot`.
async fn upscale<S: crate::harness::lab::Service>(
    lab: &Lab<S>,
    prompt: &str,
    slot: Slot,
) -> (Job, i64) {
    let job = lab.submit(prompt).await;
    let job = finished(&lab.app, job.id).await;
    assert_eq!(job.status, JobStatus::Done, "{:?}", job.error);
    let image = job.images.iter().find(|i| i.slot == slot).unwrap().id;
    (job, image)
}

fn refusal(result: Result<Job, AtelierError>) -> String {
    match result {
        Err(AtelierError::Invalid(sentence)) => sentence,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn an_upscale_enhanced_4x_becomes_one_webp_linked_to_its_parent() {
    let lab = Lab::open(imagineapi().await);
    let (parent, u2) = upscale(&lab, "a lighthouse --ar 16:9", Slot::U2).await;

    let sent = lab.app.enhance(u2, EnhanceScale::X4).await.unwrap();
    assert_ne!(sent.id, parent.id, "a job of its own");
    assert_eq!(sent.prompt, parent.prompt);
    let done = finished(&lab.app, sent.id).await;

    assert_eq!(done.status, JobStatus::Done, "{:?}", done.error);
    assert_eq!(
        done.images.len(),
        1,
        "one picture, no grid composed: {done:?}"
    );
    let img = &done.images[0];
    assert!(img.file.ends_with(".webp"), "{}", img.file);
    let picture = image::open(&img.file).unwrap();
    let source = &parent.images.iter().find(|i| i.id == u2).unwrap();
    assert_eq!(
        (picture.width(), picture.height()),
        (source.width * 4, source.height * 4),
        "four times the upscale"
    );
    assert!(Path::new(&img.thumb).is_file());

    let made = done.enhancement.expect("an enhancement");
    assert_eq!(made.scale, EnhanceScale::X4);
    let from = ParentImage {
        image_id: u2,
        job_id: parent.id,
        slot: Slot::U2,
    };
    assert_eq!(made.parent, Some(from));
    let copies = lab.app.enhancements(parent.id).unwrap();
    assert_eq!(copies.len(), 1);
    assert_eq!(
        (copies[0].job_id, copies[0].slot, copies[0].status),
        (done.id, Slot::U2, JobStatus::Done)
    );
    assert_eq!(lab.app.job(parent.id).unwrap().unwrap().enhanced, 1);
    assert_eq!(lab.server.submissions(), 2, "the Enhance was sent once");
    lab.assert_media_consistent();
}

/// 10× of a 1024² upscale is 105 megapixels, past the 64 MP every other download is held to:
/// it arrives, is kept, and has its thumbnails. 12× (151 MP) could not be kept, so it is
/// refused before anything is sent or charged.
#[tokio::test]
async fn a_10x_enhance_of_a_large_upscale_is_kept_and_12x_is_refused_before_it_is_sent() {
    let config = imagineapi_config();
    let lab = Lab::open(
        imagineapi_with(ImagineApiConfig {
            grid_size: 2048,
            ..config
        })
        .await,
    );
    let (parent, u1) = upscale(&lab, "a glacier", Slot::U1).await;
    let source = parent.images.iter().find(|i| i.id == u1).unwrap();
    assert_eq!((source.width, source.height), (1024, 1024));

    let why = refusal(lab.app.enhance(u1, EnhanceScale::X12).await);
    assert_eq!(
        why,
        "12× would make a 12,288×12,288 picture (150 megapixels); the largest Atelier can open \
         is 134 megapixels. Try 10× or less."
    );
    assert_eq!(lab.server.submissions(), 1, "the 12× was never sent");

    let sent = lab.app.enhance(u1, EnhanceScale::X10).await.unwrap();
    let done = finished(&lab.app, sent.id).await;
    assert_eq!(done.status, JobStatus::Done, "{:?}", done.error);
    let img = &done.images[0];
    assert_eq!((img.width, img.height), (10_240, 10_240));
    let on_disk = image::ImageReader::open(&img.file)
        .unwrap()
        .into_dimensions()
        .unwrap();
    assert_eq!(on_disk, (10_240, 10_240));
    let thumb = image::open(&img.thumb).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (512, 512));
    lab.assert_media_consistent();
}

#[tokio::test]
async fn a_grid_an_enhancement_or_another_service_is_refused_clearly() {
    let lab = Lab::open(imagineapi().await);
    let (job, grid) = upscale(&lab, "a harbour", Slot::Grid).await;
    let why = refusal(lab.app.enhance(grid, EnhanceScale::X2).await);
    assert!(why.contains("not on the grid"), "{why}");

    let u1 = job.images[1].id;
    let first = lab.app.enhance(u1, EnhanceScale::X2).await.unwrap();
    let first = finished(&lab.app, first.id).await;
    let why = refusal(lab.app.enhance(first.images[0].id, EnhanceScale::X2).await);
    assert!(why.contains("already an enhancement"), "{why}");
    let why = refusal(lab.app.enhance(i64::MAX, EnhanceScale::X2).await);
    assert!(why.contains("no longer exists"), "{why}");

    let other = Lab::open(aiclient().await);
    let (_, u1) = upscale(&other, "a harbour", Slot::U1).await;
    let why = refusal(other.app.enhance(u1, EnhanceScale::X2).await);
    assert!(why.contains("AI-Client has no Enhance"), "{why}");
    assert_eq!(other.server.submissions(), 1, "nothing was sent");
}

#[tokio::test]
async fn a_remote_failure_ends_the_enhancement_failed_with_the_services_reason() {
    let lab = Lab::open(imagineapi().await);
    let (_, u3) = upscale(&lab, "a storm [enhance-fail]", Slot::U3).await;
    let sent = lab.app.enhance(u3, EnhanceScale::X8).await.unwrap();
    let ended = finished(&lab.app, sent.id).await;
    assert_eq!(ended.status, JobStatus::Failed);
    let why = ended.error.unwrap();
    assert!(why.contains("Midjourney refused"), "{why}");
    assert!(ended.images.is_empty());
}

/// An Enhance holds one enhanced picture (in the grid's slot), so a failed download names
/// that picture, never a grid.
#[tokio::test]
async fn an_enhance_whose_picture_does_not_arrive_names_the_enhanced_picture() {
    let lab = Lab::open(imagineapi().await);
    let (_, u1) = upscale(&lab, "a kite", Slot::U1).await;
    lab.server.push_fault(Fault::new("/assets/", 404, 100));
    let sent = lab.app.enhance(u1, EnhanceScale::X2).await.unwrap();
    let ended = finished(&lab.app, sent.id).await;
    assert_eq!(ended.status, JobStatus::DownloadFailed, "{:?}", ended.error);
    let why = ended.error.unwrap();
    assert!(
        why.starts_with("Could not download the enhanced picture:"),
        "{why}"
    );
}

#[tokio::test]
async fn a_refused_or_lost_enhance_is_never_sent_twice() {
    let lab = Lab::open(imagineapi().await);
    let (parent, u4) = upscale(&lab, "a field", Slot::U4).await;
    let path = format!(
        "/items/images/{}/3/upscale",
        parent.remote_id.as_deref().unwrap()
    );

    // A 400 from the service: refused, nothing charged.
    lab.server.push_fault(Fault::new(&path, 400, 1));
    let refused = lab.app.enhance(u4, EnhanceScale::X2).await.unwrap();
    assert_eq!(refused.status, JobStatus::Failed);
    assert!(refused.error.unwrap().contains("Nothing was charged"));

    // The service made it, but the answer never came: it cannot be looked up by reference.
    lab.server.push_fault(
        Fault::new(&path, 200, 1)
            .after_handling()
            .reset_connection(),
    );
    let lost = lab.app.enhance(u4, EnhanceScale::X2).await.unwrap();
    assert_eq!(lost.status, JobStatus::Unknown);
    let why = lost.error.unwrap();
    assert!(why.contains("was not sent again"), "{why}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(lab.server.submissions(), 2, "the job and one Enhance");
    lab.assert_faults_served().await;
}

#[tokio::test]
async fn an_enhancement_in_flight_resumes_after_a_restart() {
    let lab = Lab::open(imagineapi().await);
    let (parent, u2) = upscale(&lab, "a slow tide [slow]", Slot::U2).await;
    let sent = lab.app.enhance(u2, EnhanceScale::X2).await.unwrap();
    assert!(!sent.status.is_finished());

    let lab = lab.reopen().await;
    assert!(!lab.app.job(sent.id).unwrap().unwrap().status.is_finished());
    lab.app.resume().unwrap();
    let done = finished(&lab.app, sent.id).await;
    assert_eq!(done.status, JobStatus::Done, "{:?}", done.error);
    assert_eq!(done.images.len(), 1);
    let from = done.enhancement.unwrap().parent.unwrap();
    assert_eq!((from.job_id, from.image_id), (parent.id, u2));
    assert_eq!(lab.server.submissions(), 2, "followed, not sent again");
}

#[tokio::test]
async fn an_enhance_cut_short_before_its_answer_was_recorded_ends_unknown_after_a_restart() {
    let lab = Lab::open(imagineapi().await);
    let (parent, u1) = upscale(&lab, "a bay", Slot::U1).await;
    // As a crash leaves it: recorded, maybe sent, no answer kept.
    let account = lab.app.store().account(lab.account).unwrap().unwrap();
    let store = lab.app.store();
    let cut = store
        .insert_enhancement("cut", &account, &parent.prompt, u1, EnhanceScale::X2)
        .unwrap();

    let lab = lab.reopen().await;
    lab.app.resume().unwrap();
    let ended = finished(&lab.app, cut.id).await;
    assert_eq!(ended.status, JobStatus::Unknown);
    assert!(ended
        .error
        .unwrap()
        .contains("Check your ImagineAPI history"));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        lab.server.submissions(),
        1,
        "never sent (again) by the restart"
    );
}
