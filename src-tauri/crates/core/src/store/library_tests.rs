//! The library's queries on a real SQLite database: paging, summaries, search, filters, the
//! wall and facet counts.

use std::collections::HashSet;

use super::test_support::*;
use super::Store;
use crate::job::{JobStatus, Slot};
use crate::library::{Cursor, Filter, LibraryQuery, Phase, Sort, Unit, PAGE_SIZE};
use crate::providers::ProviderKind;

#[test]
fn pages_from_a_cursor_stay_exact_while_jobs_come_and_go() {
    let store = Store::open_in_memory().unwrap();
    let account = demo(&store);
    // Several jobs share each instant, so the id has to break ties.
    let spec: Vec<(String, i64)> = (0..300)
        .map(|i| (format!("job {i}"), T0 + (i / 3) * 1000))
        .collect();
    let spec: Vec<(&str, i64)> = spec.iter().map(|(p, t)| (p.as_str(), *t)).collect();
    let original = seed(&store, &account, &spec);
    let q = LibraryQuery::default();

    let mut seen: Vec<(i64, i64)> = Vec::new();
    let mut deleted = HashSet::new();
    let mut older = Vec::new();
    let mut cursor: Option<i64> = None;
    let mut round = 0;
    loop {
        let page = store.page(&q, cursor, 37).unwrap();
        seen.extend(page.jobs.iter().map(|j| (j.seq, j.id)));
        let Some(next) = page.next else { break };
        cursor = Some(next);
        round += 1;
        // Between pages: a newer job (before the walk), an older one (ahead of it), and a
        // deletion ahead of the walk and one behind it.
        let added = seed(
            &store,
            &account,
            &[("newer", T0 + 10_000_000), ("older", T0 - round * 1000)],
        );
        older.push(added[1]);
        let shown: HashSet<i64> = seen.iter().map(|s| s.1).collect();
        if let Some(&ahead) = original
            .iter()
            .find(|id| !shown.contains(id) && !deleted.contains(*id))
        {
            assert_eq!(store.remove_jobs(&[ahead], &Files).unwrap().job_count, 1);
            deleted.insert(ahead);
        }
        store
            .remove_jobs(&[seen[seen.len() / 2].1], &Files)
            .unwrap();
    }
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    sorted.dedup();
    assert_eq!(seen, sorted, "strictly newest first, nothing twice");
    let shown: HashSet<i64> = seen.iter().map(|s| s.1).collect();
    for id in original.iter().chain(&older) {
        assert!(
            shown.contains(id) || deleted.contains(id),
            "job {id} was skipped"
        );
    }
    assert!(
        deleted.iter().all(|d| !shown.contains(d)),
        "deleted ahead is never shown"
    );
    assert!(round > 5 && !deleted.is_empty());
}

#[test]
fn the_summary_lays_out_pages_and_months() {
    let store = Store::open_in_memory().unwrap();
    let account = demo(&store);
    // 3 months of 100, 0 (a gap) and 250 jobs.
    let mut spec = Vec::new();
    for i in 0..100 {
        spec.push((format!("march {i}"), T0 + 59 * DAY + i * 60_000));
    }
    for i in 0..250 {
        spec.push((format!("january {i}"), T0 + i * 60_000));
    }
    let spec: Vec<(&str, i64)> = spec.iter().map(|(p, t)| (p.as_str(), *t)).collect();
    seed(&store, &account, &spec);

    for sort in [Sort::Newest, Sort::Oldest] {
        let q = LibraryQuery {
            sort,
            ..LibraryQuery::default()
        };
        let summary = store.summary(&q).unwrap();
        assert_eq!((summary.count, summary.total), (350, 350));
        assert_eq!(
            summary.checkpoints.len(),
            350usize.div_ceil(PAGE_SIZE as usize)
        );
        let all = store.page(&q, None, 1000).unwrap().jobs;
        for c in &summary.checkpoints {
            let page = store.page(&q, Some(c.seq), c.jobs).unwrap();
            let expect: Vec<i64> = all
                .iter()
                .skip(c.index as usize)
                .take(c.jobs as usize)
                .map(|j| j.id)
                .collect();
            assert_eq!(page.jobs.iter().map(|j| j.id).collect::<Vec<_>>(), expect);
        }
        let months: Vec<(&str, u32, u32)> = summary
            .months
            .iter()
            .map(|m| (m.key.as_str(), m.index, m.count))
            .collect();
        let expected = match sort {
            Sort::Newest => vec![("2026-03", 0, 100), ("2026-01", 100, 250)],
            Sort::Oldest => vec![("2026-01", 0, 250), ("2026-03", 250, 100)],
        };
        assert_eq!(months, expected);
        for m in &summary.months {
            let first = &all[m.index as usize];
            assert!(
                first.created_at >= m.start,
                "{m:?} starts after its first job"
            );
        }
    }
}

