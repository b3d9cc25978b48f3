//! Seeded histories for the library's benchmarks and end-to-end tests: prompts that read like
//! a year of use, times spread over months with bursts, some failures, likes and collections,
//! all written through the core's own store. Shared by `benches/library.rs` and
//! `examples/seed_history.rs`.
// Each of them uses only part of it.
#![allow(dead_code)]

use atelier_core::accounts::{Account, Address};
use atelier_core::engine::{JobStatus, Slot};
use atelier_core::providers::ProviderKind;
use atelier_core::store::{Layout, PastImage, PastJob, Store};

/// The aspect ratios seeded prompts ask for, most common first.
pub const ASPECTS: [(u32, u32); 8] = [
    (1, 1),
    (16, 9),
    (2, 3),
    (3, 2),
    (9, 16),
    (4, 5),
    (21, 9),
    (7, 4),
];

const SUBJECTS: &[&str] = &[
    "fox",
    "lighthouse",
    "city",
    "forest",
    "astronaut",
    "cat",
    "dragon",
    "harbour",
    "robot",
    "garden",
    "mountain",
    "owl",
    "samurai",
    "library",
    "train",
    "whale",
    "castle",
    "desert",
    "market",
    "violinist",
    "tea house",
    "glacier",
    "orchard",
    "submarine",
    "bridge",
    "fisherman",
    "jellyfish",
    "cathedral",
    "greenhouse",
    "skater",
    "tiger",
    "river",
    "balloon",
    "cottage",
    "knight",
    "octopus",
    "bakery",
    "canyon",
    "dancer",
    "windmill",
    "observatory",
    "koi pond",
    "motorcycle",
    "wolf",
    "island",
    "alchemist",
    "tram",
    "waterfall",
    "hummingbird",
    "ruins",
];
const ADJECTIVES: &[&str] = &[
    "ancient",
    "tiny",
    "neon",
    "misty",
    "golden",
    "abandoned",
    "floating",
    "crystal",
    "cozy",
    "stormy",
    "ornate",
    "minimal",
    "overgrown",
    "sunlit",
    "frozen",
    "whimsical",
    "brutalist",
    "rainy",
    "velvet",
    "copper",
    "paper",
    "glowing",
    "quiet",
    "colossal",
    "porcelain",
    "rusty",
];
const PLACES: &[&str] = &[
    "at dawn",
    "in the fog",
    "under the stars",
    "by the sea",
    "in autumn",
    "on Mars",
    "in a snowstorm",
    "at golden hour",
    "in Kyoto",
    "in the rain",
    "at midnight",
    "in a dream",
    "on a cliff",
    "in Paris",
    "underwater",
    "in spring bloom",
];
const STYLES: &[&str] = &[
    "watercolor",
    "oil painting",
    "35mm film photo",
    "isometric",
    "ukiyo-e",
    "art nouveau",
    "studio ghibli style",
    "cinematic",
    "pencil sketch",
    "low poly",
    "baroque",
    "bauhaus poster",
    "cyberpunk",
    "tilt-shift",
    "gouache",
    "long exposure",
    "claymation",
    "synthwave",
];
const MODELS: &[&str] = &["", "--v 6", "--v 6.1", "--v 7", "--niji 6", "--v 5.2"];
const OTHER_SCRIPTS: &[&str] = &[
    "猫の絵、水彩画",
    "夜の東京の路地",
    "Кошка на крыше на закате",
    "Зимний лес в тумане",
    "Ένας φάρος στο σούρουπο",
    "un café à Montmartre sous la pluie",
];

/// A small deterministic generator, so a seed always gives the same history.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

/// A prompt, and which of `ASPECTS` it asks for.
pub fn prompt(rng: &mut Rng) -> (String, usize) {
    let aspect = match rng.below(100) {
        0..=34 => 0,
        35..=59 => 1,
        60..=69 => 2,
        70..=77 => 3,
        78..=85 => 4,
        86..=91 => 5,
        92..=96 => 6,
        _ => 7,
    };
    let text = if rng.below(50) == 0 {
        rng.pick(OTHER_SCRIPTS).to_owned()
    } else {
        format!(
            "{} {} {}, {}",
            rng.pick(ADJECTIVES),
            rng.pick(SUBJECTS),
            rng.pick(PLACES),
            rng.pick(STYLES)
        )
    };
    let (w, h) = ASPECTS[aspect];
    let mut prompt = text;
    if aspect != 0 || rng.below(3) == 0 {
        prompt.push_str(&format!(" --ar {w}:{h}"));
    }
    if rng.below(3) == 0 {
        prompt.push_str(&format!(" --chaos {}", rng.below(60)));
    }
    let model = rng.pick(MODELS);
    if !model.is_empty() {
        prompt.push(' ');
        prompt.push_str(model);
    }
    (prompt, aspect)
}

/// What a seeded job became.
pub struct Seeded {
    pub id: i64,
    pub aspect: usize,
    /// Its images' slots: none for a failure, three for an incomplete download.
    pub slots: &'static [Slot],
}

const ALL: &[Slot] = Slot::ALL;
const SOME: &[Slot] = &[Slot::U1, Slot::U2, Slot::U3];

