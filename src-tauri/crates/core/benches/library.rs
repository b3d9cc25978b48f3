//! The library's SQLite side at 5 and at 100,000 jobs, side by side in one run: first pages,
//! deep pages, searches, filters, the wall, summaries and facet counts.
//! `cargo bench -p atelier-core --bench library` (`ATELIER_BENCH_JOBS` sets the large size).
//!
//! A plain timing loop (median and p95 of several runs) keeps the build free of a benchmark
//! framework. Rows only: the files of a seeded history do not change what SQLite does.

#[path = "support/history.rs"]
mod history;

use std::time::{Duration, Instant};

use atelier_core::clock::now_ms;
use atelier_core::library::{Checkpoint, Filter, LibraryQuery, Phase, Sort, Unit, PAGE_SIZE};
use atelier_core::media::MediaLibrary;
use atelier_core::store::Store;

const RUNS: usize = 40;

struct Library {
    store: Store,
    _dir: tempfile::TempDir,
}

fn library(jobs: usize) -> Library {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("history.sqlite3")).expect("store");
    let media = MediaLibrary::open(dir.path().join("media")).expect("media");
    let started = Instant::now();
    history::seed_rows(&store, &media, jobs, 730, now_ms(), 7);
    eprintln!(
        "seeded {jobs} jobs in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Library { store, _dir: dir }
}