#[test]
fn search_finds_words_prefixes_phrases_and_any_script_without_sql_errors() {
    let store = Store::open_in_memory().unwrap();
    let account = demo(&store);
    seed(
        &store,
        &account,
        &[
            ("a red fox in the snow --ar 16:9 --v 6", T0),
            ("the fox is red --ar 1:1", T0 + 1),
            ("sci-fi city at night --ar 21:9", T0 + 2),
            ("Кошка на крыше", T0 + 3),
            ("猫の絵, watercolor", T0 + 4),
            ("un café à Paris", T0 + 5),
            ("100% \"quoted\" (weird) prompt: OR NOT NEAR", T0 + 6),
        ],
    );
    let found = |text: &str| prompts(&store, &search(text));
    assert_eq!(found("red fox").len(), 2, "words, in any order");
    assert_eq!(
        found("\"red fox\""),
        ["a red fox in the snow --ar 16:9 --v 6"]
    );
    assert_eq!(found("lighth"), Vec::<String>::new());
    assert_eq!(found("sno").len(), 1, "prefix");
    assert_eq!(found("sci-fi"), ["sci-fi city at night --ar 21:9"]);
    assert_eq!(
        found("--ar 16:9"),
        ["a red fox in the snow --ar 16:9 --v 6"]
    );
    assert_eq!(found("кошка"), ["Кошка на крыше"]);
    assert_eq!(found("猫の"), ["猫の絵, watercolor"]);
    assert_eq!(found("絵"), ["猫の絵, watercolor"]);
    assert_eq!(found("cafe"), ["un café à Paris"], "diacritics ignored");
    assert_eq!(found("\"quoted\" weird").len(), 1);
    assert_eq!(found("OR NOT").len(), 1);
    assert_eq!(found("   ").len(), 7, "nothing typed, nothing filtered");
    // Whatever a person types, the query runs.
    let nasty = [
        "\"",
        "\"\"",
        "\"a",
        "a\"",
        "*",
        "-",
        "--",
        "---x",
        "^a",
        "a:b",
        "(",
        ")",
        "NEAR(a b)",
        "a AND",
        "OR",
        "{x}",
        "a+b",
        "\\",
        "'",
        "';DROP TABLE jobs;--",
        "\u{0}",
        "\u{301}",
        "ß",
        "🦊",
        "a\"b\"c",
        "\"\"\"",
        "x*y",
        "::",
        "--ar 16:9 --v",
        "%_",
    ];
    for text in nasty {
        store
            .page(&search(text), None, 10)
            .unwrap_or_else(|e| panic!("{text:?}: {e}"));
        store.summary(&search(text)).unwrap();
    }
}

