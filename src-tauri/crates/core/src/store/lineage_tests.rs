//! Enhance jobs and their lineage: both ways, with a page, through a deletion and its Undo.

use super::test_support::*;
use super::Store;
use crate::job::{EnhancedCopy, JobStatus, ParentImage, Slot};
use crate::library::{Filter, LibraryQuery};
use crate::providers::EnhanceScale;

/// A finished job, and its upscale at `slot`'s image id.
fn parent(store: &Store, slot: Slot) -> (i64, i64) {
    let job = seed(store, &demo(store), &[("a lighthouse --ar 16:9", T0)])[0];
    let image = store.job(job).unwrap().unwrap().images[slot.index() as usize].id;
    (job, image)
}

#[test]
fn an_enhancement_knows_its_parent_and_the_parent_its_enhancements() {
    let store = Store::open_in_memory().unwrap();
    let (job, u2) = parent(&store, Slot::U2);
    let account = demo(&store);
    let prompt = "a lighthouse --ar 16:9";
    let four = store
        .insert_enhancement("e1", &account, prompt, u2, EnhanceScale::X4)
        .unwrap();
    let two = store
        .insert_enhancement("e2", &account, prompt, u2, EnhanceScale::X2)
        .unwrap();

    assert_eq!(four.status, JobStatus::Submitting);
    assert_eq!(
        four.prompt, prompt,
        "the parent's prompt, searchable as its own"
    );
    let made = four.enhancement.clone().expect("an enhancement");
    assert_eq!(made.scale, EnhanceScale::X4);
    let from = ParentImage {
        image_id: u2,
        job_id: job,
        slot: Slot::U2,
    };
    assert_eq!(made.parent, Some(from));
    assert_eq!(store.job(job).unwrap().unwrap().enhancement, None);

    let copies = store.enhancements_of(job).unwrap();
    let copy = |job_id, scale| EnhancedCopy {
        image_id: u2,
        slot: Slot::U2,
        job_id,
        scale,
        status: JobStatus::Submitting,
    };
    assert_eq!(
        copies,
        [
            copy(four.id, EnhanceScale::X4),
            copy(two.id, EnhanceScale::X2)
        ]
    );
    assert!(store.enhancements_of(four.id).unwrap().is_empty());

    // A page brings the counts with it.
    let page = store.page(&LibraryQuery::default(), None, 10).unwrap().jobs;
    let counts: Vec<(i64, u32)> = page.iter().map(|j| (j.id, j.enhanced)).collect();
    assert_eq!(counts, [(two.id, 0), (four.id, 0), (job, 2)]);
    assert!(page[0].enhancement.is_some() && page[2].enhancement.is_none());
}

#[test]
fn deleting_the_parent_cuts_the_link_and_undo_restores_it() {
    let store = Store::open_in_memory().unwrap();
    let (job, u3) = parent(&store, Slot::U3);
    let made = store
        .insert_enhancement("e", &demo(&store), "p", u3, EnhanceScale::X2)
        .unwrap();

    let removed = store.remove_jobs(&[job], &Files).unwrap();
    let orphan = store.job(made.id).unwrap().unwrap().enhancement.unwrap();
    assert_eq!((orphan.scale, orphan.parent), (EnhanceScale::X2, None));

    store.restore(&removed).unwrap();
    let back = store.job(made.id).unwrap().unwrap().enhancement.unwrap();
    assert_eq!(back.parent.map(|p| (p.job_id, p.image_id)), Some((job, u3)));
    assert_eq!(store.job(job).unwrap().unwrap().enhanced, 1);

    // The enhancement itself deleted and brought back keeps its scale and parent.
    let removed = store.remove_jobs(&[made.id], &Files).unwrap();
    assert_eq!(store.job(job).unwrap().unwrap().enhanced, 0);
    store.restore(&removed).unwrap();
    let again = store.job(made.id).unwrap().unwrap().enhancement.unwrap();
    assert_eq!(again.parent.map(|p| p.image_id), Some(u3));
}

#[test]
fn the_reverse_lookup_uses_its_index() {
    let store = Store::open_in_memory().unwrap();
    let plan: Vec<String> = store
        .conn()
        .prepare(
            "EXPLAIN QUERY PLAN SELECT COUNT(*) FROM images c JOIN jobs e
             ON e.parent_image = c.id WHERE c.job_id = 1",
        )
        .unwrap()
        .query_map([], |r| r.get::<_, String>(3))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(
        plan.iter()
            .any(|step| step.contains("jobs_by_parent_image")),
        "{plan:?}"
    );
    assert!(
        !plan.iter().any(|step| step.starts_with("SCAN")),
        "{plan:?}"
    );
}

#[test]
fn the_library_filters_to_a_jobs_lineage() {
    let store = Store::open_in_memory().unwrap();
    let (job, u1) = parent(&store, Slot::U1);
    seed(&store, &demo(&store), &[("another", T0 + 5)]);
    let made = store
        .insert_enhancement("e", &demo(&store), "p", u1, EnhanceScale::X6)
        .unwrap();
    let q = query(Filter {
        lineage: Some(job),
        ..Filter::default()
    });
    let ids: Vec<i64> = store
        .page(&q, None, 10)
        .unwrap()
        .jobs
        .iter()
        .map(|j| j.id)
        .collect();
    assert_eq!(ids, [made.id, job]);
    assert_eq!(store.summary(&q).unwrap().count, 2);
}