fn main() {
    let large: usize = std::env::var("ATELIER_BENCH_JOBS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let small = library(5);
    let big = library(large);
    println!("median and p95 of {RUNS} runs, milliseconds; rows only, warm cache\n");
    println!("| query | 5 jobs p50 | {large} jobs p50 | {large} jobs p95 |");
    println!("|---|---|---|---|");
    for (name, case) in cases() {
        let a = measure(&small.store, &case);
        let b = measure(&big.store, &case);
        println!(
            "| {name} | {:.2} | {:.2} | {:.2} |",
            ms(a.0),
            ms(b.0),
            ms(b.1)
        );
    }
    let searches: Vec<Duration> = SEARCHES
        .iter()
        .map(|s| measure(&big.store, &Case::Page(search(s), Depth::Start)).0)
        .collect();
    println!(
        "\nsearch as typed, first page at {large} jobs: p50 over {} queries {:.2} ms, worst {:.2} ms ({})",
        SEARCHES.len(),
        ms(median(searches.clone())),
        ms(*searches.iter().max().expect("some")),
        SEARCHES[searches.iter().enumerate().max_by_key(|(_, d)| **d).expect("some").0]
    );
}

/// What a person types, keystroke by keystroke and word by word.
const SEARCHES: &[&str] = &[
    "f",
    "fo",
    "fox",
    "fox ",
    "fox a",
    "fox at",
    "fox at dawn",
    "neon",
    "neon c",
    "neon cat",
    "\"by the sea\"",
    "wat",
    "watercolor",
    "ky",
    "kyoto",
    "--ar 16:9",
    "猫",
    "кошка",
    "golden hour",
    "misty forest",
    "zzz",
];

enum Depth {
    Start,
    Middle,
    End,
}

enum Case {
    Page(LibraryQuery, Depth),
    Summary(LibraryQuery),
    Facets(Filter),
}

fn cases() -> Vec<(&'static str, Case)> {
    let all = LibraryQuery::default();
    let with = |filter: Filter| LibraryQuery {
        filter,
        ..LibraryQuery::default()
    };
    let wall = LibraryQuery {
        unit: Unit::Images,
        ..LibraryQuery::default()
    };
    let oldest = LibraryQuery {
        sort: Sort::Oldest,
        ..LibraryQuery::default()
    };
    let month = 30 * 86_400_000;
    vec![
        (
            "first page (48 jobs with their images)",
            Case::Page(all.clone(), Depth::Start),
        ),
        (
            "page in the middle, from its checkpoint",
            Case::Page(all.clone(), Depth::Middle),
        ),
        (
            "last page (the oldest jobs)",
            Case::Page(all.clone(), Depth::End),
        ),
        ("oldest first, first page", Case::Page(oldest, Depth::Start)),
        (
            "wall: first page of 48 images",
            Case::Page(wall.clone(), Depth::Start),
        ),
        ("wall: last page", Case::Page(wall.clone(), Depth::End)),
        ("search \"fox\"", Case::Page(search("fox"), Depth::Start)),
        (
            "search \"neon cat\"",
            Case::Page(search("neon cat"), Depth::Start),
        ),
        (
            "search \"f\" (one letter)",
            Case::Page(search("f"), Depth::Start),
        ),
        (
            "filter liked",
            Case::Page(
                with(Filter {
                    liked: true,
                    ..Filter::default()
                }),
                Depth::Start,
            ),
        ),
        (
            "filter aspect 21:9",
            Case::Page(
                with(Filter {
                    aspect: Some("21:9".into()),
                    ..Filter::default()
                }),
                Depth::Start,
            ),
        ),
        (
            "filter model v7",
            Case::Page(
                with(Filter {
                    model: Some("v7".into()),
                    ..Filter::default()
                }),
                Depth::Start,
            ),
        ),
        (
            "filter failed",
            Case::Page(
                with(Filter {
                    phase: Some(Phase::Failed),
                    ..Filter::default()
                }),
                Depth::Start,
            ),
        ),
        (
            "filter collection",
            Case::Page(
                with(Filter {
                    collection: Some(1),
                    ..Filter::default()
                }),
                Depth::Start,
            ),
        ),
        (
            "filter a month ago to now",
            Case::Page(
                with(Filter {
                    from: Some(now_ms() - month),
                    ..Filter::default()
                }),
                Depth::Start,
            ),
        ),
        (
            "search + aspect + model",
            Case::Page(
                with(Filter {
                    search: "city".into(),
                    aspect: Some("16:9".into()),
                    model: Some("v6".into()),
                    ..Filter::default()
                }),
                Depth::Start,
            ),
        ),
        ("summary: whole library", Case::Summary(all.clone())),
        ("summary: wall (every image)", Case::Summary(wall)),
        ("summary: search \"fox\"", Case::Summary(search("fox"))),
        (
            "summary: liked",
            Case::Summary(with(Filter {
                liked: true,
                ..Filter::default()
            })),
        ),
        (
            "facet counts: whole library",
            Case::Facets(Filter::default()),
        ),
        (
            "facet counts: search \"fox\"",
            Case::Facets(search("fox").filter),
        ),
    ]
}

fn search(text: &str) -> LibraryQuery {
    LibraryQuery {
        filter: Filter {
            search: text.into(),
            ..Filter::default()
        },
        ..LibraryQuery::default()
    }
}

/// (p50, p95) of the case on this store.
fn measure(store: &Store, case: &Case) -> (Duration, Duration) {
    let from: Option<Checkpoint> = match case {
        Case::Page(q, depth) => {
            let summary = store.summary(q).expect("summary");
            let n = summary.checkpoints.len();
            match depth {
                Depth::Start => summary.checkpoints.first().copied(),
                Depth::Middle => summary.checkpoints.get(n / 2).copied(),
                Depth::End => summary.checkpoints.last().copied(),
            }
        }
        _ => None,
    };
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            match case {
                Case::Page(q, depth) => {
                    let start = from.filter(|_| !matches!(depth, Depth::Start));
                    let jobs = from.map_or(PAGE_SIZE, |c| c.jobs);
                    store.page(q, start.map(|c| c.seq), jobs).expect("page");
                }
                Case::Summary(q) => {
                    store.summary(q).expect("summary");
                }
                Case::Facets(f) => {
                    store.facets(f).expect("facets");
                }
            }
            started.elapsed()
        })
        .collect();
    times.sort();
    (times[RUNS / 2], times[RUNS * 95 / 100])
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