#[test]
fn a_search_of_only_emoji_or_symbols_matches_them_not_every_job() {
    let store = Store::open_in_memory().unwrap();
    let account = demo(&store);
    seed(
        &store,
        &account,
        &[
            ("a fox 🦊 at dusk", T0),
            ("a moon 🌙 over water", T0 + 1),
            ("a plain fox", T0 + 2),
            ("sale!!! 50% off", T0 + 3),
        ],
    );
    let found = |text: &str| prompts(&store, &search(text));
    assert_eq!(found("🦊"), ["a fox 🦊 at dusk"]);
    assert_eq!(found(" 🌙 "), ["a moon 🌙 over water"]);
    assert_eq!(found("fox 🦊"), ["a fox 🦊 at dusk"]);
    assert_eq!(
        found("🐙"),
        Vec::<String>::new(),
        "nothing matches, not everything"
    );
    assert_eq!(found("!!!"), ["sale!!! 50% off"]);
    assert_eq!(store.summary(&search("🐙")).unwrap().count, 0);
}

#[test]
fn random_typing_never_breaks_a_search() {
    let store = Store::open_in_memory().unwrap();
    let account = demo(&store);
    seed(&store, &account, &[("a red fox --ar 16:9", T0)]);
    let alphabet: Vec<char> = "ab \"'*-:()^+,.{}[]|\\/%_?!~`@#$^&=<>ü猫Ж\u{301}\u{200b}\t"
        .chars()
        .collect();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..3000 {
        let mut text = String::new();
        for _ in 0..(state % 12) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            text.push(alphabet[(state % alphabet.len() as u64) as usize]);
        }
        store
            .page(&search(&text), None, 5)
            .unwrap_or_else(|e| panic!("{text:?}: {e}"));
    }
}

