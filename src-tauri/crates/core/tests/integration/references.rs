//! The library's pictures sent with a prompt as references, over real HTTP: ImagineAPI gets
//! their addresses in the prompt text while a HEAD says they still answer, Demo gets image
//! prompts as data (and draws them), a service that takes neither refuses; every refusal
//! comes before anything is recorded or sent.

use atelier_core::app::PromptReference;
use atelier_core::engine::{Job, JobStatus, Slot};
use atelier_core::job::SourceRole;
use atelier_core::providers::ProviderKind;
use atelier_core::{Atelier, AtelierError};
use atelier_standin::Fault;

use crate::harness::demo::DemoLab;
use crate::harness::finished;
use crate::harness::lab::{aiclient, imagineapi, Lab, TOKEN};

fn reference(image_id: i64, role: SourceRole) -> PromptReference {
    PromptReference { image_id, role }
}

async fn send(
    app: &Atelier,
    account: i64,
    prompt: &str,
    references: &[PromptReference],
) -> Result<Job, AtelierError> {
    let connection = app.connect(account)?;
    app.submit_referencing(connection, prompt, references, None)
        .await
}

fn refusal(result: Result<Job, AtelierError>) -> String {
    match result {
        Err(AtelierError::Invalid(sentence)) => sentence,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn image_of(job: &Job, slot: Slot) -> i64 {
    job.images.iter().find(|i| i.slot == slot).unwrap().id
}

/// How many jobs the library holds: a refusal must leave none behind.
fn job_count(app: &Atelier) -> usize {
    let query = atelier_core::library::LibraryQuery::default();
    app.library_page(&query, None, 1000).unwrap().jobs.len()
}

/// The prompt the ImagineAPI stand-in received for a remote job, read back over HTTP.
async fn received_prompt(base_url: &str, remote_id: &str) -> String {
    let url = format!("{base_url}/items/images/{remote_id}");
    let reply = reqwest::Client::new()
        .get(url)
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = reply.json().await.unwrap();
    body["data"]["prompt"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn imagineapi_gets_addresses_that_answer_and_refuses_one_that_404s() {
    let lab = Lab::open(imagineapi().await);
    let first = finished(&lab.app, lab.submit("a lighthouse").await.id).await;
    assert_eq!(first.status, JobStatus::Done, "{:?}", first.error);
    let (u1, u2) = (image_of(&first, Slot::U1), image_of(&first, Slot::U2));
    let address = |id| {
        lab.app
            .store()
            .image(id)
            .unwrap()
            .unwrap()
            .source_url
            .unwrap()
    };
    let (u1_url, u2_url) = (address(u1), address(u2));

    let refs = [
        reference(u1, SourceRole::ImagePrompt),
        reference(u2, SourceRole::Style),
    ];
    let job = send(&lab.app, lab.account, "a boat --ar 16:9", &refs)
        .await
        .unwrap();
    assert_eq!(
        job.prompt, "a boat --ar 16:9",
        "the job keeps the person's prompt"
    );
    let remote = job.remote_id.clone().expect("accepted");
    assert_eq!(
        received_prompt(&lab.server.base_url(), &remote).await,
        format!("{u1_url} a boat --ar 16:9 --sref {u2_url}")
    );
    assert_eq!(lab.app.references_of(job.id).unwrap(), refs);
    assert_eq!(finished(&lab.app, job.id).await.status, JobStatus::Done);

    // The service forgot U1: its address answers 404 to the HEAD.
    let path = url::Url::parse(&u1_url).unwrap().path().to_owned();
    lab.server.push_fault(Fault::new(path, 404, 1));
    let (jobs, sent) = (job_count(&lab.app), lab.server.submissions());
    let why = refusal(send(&lab.app, lab.account, "a boat", &refs[..1]).await);
    assert_eq!(
        why,
        "ImagineAPI no longer has this picture (its address answers 404), so it cannot be used \
         as a reference there. Use a midjourney-proxy account, which takes pictures as files."
    );
    assert_eq!(job_count(&lab.app), jobs, "nothing recorded");
    assert_eq!(lab.server.submissions(), sent, "nothing sent");
    lab.assert_faults_served().await;
}

#[tokio::test]
async fn a_picture_imagineapi_never_had_or_one_deleted_is_refused() {
    let lab = Lab::open(imagineapi().await);
    let accounts = lab.app.accounts().unwrap();
    let demo = accounts
        .iter()
        .find(|a| a.account.provider == ProviderKind::Demo);
    let demo = demo.expect("every library has the Demo account").account.id;
    let made = finished(
        &lab.app,
        send(&lab.app, demo, "a fox", &[]).await.unwrap().id,
    )
    .await;
    let demo_picture = image_of(&made, Slot::U1);

    let refs = [reference(demo_picture, SourceRole::Omni)];
    let why = refusal(send(&lab.app, lab.account, "a boat", &refs).await);
    assert!(
        why.starts_with("ImagineAPI never had this picture"),
        "{why}"
    );
    assert!(why.contains("Use a midjourney-proxy account"), "{why}");

    let refs = [reference(demo_picture + 1000, SourceRole::ImagePrompt)];
    let why = refusal(send(&lab.app, lab.account, "a boat", &refs).await);
    assert!(why.contains("no longer in the library"), "{why}");
    assert_eq!(lab.server.submissions(), 0, "nothing sent");
}

#[tokio::test]
async fn demo_draws_an_image_prompt_and_records_it_with_the_job() {
    let lab = DemoLab::instant();
    let plain = finished(&lab.app, lab.submit("a lighthouse --seed 7").await.id).await;
    let again = finished(&lab.app, lab.submit("a lighthouse --seed 7").await.id).await;
    let pixels = |job: &Job, slot| {
        let img = job.images.iter().find(|i| i.slot == slot).unwrap();
        image::open(&img.file).unwrap().to_rgb8().into_raw()
    };
    let same = pixels(&plain, Slot::U1) == pixels(&again, Slot::U1);
    assert!(same, "a seed repeats");

    let refs = [reference(
        image_of(&plain, Slot::U3),
        SourceRole::ImagePrompt,
    )];
    let job = send(&lab.app, lab.demo, "a lighthouse --seed 7", &refs)
        .await
        .unwrap();
    let job = finished(&lab.app, job.id).await;
    assert_eq!(job.status, JobStatus::Done, "{:?}", job.error);
    assert_eq!(job.prompt, "a lighthouse --seed 7");
    for slot in [Slot::U1, Slot::U2, Slot::U3, Slot::U4] {
        let shown = pixels(&plain, slot) != pixels(&job, slot);
        assert!(shown, "{slot:?} shows the reference");
    }
    assert_eq!(lab.app.references_of(job.id).unwrap(), refs);
    assert_eq!(lab.app.references_of(plain.id).unwrap(), []);

    // A style reference goes only as an address, and a Demo picture has none.
    let jobs = job_count(&lab.app);
    let style = [reference(image_of(&plain, Slot::U1), SourceRole::Style)];
    let why = refusal(send(&lab.app, lab.demo, "a lighthouse", &style).await);
    assert!(
        why.starts_with("Demo takes style and omni references only as picture addresses"),
        "{why}"
    );
    assert!(why.contains("Use it as an image prompt instead"), "{why}");
    assert_eq!(job_count(&lab.app), jobs, "nothing recorded");
}

#[tokio::test]
async fn a_service_that_takes_no_pictures_says_what_would() {
    let lab = Lab::open(aiclient().await);
    let jobs = job_count(&lab.app);
    let refs = [reference(1, SourceRole::ImagePrompt)];
    let why = refusal(send(&lab.app, lab.account, "a boat", &refs).await);
    assert!(
        why.starts_with("AI-Client takes no pictures with a prompt"),
        "{why}"
    );
    assert!(
        why.contains("midjourney-proxy") && why.contains("ImagineAPI"),
        "{why}"
    );
    assert_eq!(job_count(&lab.app), jobs);
    assert_eq!(lab.server.submissions(), 0);
}
