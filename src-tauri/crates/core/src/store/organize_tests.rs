//! Likes, collections, saved searches, removal and restore, selections and the migration of
//! an older history, on a real SQLite database.

use super::test_support::*;
use super::{NewImage, Store};
use crate::job::Slot;
use crate::library::{Filter, LibraryQuery, Selection, Sort, Unit};

#[test]
fn likes_follow_images_to_their_job() {
    let store = Store::open_in_memory().unwrap();
    let jobs = seed(&store, &demo(&store), &[("a", T0), ("b", T0 + 1)]);
    let job = |id| store.job(id).unwrap().unwrap();
    store.like_jobs(&[jobs[0]], true).unwrap();
    let liked = job(jobs[0]);
    assert!(liked.liked);
    assert_eq!(
        liked
            .images
            .iter()
            .filter(|i| i.liked)
            .map(|i| i.slot)
            .collect::<Vec<_>>(),
        [Slot::Grid]
    );
    store.like_images(&[liked.images[3].id], true).unwrap();
    store.like_images(&[liked.images[0].id], false).unwrap();
    assert!(job(jobs[0]).liked, "still liked through U3");
    store.like_jobs(&[jobs[0]], false).unwrap();
    assert!(!job(jobs[0]).liked);
    assert!(job(jobs[0]).images.iter().all(|i| !i.liked));
    assert!(!job(jobs[1]).liked);
}

#[test]
fn collections_and_saved_searches_are_kept_by_name() {
    let store = Store::open_in_memory().unwrap();
    let jobs = seed(&store, &demo(&store), &[("a", T0), ("b", T0 + 1)]);
    let cats = store.create_collection("Cats").unwrap().unwrap();
    assert_eq!(
        store.create_collection("cats").unwrap(),
        None,
        "names are unique, any case"
    );
    let dogs = store.create_collection("Dogs").unwrap().unwrap();
    store
        .add_to_collection(cats, &[jobs[0], jobs[1], jobs[1], 9999])
        .unwrap();
    store.add_to_collection(dogs, &[jobs[1]]).unwrap();
    store.remove_from_collection(cats, &[jobs[0]]).unwrap();
    let counts = |store: &Store| {
        store
            .collections()
            .unwrap()
            .into_iter()
            .map(|c| (c.name, c.count))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        counts(&store),
        [("Cats".to_owned(), 1), ("Dogs".to_owned(), 1)]
    );
    assert!(!store.rename_collection(dogs, "CATS").unwrap());
    assert!(store.rename_collection(dogs, "Puppies").unwrap());
    store.delete_collection(cats).unwrap();
    assert_eq!(counts(&store), [("Puppies".to_owned(), 1)]);
    assert!(
        store.job(jobs[0]).unwrap().is_some(),
        "deleting a collection keeps its jobs"
    );

    let q = LibraryQuery {
        filter: Filter {
            search: "fox".into(),
            liked: true,
            ..Filter::default()
        },
        sort: Sort::Oldest,
        unit: Unit::Images,
    };
    let id = store.save_search("Liked foxes", &q).unwrap();
    assert_eq!(
        store
            .save_search("liked FOXES", &LibraryQuery::default())
            .unwrap(),
        id,
        "same name replaces"
    );
    store.save_search("Liked foxes", &q).unwrap();
    let saved = store.saved_searches().unwrap();
    assert_eq!((saved.len(), saved[0].query.clone()), (1, q));
    store.delete_saved_search(id).unwrap();
    assert!(store.saved_searches().unwrap().is_empty());
}

#[test]
fn removal_takes_rows_in_one_go_and_restore_brings_all_back() {
    let store = Store::open_in_memory().unwrap();
    let jobs = seed(
        &store,
        &demo(&store),
        &[("red fox", T0), ("blue owl", T0 + 1)],
    );
    let col = store.create_collection("Keep").unwrap().unwrap();
    store.add_to_collection(col, &jobs).unwrap();
    let before = store.job(jobs[0]).unwrap().unwrap();
    store.like_images(&[before.images[1].id], true).unwrap();
    let before = store.job(jobs[0]).unwrap().unwrap();

    // Two single images of the fox.
    let two = [before.images[1].id, before.images[4].id];
    let removed = store.remove_images(&two, &Files).unwrap();
    assert_eq!((removed.job_count, removed.image_count), (0, 2));
    assert_eq!(removed.paths.len(), 4);
    assert_eq!(
        store.pending_trash().unwrap().len(),
        4,
        "journaled with the rows"
    );
    let thinner = store.job(jobs[0]).unwrap().unwrap();
    assert_eq!(thinner.images.len(), 3);
    assert!(!thinner.liked, "its liked image went");
    store.clear_trash_journal(&removed.paths).unwrap();
    store.journal_trash(&removed.paths).unwrap();
    store.restore(&removed).unwrap();
    assert_eq!(store.job(jobs[0]).unwrap().unwrap(), before);
    assert!(
        store.pending_trash().unwrap().is_empty(),
        "restore clears the journal"
    );

    // The whole fox job, and the owl's every image (which takes the owl with them).
    let owl_images: Vec<i64> = store
        .job(jobs[1])
        .unwrap()
        .unwrap()
        .images
        .iter()
        .map(|i| i.id)
        .collect();
    let fox = store.remove_jobs(&[jobs[0]], &Files).unwrap();
    let owl = store.remove_images(&owl_images, &Files).unwrap();
    assert_eq!(
        (fox.job_count, fox.image_count, fox.paths.clone()),
        (1, 5, vec![format!("jobs/{}", jobs[0])])
    );
    assert_eq!((owl.job_count, owl.image_count), (1, 5));
    assert!(store
        .page(&LibraryQuery::default(), None, 10)
        .unwrap()
        .jobs
        .is_empty());
    assert!(
        prompts(&store, &search("fox")).is_empty(),
        "gone from the index too"
    );
    assert_eq!(store.collections().unwrap()[0].count, 0);
    store.restore(&owl).unwrap();
    store.restore(&fox).unwrap();
    assert_eq!(store.job(jobs[0]).unwrap().unwrap(), before);
    assert_eq!(prompts(&store, &search("fox")), ["red fox"]);
    assert_eq!(
        store.collections().unwrap()[0].count,
        2,
        "collection places come back"
    );
    assert_eq!(store.summary(&LibraryQuery::default()).unwrap().count, 2);
}