#[test]
fn every_filter_narrows_and_combines() {
    let store = Store::open_in_memory().unwrap();
    let demo_account = demo(&store);
    let work = store
        .insert_account(
            ProviderKind::ImagineApi,
            "Work",
            &crate::accounts::Address::checked("https://x"),
        )
        .unwrap();
    let a = seed(
        &store,
        &demo_account,
        &[("fox --ar 16:9 --v 6", T0), ("owl --niji 6", T0 + DAY)],
    );
    let b = seed(
        &store,
        &work,
        &[("fox --ar 2:3 --v 7", T0 + 2 * DAY), ("cat", T0 + 3 * DAY)],
    );
    store
        .set_status(b[1], JobStatus::Failed, None, Some("no"))
        .unwrap();
    store
        .set_status(a[1], JobStatus::Running, Some(10), None)
        .unwrap();
    store
        .like_images(&[store.job(a[0]).unwrap().unwrap().images[2].id], true)
        .unwrap();
    let col = store.create_collection("Keep").unwrap().unwrap();
    store.add_to_collection(col, &[b[0], a[1]]).unwrap();

    let f = |filter: Filter| ids(&store, &query(filter));
    let all = Filter::default();
    assert_eq!(f(all.clone()), [b[1], b[0], a[1], a[0]]);
    assert_eq!(
        f(Filter {
            account: Some(work.id),
            ..all.clone()
        }),
        [b[1], b[0]]
    );
    assert_eq!(
        f(Filter {
            provider: Some(ProviderKind::Demo),
            ..all.clone()
        }),
        [a[1], a[0]]
    );
    assert_eq!(
        f(Filter {
            phase: Some(Phase::Failed),
            ..all.clone()
        }),
        [b[1]]
    );
    assert_eq!(
        f(Filter {
            phase: Some(Phase::InFlight),
            ..all.clone()
        }),
        [a[1]]
    );
    assert_eq!(
        f(Filter {
            phase: Some(Phase::Done),
            ..all.clone()
        }),
        [b[0], a[0]]
    );
    assert_eq!(
        f(Filter {
            from: Some(T0 + DAY),
            until: Some(T0 + 3 * DAY),
            ..all.clone()
        }),
        [b[0], a[1]]
    );
    assert_eq!(
        f(Filter {
            aspect: Some("1:1".into()),
            ..all.clone()
        }),
        [b[1], a[1]]
    );
    assert_eq!(
        f(Filter {
            model: Some("niji 6".into()),
            ..all.clone()
        }),
        [a[1]]
    );
    assert_eq!(
        f(Filter {
            model: Some("default".into()),
            ..all.clone()
        }),
        [b[1]]
    );
    assert_eq!(
        f(Filter {
            liked: true,
            ..all.clone()
        }),
        [a[0]]
    );
    assert_eq!(
        f(Filter {
            collection: Some(col),
            ..all.clone()
        }),
        [b[0], a[1]]
    );
    assert_eq!(
        f(Filter {
            search: "fox".into(),
            account: Some(work.id),
            ..all.clone()
        }),
        [b[0]],
        "search and filters combine"
    );
    let oldest = LibraryQuery {
        sort: Sort::Oldest,
        ..LibraryQuery::default()
    };
    assert_eq!(ids(&store, &oldest), [a[0], a[1], b[0], b[1]]);

    // The wall shows only the liked image when liked is asked for.
    let liked_wall = LibraryQuery {
        filter: Filter {
            liked: true,
            ..all.clone()
        },
        unit: Unit::Images,
        ..LibraryQuery::default()
    };
    let page = store.page(&liked_wall, None, 100).unwrap();
    assert_eq!(page.images.len(), 1);
    assert_eq!(page.jobs.len(), 1);
    assert_eq!(
        page.jobs[0].images.len(),
        5,
        "the job comes whole for the viewer"
    );

    let facets = store
        .facets(&Filter {
            search: "fox".into(),
            ..all.clone()
        })
        .unwrap();
    let count = |v: &[crate::library::Count<String>], k: &str| {
        v.iter().find(|c| c.value == k).map(|c| c.count)
    };
    assert_eq!(count(&facets.aspects, "16:9"), Some(1));
    assert_eq!(count(&facets.aspects, "2:3"), Some(1));
    assert_eq!(count(&facets.models, "v7"), Some(1));
    assert_eq!(facets.liked, 1);
    let months: Vec<(String, u32)> = facets
        .months
        .iter()
        .map(|c| (c.value.clone(), c.count))
        .collect();
    assert_eq!(months, [("2026-01".to_owned(), 2)]);
    let dated = store
        .facets(&Filter {
            from: Some(T0 + 60 * DAY),
            ..all.clone()
        })
        .unwrap();
    assert_eq!(
        dated.months.len(),
        1,
        "the month facet leaves its own date range out"
    );
    let narrowed = store
        .facets(&Filter {
            aspect: Some("16:9".into()),
            ..all.clone()
        })
        .unwrap();
    assert_eq!(
        count(&narrowed.aspects, "1:1"),
        Some(2),
        "a facet ignores its own filter"
    );
    assert_eq!(
        narrowed.phases.iter().map(|c| c.count).sum::<u32>(),
        1,
        "but not the others"
    );
    assert_eq!(
        narrowed
            .accounts
            .iter()
            .map(|c| (c.value, c.count))
            .collect::<Vec<_>>(),
        [(Some(demo_account.id), 1)]
    );
}

