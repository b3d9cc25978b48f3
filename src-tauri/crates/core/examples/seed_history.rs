//! Fills an Atelier data folder with a long history of finished jobs and their real files, for
//! the end-to-end tests and the library benchmark:
//!
//! ```sh
//! cargo run --release -p atelier-core --example seed_history -- DATA_DIR JOBS [--rows-only]
//! ```
//!
//! DATA_DIR is what the app uses (`$XDG_DATA_HOME/dev.atelier.app` on Linux). Pictures come
//! from the Demo provider's painter through the media library's own pipeline (verified,
//! thumbnailed): a 2048 px grid composed from four 1024 px upscales, for each of 24 prompts.
//! Every job's folder holds hard links to one of them (a copy where links cannot be made), so
//! a 100,000-job history costs the disk a few MB beyond its directory entries. `--rows-only`
//! skips the files.

#[path = "../benches/support/history.rs"]
mod history;

use std::path::{Path, PathBuf};

use atelier_core::clock::now_ms;
use atelier_core::engine::Slot;
use atelier_core::media::MediaLibrary;
use atelier_core::providers::demo::art;
use atelier_core::providers::Asset;
use atelier_core::store::Store;

/// Pictures per aspect ratio; jobs take turns.
const VARIANTS: usize = 3;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(dir), Some(jobs)) = (args.first(), args.get(1).and_then(|n| n.parse().ok())) else {
        eprintln!("usage: seed_history DATA_DIR JOBS [--rows-only]");
        std::process::exit(2);
    };
    let rows_only = args.iter().any(|a| a == "--rows-only");
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("data folder");
    let store = Store::open(&dir.join("history.sqlite3")).expect("history");
    let media = MediaLibrary::open(dir.join("media")).expect("media folder");
    let started = std::time::Instant::now();
    let seeded = history::seed_rows(&store, &media, jobs, 730, now_ms(), 11);
    eprintln!(
        "{jobs} jobs written in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    if rows_only {
        return;
    }
    let templates = templates(&dir.join("seed-pictures"));
    for (n, job) in seeded.iter().enumerate() {
        let template = &templates[job.aspect * VARIANTS + n % VARIANTS];
        link_job(&media, template, job);
    }
    eprintln!("files linked in {:.1} s", started.elapsed().as_secs_f64());
}

/// One finished picture set per aspect ratio and variant, made once: `templates[a * VARIANTS
/// + v]` is the folder of aspect `a`, variant `v`.
fn templates(root: &Path) -> Vec<PathBuf> {
    let library = MediaLibrary::open(root).expect("template folder");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut folders = Vec::new();
    for (a, &(w, h)) in history::ASPECTS.iter().enumerate() {
        for v in 0..VARIANTS {
            let job = (a * VARIANTS + v) as i64 + 1;
            let folder = library.resolve(&library.job_dir(job));
            if !folder.join("grid.png").is_file() {
                runtime.block_on(paint(&library, job, (w, h), v));
            }
            folders.push(folder);
        }
    }
    folders
}

async fn paint(library: &MediaLibrary, job: i64, aspect: (u32, u32), variant: usize) {
    let (width, height) = art::size_for(aspect);
    let prompt = format!("seed picture {job} {variant}");
    // A download never makes a job's folder (a deleted job's must stay gone): the job's
    // owner does, as the engine does once the row is written.
    library.make_job_dir(job).expect("template's folder");
    let mut singles = Vec::new();
    for (i, slot) in Slot::ALL[1..].iter().enumerate() {
        let picture = art::render(&prompt, 0, i as u32, width, height);
        let mut png = Vec::new();
        picture
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .expect("png");
        let saved = library
            .save(job, *slot, Asset::Memory(png))
            .await
            .expect("saving a picture");
        singles.push(saved.file);
    }
    library.compose_grid(job, singles).await.expect("grid");
}

/// Links the template's files into the job's folder under the names its rows give.
fn link_job(media: &MediaLibrary, template: &Path, job: &history::Seeded) {
    let folder = media.resolve(&media.job_dir(job.id));
    std::fs::create_dir_all(&folder).expect("job folder");
    for slot in job.slots {
        for suffix in ["png", "thumb.jpg", "small.jpg"] {
            let name = format!("{}.{suffix}", slot.stem());
            let (from, to) = (template.join(&name), folder.join(&name));
            if std::fs::hard_link(&from, &to).is_err() {
                std::fs::copy(&from, &to).expect("copying a picture");
            }
        }
    }
}
