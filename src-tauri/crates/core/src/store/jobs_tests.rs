use super::*;

fn demo(store: &Store) -> Account {
    store.accounts().unwrap().remove(0)
}

fn image(slot: Slot) -> NewImage<'static> {
    NewImage {
        slot,
        file: "1/grid.png",
        thumb: "1/grid.thumb.jpg",
        width: 8,
        height: 8,
        bytes: 64,
        source_url: None,
    }
}

#[test]
fn a_job_moves_through_its_life_and_keeps_its_images() {
    let store = Store::open_in_memory().unwrap();
    let job = store
        .insert_job("ref-1", &demo(&store), "a cat --ar 16:9", None)
        .unwrap();
    assert_eq!(job.status, JobStatus::Submitting);
    store.set_remote_id(job.id, "remote-1").unwrap();
    store
        .set_status(job.id, JobStatus::Running, Some(40), None)
        .unwrap();
    store.bump_preview(job.id).unwrap();
    store.put_image(job.id, &image(Slot::Grid)).unwrap();
    store.put_image(job.id, &image(Slot::U2)).unwrap();
    store
        .put_image(
            job.id,
            &NewImage {
                width: 9,
                ..image(Slot::U2)
            },
        )
        .unwrap();
    let got = store.job(job.id).unwrap().unwrap();
    assert_eq!(got.remote_id.as_deref(), Some("remote-1"));
    assert_eq!(
        (got.status, got.progress, got.preview_rev),
        (JobStatus::Running, Some(40), 1)
    );
    assert_eq!(
        got.images
            .iter()
            .map(|i| (i.slot, i.width))
            .collect::<Vec<_>>(),
        [(Slot::Grid, 8), (Slot::U2, 9)]
    );
    assert_eq!(store.unfinished_jobs().unwrap().len(), 1);
    store
        .set_status(job.id, JobStatus::Cancelled, None, None)
        .unwrap();
    store
        .set_status(job.id, JobStatus::Running, Some(50), None)
        .unwrap();
    let status = store.job(job.id).unwrap().unwrap().status;
    assert_eq!(status, JobStatus::Cancelled, "cancelling is final");
    assert!(store.unfinished_jobs().unwrap().is_empty());

    store.reopen(job.id, JobStatus::Queued).unwrap();
    let reopened = store.job(job.id).unwrap().unwrap();
    assert_eq!((reopened.status, reopened.error), (JobStatus::Queued, None));
    assert_eq!(store.unfinished_jobs().unwrap().len(), 1, "followed again");
}

#[test]
fn references_are_unique() {
    let store = Store::open_in_memory().unwrap();
    store.insert_job("same", &demo(&store), "a", None).unwrap();
    assert!(store.insert_job("same", &demo(&store), "b", None).is_err());
}