/// Writes `jobs` finished jobs over the `span_days` before `now_ms`, oldest first, in
/// transactions of a few thousand; with three accounts, likes, and three collections.
pub fn seed_rows(
    store: &Store,
    layout: &dyn Layout,
    jobs: usize,
    span_days: i64,
    now_ms: i64,
    seed: u64,
) -> Vec<Seeded> {
    let accounts = accounts(store);
    let mut rng = Rng(seed | 1);
    let times = times(&mut rng, jobs, span_days, now_ms);
    let mut seeded = Vec::with_capacity(jobs);
    for chunk in times.chunks(5000) {
        let plans: Vec<Plan> = chunk.iter().map(|&at| Plan::new(&mut rng, at)).collect();
        let images: Vec<Vec<PastImage>> = plans.iter().map(past_images).collect();
        let past: Vec<PastJob<'_>> = plans
            .iter()
            .zip(&images)
            .map(|(p, images)| PastJob {
                reference: &p.reference,
                account: &accounts[p.account],
                prompt: &p.prompt,
                remote_id: None,
                created_at: p.at,
                status: p.status,
                error: p.error,
                images,
            })
            .collect();
        let ids = store.insert_past_jobs(&past, layout).expect("seeding jobs");
        seeded.extend(ids.into_iter().zip(&plans).map(|(id, p)| Seeded {
            id,
            aspect: p.aspect,
            slots: p.slots,
        }));
    }
    organize(store, &mut rng, &seeded);
    seeded
}

struct Plan {
    reference: String,
    prompt: String,
    aspect: usize,
    at: i64,
    account: usize,
    status: JobStatus,
    error: Option<&'static str>,
    slots: &'static [Slot],
}

impl Plan {
    fn new(rng: &mut Rng, at: i64) -> Plan {
        let (prompt, aspect) = prompt(rng);
        let (status, error, slots): (_, _, &'static [Slot]) = match rng.below(100) {
            0..=2 => (
                JobStatus::Failed,
                Some("ImagineAPI refused this prompt: banned word."),
                &[],
            ),
            3 => (
                JobStatus::DownloadFailed,
                Some("Could not download U4: the connection closed before the whole image arrived"),
                SOME,
            ),
            4 => (JobStatus::Cancelled, Some("Cancelled."), &[]),
            _ => (JobStatus::Done, None, ALL),
        };
        Plan {
            reference: format!("seed-{at}-{}", rng.next()),
            prompt,
            aspect,
            at,
            account: [0, 1, 1, 1, 2][rng.below(5)],
            status,
            error,
            slots,
        }
    }
}

/// Image sizes as Midjourney's: a 2048 px grid and 1024 px upscales, shaped by the aspect.
fn past_images(plan: &Plan) -> Vec<PastImage> {
    let (w, h) = ASPECTS[plan.aspect];
    let fit = |long: u32| {
        if w >= h {
            (long, long * h / w)
        } else {
            (long * w / h, long)
        }
    };
    plan.slots
        .iter()
        .map(|&slot| {
            let (width, height) = fit(if slot == Slot::Grid { 2048 } else { 1024 });
            PastImage {
                slot,
                extension: "png",
                width,
                height,
                bytes: u64::from(width * height),
            }
        })
        .collect()
}

/// Demo plus one account of each service (with no token: their jobs are history).
fn accounts(store: &Store) -> Vec<Account> {
    let mut accounts = store.accounts().expect("accounts");
    for (kind, label, url) in [
        (
            ProviderKind::ImagineApi,
            "Studio",
            "https://cl.imagineapi.dev",
        ),
        (
            ProviderKind::AiClient,
            "Client",
            "https://app.ai-client.com/api/v1",
        ),
    ] {
        if !accounts.iter().any(|a| a.label == label) {
            let address = Address::checked(url);
            accounts.push(
                store
                    .insert_account(kind, label, &address)
                    .expect("account"),
            );
        }
    }
    accounts
}

/// Creation times, oldest first: days of use with bursts of a few jobs minutes apart.
fn times(rng: &mut Rng, jobs: usize, span_days: i64, now_ms: i64) -> Vec<i64> {
    let span = span_days.max(1) * 86_400_000;
    let mut times: Vec<i64> = Vec::with_capacity(jobs);
    while times.len() < jobs {
        let start = now_ms - (rng.next() % span as u64) as i64;
        for k in 0..(1 + rng.below(6)).min(jobs - times.len()) {
            times.push(start + k as i64 * 45_000);
        }
    }
    times.sort_unstable();
    times
}

/// Likes on about one job in thirty; three collections of a few hundred jobs.
fn organize(store: &Store, rng: &mut Rng, seeded: &[Seeded]) {
    let liked: Vec<i64> = seeded
        .iter()
        .filter(|s| !s.slots.is_empty())
        .filter(|_| rng.below(30) == 0)
        .map(|s| s.id)
        .collect();
    store.like_jobs(&liked, true).expect("likes");
    for name in ["Portfolio", "Print", "Ideas"] {
        let Some(id) = store.create_collection(name).expect("collection") else {
            continue;
        };
        let members: Vec<i64> = seeded
            .iter()
            .filter(|_| rng.below(200) == 0)
            .map(|s| s.id)
            .collect();
        store.add_to_collection(id, &members).expect("members");
    }
}