#[test]
fn selections_of_a_whole_query_exclude_what_was_unpicked() {
    let store = Store::open_in_memory().unwrap();
    let jobs = seed(
        &store,
        &demo(&store),
        &[("a fox", T0), ("b fox", T0 + 1), ("c owl", T0 + 2)],
    );
    let q = search("fox");
    assert_eq!(store.ids_matching(&q).unwrap(), [jobs[1], jobs[0]]);
    let selection = Selection::Query {
        query: q,
        except: vec![jobs[0]],
    };
    let json = serde_json::to_value(&selection).unwrap();
    assert_eq!(json["kind"], "query");
    assert_eq!(
        serde_json::from_value::<Selection>(json).unwrap(),
        selection
    );
}

#[test]
fn an_older_history_is_indexed_by_the_migration() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    {
        // A history as version 2 of the schema left it.
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        let tx = conn.transaction().unwrap();
        for sql in super::schema::first_migrations(2) {
            tx.execute_batch(sql).unwrap();
        }
        tx.pragma_update(None, "user_version", 2).unwrap();
        tx.execute(
            "INSERT INTO jobs (reference, provider, account_id, prompt, status, created_at, updated_at)
             VALUES ('r', 'demo', 1, 'an old lighthouse --ar 16:9 --niji 6', 'done', 1, 1)",
            [],
        )
        .unwrap();
        tx.commit().unwrap();
    }
    let store = Store::open(&path).unwrap();
    let found = store.page(&search("lighthou"), None, 10).unwrap().jobs;
    assert_eq!(found.len(), 1);
    let filter = Filter {
        aspect: Some("16:9".into()),
        model: Some("niji 6".into()),
        ..Filter::default()
    };
    assert_eq!(ids(&store, &query(filter)), [found[0].id]);
}

#[test]
fn a_deleted_slot_is_withheld_until_undo_and_a_taken_one_cannot_come_back() {
    let store = Store::open_in_memory().unwrap();
    let jobs = seed(&store, &demo(&store), &[("fox", T0)]);
    let job = store.job(jobs[0]).unwrap().unwrap();
    let removed = store.remove_images(&[job.images[1].id], &Files).unwrap();
    assert_eq!(store.withheld_slots(jobs[0]).unwrap(), [Slot::U1]);
    // The job goes whole and comes back: what was deleted from it before stays withheld.
    let whole = store.remove_jobs(&jobs, &Files).unwrap();
    store.restore(&whole).unwrap();
    assert_eq!(store.withheld_slots(jobs[0]).unwrap(), [Slot::U1]);

    // An image took U1's place meanwhile: the deleted one cannot come back over it.
    let newer = NewImage {
        slot: Slot::U1,
        file: "jobs/new/u1.png",
        thumb: "jobs/new/u1.thumb.jpg",
        width: 8,
        height: 8,
        bytes: 64,
        source_url: None,
    };
    store.put_image(jobs[0], &newer).unwrap();
    assert!(!store.restorable(&removed).unwrap());
    let taken = store.job(jobs[0]).unwrap().unwrap().images[1].id;
    store.remove_images(&[taken], &Files).unwrap();
    assert!(store.restorable(&removed).unwrap());
    assert_eq!(
        store.job(jobs[0]).unwrap().unwrap().images.len(),
        4,
        "asking changes nothing"
    );
    store.restore(&removed).unwrap();
    assert!(store.withheld_slots(jobs[0]).unwrap().is_empty());
    assert_eq!(store.job(jobs[0]).unwrap().unwrap(), job);
}
