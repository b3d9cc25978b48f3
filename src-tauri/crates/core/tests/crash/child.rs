//! The child's side: a library opened on the stand-in, prompts sent, jobs deleted and
//! undone as planned, every step said on stdout so the parent knows when to kill.

use super::*;

pub(crate) fn say(line: &str) {
    // Stdout is line-buffered: each line reaches the parent before the next step runs.
    println!("{MARK}{line}");
}

/// Says every job update as `event <id> <status> <images>`, for the triggers.
pub(crate) fn event_sink() -> JobSink {
    Arc::new(|job: &Job| {
        say(&format!(
            "event {} {} {}",
            job.id,
            job.status.as_str(),
            job.images.len()
        ))
    })
}

pub(crate) async fn child(
    dir: &Path,
    url: &str,
    submit: usize,
    trial: &str,
    seed: u64,
    plan: &str,
) {
    let config = EngineConfig {
        poll_interval: Duration::from_millis(100),
        ..EngineConfig::default()
    };
    let sink = event_sink();
    // Tokens live in memory here, so they are set again on every start, as a user would.
    let secrets = Arc::new(MemoryStore::default());
    let app = Atelier::open(dir, secrets, config, sink).expect("opening the library");
    let existing = app
        .accounts()
        .expect("listing accounts")
        .into_iter()
        .find(|a| a.account.provider == ProviderKind::ImagineApi);
    let account = match existing {
        Some(view) => {
            app.set_token(view.account.id, &TOKEN.into())
                .expect("setting the token");
            view.account.id
        }
        None => {
            let new = NewAccount {
                allow_unencrypted: false,
                provider: ProviderKind::ImagineApi,
                label: "Stand-in".into(),
                base_url: url.into(),
                token: TOKEN.into(),
                options: Default::default(),
            };
            app.add_account(&new)
                .expect("adding the account")
                .account
                .id
        }
    };
    let resumed = app.resume().expect("resuming");
    say(&format!("ready {resumed}"));
    resume_stopped(&app);

    let mut rng = Rng(seed);
    let aspects = ["1:1", "3:2", "2:3", "16:9"];
    for k in 0..submit {
        if k > 0 {
            tokio::time::sleep(Duration::from_millis(rng.below(700))).await;
        }
        let aspect = aspects[rng.below(aspects.len() as u64) as usize];
        let prompt = format!("crash trial {trial} job {k} --ar {aspect}");
        let job = app.submit(account, &prompt).await.expect("submitting");
        say(&format!("submitted {} {}", job.id, job.status.as_str()));
    }

    // Deletions come at random moments while jobs are in flight, and on done jobs once none
    // are: the plan is carried out whole, so a kill waiting for one of its lines is not idle.
    let mut plan: VecDeque<bool> = plan.chars().map(|c| c == 'u').collect();
    let mut next_deletion = Instant::now() + Duration::from_millis(rng.below(1200));
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let unfinished: Vec<Job> = all_jobs(&app)
            .into_iter()
            .filter(|j| !j.status.is_finished())
            .collect();
        if unfinished.is_empty() && plan.is_empty() {
            break;
        }
        // Downloads are over quickly: one seen may bring the next deletion forward.
        let downloading = unfinished
            .iter()
            .any(|j| j.status == JobStatus::Downloading);
        let due = Instant::now() >= next_deletion || (downloading && rng.below(2) == 0);
        if let Some(&undo) = plan.front().filter(|_| due) {
            // Nothing to delete yet (every job still being sent) waits for the next look.
            if delete_some(&app, &mut rng, undo) || unfinished.is_empty() {
                plan.pop_front();
            }
            resume_stopped(&app);
            next_deletion = Instant::now() + Duration::from_millis(rng.below(800));
        }
        assert!(
            Instant::now() < deadline,
            "jobs stuck for 60 s: {:#?}",
            unfinished
                .iter()
                .map(|j| (j.id, j.status, j.error.clone(), j.images.len()))
                .collect::<Vec<_>>()
        );
        let look = if plan.is_empty() { 50 } else { 10 };
        tokio::time::sleep(Duration::from_millis(look)).await;
    }
    say("idle");
    app.shutdown();
}