#[test]
fn the_wall_counts_images_and_pages_whole_jobs() {
    let store = Store::open_in_memory().unwrap();
    let account = demo(&store);
    let jobs = seed(
        &store,
        &account,
        &[("one", T0), ("two", T0 + 1), ("three", T0 + 2)],
    );
    let thin = store.job(jobs[1]).unwrap().unwrap();
    store
        .remove_images(&[thin.images[0].id, thin.images[2].id], &Files)
        .unwrap();
    let wall = LibraryQuery {
        unit: Unit::Images,
        ..LibraryQuery::default()
    };
    let summary = store.summary(&wall).unwrap();
    // Upscales only: each grid holds its job's upscales again.
    assert_eq!((summary.count, summary.total), (11, 11));
    assert_eq!(summary.months.iter().map(|m| m.count).sum::<u32>(), 11);

    let first = store.page(&wall, None, 1).unwrap();
    assert_eq!(
        first.jobs.iter().map(|j| j.id).collect::<Vec<_>>(),
        [jobs[2]]
    );
    let upscales: Vec<i64> = first.jobs[0].images[1..].iter().map(|i| i.id).collect();
    assert_eq!(first.images, upscales);
    let second = store.page(&wall, first.next, 1).unwrap();
    let slots: Vec<Slot> = second.jobs[0].images.iter().map(|i| i.slot).collect();
    assert_eq!(slots, [Slot::U1, Slot::U3, Slot::U4]);

    // Liked in the wall: only the liked images are positions, the job comes whole.
    let one = store.job(jobs[0]).unwrap().unwrap();
    store
        .like_images(&[one.images[1].id, one.images[3].id], true)
        .unwrap();
    let liked = LibraryQuery {
        filter: Filter {
            liked: true,
            ..Filter::default()
        },
        unit: Unit::Images,
        ..LibraryQuery::default()
    };
    assert_eq!(store.summary(&liked).unwrap().count, 2);
    let page = store.page(&liked, None, 10).unwrap();
    assert_eq!(page.images, [one.images[1].id, one.images[3].id]);
    assert_eq!(page.jobs[0].images.len(), 5);

    let all = store.ids_matching(&wall).unwrap();
    assert_eq!(all.len(), 11);
    let at = |n: usize| {
        let id = all[n];
        let job = [jobs[0], jobs[1], jobs[2]]
            .iter()
            .map(|&j| store.job(j).unwrap().unwrap())
            .find(|j| j.images.iter().any(|i| i.id == id))
            .unwrap();
        Cursor {
            seq: job.seq,
            slot: job.images.iter().find(|i| i.id == id).unwrap().slot.index(),
        }
    };
    let range = store.ids_between(&wall, &at(9), &at(3)).unwrap();
    assert_eq!(
        range,
        all[3..=9],
        "a range reads in order whichever end comes first"
    );

    // A job with no upscale shows its grid.
    let lone = store.job(jobs[0]).unwrap().unwrap();
    let ups: Vec<i64> = lone.images[1..].iter().map(|i| i.id).collect();
    store.remove_images(&ups, &Files).unwrap();
    let all = store.ids_matching(&wall).unwrap();
    assert_eq!(all.len(), 8);
    assert!(all.contains(&lone.images[0].id));
    assert_eq!(store.summary(&wall).unwrap().count, 8);
}

#[test]
fn the_jobs_sent_together_are_filtered_together() {
    let store = Store::open_in_memory().unwrap();
    let account = demo(&store);
    let batch = crate::job::Batch::try_from("b-1".to_owned()).unwrap();
    let other = crate::job::Batch::try_from("b-2".to_owned()).unwrap();
    let a = store
        .insert_job("r1", &account, "a red bird", Some(&batch))
        .unwrap();
    store
        .insert_job("r2", &account, "a blue bird", Some(&other))
        .unwrap();
    let c = store
        .insert_job("r3", &account, "a red bird", Some(&batch))
        .unwrap();
    store.insert_job("r4", &account, "alone", None).unwrap();
    assert_eq!(a.batch.as_ref(), Some(&batch), "kept with the job");
    let q = LibraryQuery {
        filter: Filter {
            batch: Some(batch),
            ..Filter::default()
        },
        ..LibraryQuery::default()
    };
    let ids: Vec<i64> = store
        .page(&q, None, 10)
        .unwrap()
        .jobs
        .iter()
        .map(|j| j.id)
        .collect();
    assert_eq!(ids, [c.id, a.id]);
    assert_eq!(
        store
            .page(&LibraryQuery::default(), None, 10)
            .unwrap()
            .jobs
            .len(),
        4
    );
}
