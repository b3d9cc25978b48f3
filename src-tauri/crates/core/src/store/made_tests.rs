//! Jobs made by actions, Describes and Blends: their lineage both ways, in the library's
//! lineage filter, and through a deletion and its Undo.

use super::test_support::*;
use super::Store;
use crate::job::{JobStatus, MadeCopy, ParentImage, Slot, SourceRole};
use crate::library::Filter;
use crate::providers::{ActionButton, ActionKind};

/// A finished job and the image id in `slot`.
fn picture(store: &Store, prompt: &str, slot: Slot) -> (i64, i64) {
    let job = seed(store, &demo(store), &[(prompt, T0)])[0];
    let image = store.job(job).unwrap().unwrap().images[slot.index() as usize].id;
    (job, image)
}

fn made(store: &Store, action: ActionKind, label: &str, from: &[i64]) -> i64 {
    let sources: Vec<(i64, SourceRole)> = from.iter().map(|i| (*i, SourceRole::Parent)).collect();
    let reference = uuid::Uuid::new_v4().to_string();
    let made = Some((action, label));
    let job = store
        .insert_job_from(&reference, &demo(store), "a fox", made, &sources, None)
        .unwrap();
    job.id
}

#[test]
fn a_job_made_by_an_action_knows_its_pictures_and_they_know_it() {
    let store = Store::open_in_memory().unwrap();
    let (fox, grid) = picture(&store, "a fox", Slot::Grid);
    let (owl, owl_grid) = picture(&store, "an owl", Slot::Grid);
    let v2 = made(&store, ActionKind::Variation, "V2", &[grid]);
    let zoom = made(&store, ActionKind::ZoomOut, "Zoom Out 2x", &[grid]);
    let blend = made(&store, ActionKind::Blend, "Blend", &[owl_grid, grid]);

    let job = store.job(blend).unwrap().unwrap();
    let made = job.made.expect("made by a Blend");
    assert_eq!(
        (made.action, made.label.as_str()),
        (ActionKind::Blend, "Blend")
    );
    let from: Vec<(i64, i64)> = made.from.iter().map(|p| (p.job_id, p.image_id)).collect();
    assert_eq!(from, [(owl, owl_grid), (fox, grid)], "in the order sent");

    let copy = |job_id, action, label: &str| MadeCopy {
        image_id: grid,
        slot: Slot::Grid,
        job_id,
        action,
        label: label.into(),
        status: JobStatus::Submitting,
    };
    assert_eq!(
        store.made_of(fox).unwrap(),
        [
            copy(v2, ActionKind::Variation, "V2"),
            copy(zoom, ActionKind::ZoomOut, "Zoom Out 2x"),
            copy(blend, ActionKind::Blend, "Blend"),
        ]
    );
    assert_eq!(store.job(fox).unwrap().unwrap().made_of, 3);
    assert!(store.made_of(v2).unwrap().is_empty());

    let lineage = query(Filter {
        lineage: Some(fox),
        ..Filter::default()
    });
    assert_eq!(ids(&store, &lineage), [blend, zoom, v2, fox]);
}

#[test]
fn deleting_and_undoing_keeps_what_a_job_was_made_from_and_offers() {
    let store = Store::open_in_memory().unwrap();
    let (fox, u1) = picture(&store, "a fox", Slot::U1);
    let child = made(&store, ActionKind::Upscale, "U1", &[u1]);
    let button = ActionButton::new("MJ::JOB::reroll::0::h::SOLO".into(), "".into(), "🔄".into());
    let said = ["a fox in snow".to_owned()];
    store
        .set_outputs(child, std::slice::from_ref(&button), &said)
        .unwrap();
    let before = store.job(child).unwrap().unwrap();

    // The parent goes: the link is cut while it is away, and comes back with it.
    let removed = store.remove_jobs(&[fox], &Files).unwrap();
    assert_eq!(store.job(child).unwrap().unwrap().made.unwrap().from, []);
    store.restore(&removed).unwrap();
    let from = ParentImage {
        image_id: u1,
        job_id: fox,
        slot: Slot::U1,
    };
    assert_eq!(
        store.job(child).unwrap().unwrap().made.unwrap().from,
        [from]
    );
    assert_eq!(store.made_of(fox).unwrap().len(), 1);

    // The child goes and comes back whole: its action, sources, buttons and prompts.
    let removed = store.remove_jobs(&[child], &Files).unwrap();
    assert!(store.made_of(fox).unwrap().is_empty());
    store.restore(&removed).unwrap();
    let back = store.job(child).unwrap().unwrap();
    assert_eq!(back, before);
    assert_eq!(back.buttons, [button]);
    assert_eq!(back.described, said);
}

#[test]
fn a_new_prompt_replaces_the_old_in_search() {
    let store = Store::open_in_memory().unwrap();
    let (_, grid) = picture(&store, "a fox", Slot::Grid);
    let job = made(&store, ActionKind::CustomZoom, "Custom Zoom", &[grid]);
    store
        .set_prompt(job, "a walrus --ar 16:9 --zoom 2")
        .unwrap();
    let stored = store.job(job).unwrap().unwrap();
    assert_eq!(stored.prompt, "a walrus --ar 16:9 --zoom 2");
    assert_eq!(ids(&store, &search("walrus")), [job]);
    assert!(!ids(&store, &search("fox")).contains(&job));
}