/// Deletes a job, or one or two images of one, and undoes that at once if `undo`. Says what
/// it is about to do first, so that the parent knows even if the kill comes meanwhile.
/// Returns false when there was nothing to delete.
pub(crate) fn delete_some(app: &Atelier, rng: &mut Rng, undo: bool) -> bool {
    // Only jobs the service has: one that comes back must be able to follow it again.
    let jobs: Vec<Job> = all_jobs(app)
        .into_iter()
        .filter(|j| j.remote_id.is_some() && j.status != JobStatus::Cancelled)
        .collect();
    let with_images: Vec<&Job> = jobs.iter().filter(|j| !j.images.is_empty()).collect();
    let selection = if !with_images.is_empty() && rng.below(3) == 0 {
        let job = pick(rng, &with_images);
        let take = (1 + rng.below(2) as usize).min(job.images.len());
        let from = rng.below((job.images.len() - take + 1) as u64) as usize;
        let images = &job.images[from..from + take];
        let files: Vec<&str> = images.iter().map(|i| i.file.as_str()).collect();
        say(&format!(
            "deleting images {} {} {} {} {}",
            job.id,
            job.reference,
            job.status.as_str(),
            job.images.len(),
            files.join(" ")
        ));
        Selection::Images {
            ids: images.iter().map(|i| i.id).collect(),
        }
    } else if !jobs.is_empty() {
        let job = pick(rng, &jobs.iter().collect::<Vec<_>>());
        say(&format!(
            "deleting job {} {} {} {}",
            job.id,
            job.reference,
            job.status.as_str(),
            job.images.len()
        ));
        Selection::Jobs { ids: vec![job.id] }
    } else {
        return false;
    };
    let gone = app.delete(&selection).expect("deleting");
    say(&format!(
        "deleted {} jobs {} images, receipt {}",
        gone.jobs, gone.images, gone.receipt
    ));
    if undo {
        say(&format!("undoing {}", gone.receipt));
        app.undo_deletion(gone.receipt).expect("undoing a deletion");
        say(&format!("undone {}", gone.receipt));
    }
    true
}

/// A job at random: half the time one in flight (downloading first), if any; else any, so
/// that done ones (with a folder to trash) go too.
pub(crate) fn pick<'a>(rng: &mut Rng, jobs: &[&'a Job]) -> &'a Job {
    let status = |s: JobStatus| jobs.iter().copied().filter(move |j| j.status == s);
    let mut in_flight: Vec<&Job> = status(JobStatus::Downloading).collect();
    if in_flight.is_empty() {
        in_flight = jobs
            .iter()
            .copied()
            .filter(|j| !j.status.is_finished())
            .collect();
    }
    let pool = if in_flight.is_empty() || rng.below(2) == 0 {
        jobs
    } else {
        &in_flight
    };
    pool[rng.below(pool.len() as u64) as usize]
}

/// Only deletions cancel jobs here: a job in flight is stopped first, and comes back stopped
/// if the deletion is undone (or if it only lost some images). The person then presses
/// Resume; here that is done on every start too, for when a kill came before it, so that
/// every row can end whole.
pub(crate) fn resume_stopped(app: &Atelier) {
    let stopped = all_jobs(app)
        .into_iter()
        .filter(|j| j.status == JobStatus::Cancelled && j.remote_id.is_some());
    for job in stopped {
        app.retry(job.id).expect("resuming a stopped job");
        say(&format!("resumed {} {}", job.id, job.reference));
    }
}

pub(crate) fn all_jobs(app: &Atelier) -> Vec<Job> {
    app.library_page(&LibraryQuery::default(), None, 1000)
        .expect("listing jobs")
        .jobs
}
