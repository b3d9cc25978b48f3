//! What must hold after every kill: received jobs done and whole (or deleted, and in the
//! trash), nothing sent twice, no stray or half-written file, a sound database.

use super::*;

pub(crate) struct Report {
    pub(crate) jobs: usize,
    pub(crate) done: usize,
    pub(crate) failed: usize,
}

/// Everything the issue asks to hold after the last run; each breach is added to `problems`.
pub(crate) fn check(
    data: &Path,
    xdg: &Path,
    received: &[(String, Option<String>)],
    announced: &Announced,
    problems: &mut Vec<String>,
) -> Report {
    let db = data.join("history.sqlite3");
    if let Some(bad) = integrity(&db, false) {
        problems.push(format!("final integrity_check said {bad:?}"));
    }
    let store = Store::open(&db).expect("opening the history after the last run");
    let jobs = store
        .page(&LibraryQuery::default(), None, 1000)
        .unwrap()
        .jobs;
    let media = data.join("media");

    // Nothing sent twice, nothing sent without its reference.
    let mut remote_of: HashMap<&str, Vec<&str>> = HashMap::new();
    for (id, reference) in received {
        match reference {
            Some(r) => remote_of.entry(r).or_default().push(id),
            None => problems.push(format!("stand-in image {id} arrived without a ref")),
        }
    }
    for (reference, ids) in &remote_of {
        if ids.len() > 1 {
            let rows: Vec<i64> = jobs
                .iter()
                .filter(|j| j.reference == *reference)
                .map(|j| j.id)
                .collect();
            problems.push(format!(
                "ref {reference} was submitted {} times (stand-in ids {ids:?}, rows {rows:?})",
                ids.len()
            ));
        }
    }

    let mut by_ref: HashMap<&str, Vec<&Job>> = HashMap::new();
    for job in &jobs {
        by_ref.entry(&job.reference).or_default().push(job);
    }
    for (reference, ids) in &remote_of {
        let rows = by_ref.get(reference).map(Vec::as_slice).unwrap_or_default();
        let thinned = announced.thinned.contains(*reference);
        match rows {
            [job] => check_received(&media, job, ids[0], thinned, problems),
            // Deleted (or all its images were), as the child said it would.
            [] if announced.may_go.contains(*reference) => {}
            _ => problems.push(format!(
                "ref {reference} reached the stand-in but has {} rows",
                rows.len()
            )),
        }
    }

    let (mut done, mut failed) = (0, 0);
    for job in &jobs {
        if remote_of.contains_key(job.reference.as_str()) {
            done += usize::from(job.status == JobStatus::Done);
            continue;
        }
        let said = job.error.as_deref().unwrap_or("");
        if job.status == JobStatus::Failed && said.contains("nothing was charged") {
            failed += 1;
        } else {
            problems.push(format!(
                "job {} ({}) never reached the stand-in yet is {} with error {:?}",
                job.id,
                job.reference,
                job.status.as_str(),
                job.error
            ));
        }
    }

    // No row without its files, whatever became of its job.
    for job in &jobs {
        for img in &job.images {
            for file in [&img.file, &img.thumb, &small_of(&img.thumb)] {
                if !media.join(file).is_file() {
                    problems.push(format!(
                        "job {} ({}) is {} and its {:?} row names {file}, which is missing",
                        job.id,
                        job.reference,
                        job.status.as_str(),
                        img.slot
                    ));
                }
            }
        }
    }

    // No stray files: every file in the library belongs to an image row.
    let known: HashSet<PathBuf> = jobs
        .iter()
        .flat_map(|j| &j.images)
        .flat_map(|i| [&i.file, &i.thumb, &small_of(&i.thumb)].map(|f| media.join(f)))
        .collect();
    let mut files = Vec::new();
    walk(&media, &mut files);
    for file in files {
        if !known.contains(&file) {
            let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
            let rel = file.strip_prefix(&media).unwrap_or(&file);
            problems.push(format!(
                "stray file media/{} ({size} bytes){}",
                rel.display(),
                owner(rel, &jobs, announced)
            ));
        }
    }

    // No deletion or undo left half done: the last start finished whatever a kill cut short.
    match store.pending_trash() {
        Ok(paths) if paths.is_empty() => {}
        Ok(paths) => problems.push(format!("pending_trash still lists {paths:?}")),
        Err(e) => problems.push(format!("pending_trash could not be read: {e}")),
    }
    check_trash(&media, xdg, &jobs, announced, problems);

    Report {
        jobs: jobs.len(),
        done,
        failed,
    }
}

/// What was deleted for good went to the trash, not just away: an announced path whose rows
/// are gone must be in the trash, or a folder above it must. Only jobs announced with images
/// are looked for, as one deleted before any arrived may never have had a folder.
pub(crate) fn check_trash(
    media: &Path,
    xdg: &Path,
    jobs: &[Job],
    announced: &Announced,
    problems: &mut Vec<String>,
) {
    let trashed = in_trash(&xdg.join("Trash/info"), media);
    let refs: HashSet<&str> = jobs.iter().map(|j| j.reference.as_str()).collect();
    let files: HashSet<&str> = jobs
        .iter()
        .flat_map(|j| &j.images)
        .map(|i| i.file.as_str())
        .collect();
    for gone in &announced.gone {
        // Otherwise the kill came before the rows went, or the deletion was undone (or, for a
        // single image, fetched again when its job was resumed).
        let stands = if gone.whole_job {
            !refs.contains(gone.reference.as_str())
        } else {
            !files.contains(gone.path.as_str())
        };
        if stands
            && !Path::new(&gone.path)
                .ancestors()
                .any(|p| trashed.contains(p))
        {
            problems.push(format!(
                "media/{} of {} was deleted but is not in the trash{}",
                gone.path,
                gone.reference,
                if media.join(&gone.path).exists() {
                    " (it is still in the library)"
                } else {
                    ""
                }
            ));
        }
    }
}

/// The original paths of what the trash holds from `media`, relative to it.
pub(crate) fn in_trash(info: &Path, media: &Path) -> HashSet<PathBuf> {
    // The trash may name the library by its canonical path.
    let roots = [
        media.to_path_buf(),
        media.canonicalize().unwrap_or_default(),
    ];
    let mut out = HashSet::new();
    for entry in std::fs::read_dir(info).into_iter().flatten().flatten() {
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        // `Path=` is percent-encoded; a file URL decodes it.
        let path = text
            .lines()
            .find_map(|l| l.strip_prefix("Path="))
            .and_then(|p| url::Url::parse(&format!("file://{p}")).ok())
            .and_then(|u| u.to_file_path().ok());
        let Some(path) = path else { continue };
        if let Some(rel) = roots.iter().find_map(|r| path.strip_prefix(r).ok()) {
            out.insert(rel.to_path_buf());
        }
    }
    out
}

/// A job the stand-in received: done, following the right remote job, five whole images (or
/// fewer if some were deleted).
pub(crate) fn check_received(
    media: &Path,
    job: &Job,
    remote_id: &str,
    thinned: bool,
    problems: &mut Vec<String>,
) {
    let who = format!("job {} ({})", job.id, job.reference);
    if job.status != JobStatus::Done {
        problems.push(format!(
            "{who} reached the stand-in but is {} with error {:?} and {} images",
            job.status.as_str(),
            job.error,
            job.images.len()
        ));
    }
    if job.remote_id.as_deref() != Some(remote_id) {
        problems.push(format!(
            "{who} follows remote {:?}, the stand-in has it as {remote_id}",
            job.remote_id
        ));
    }
    let slots: Vec<Slot> = job.images.iter().map(|i| i.slot).collect();
    if slots != Slot::ALL && !thinned {
        problems.push(format!("{who} has images {slots:?}, not grid and U1..U4"));
    }
    check_files(media, &who, job, problems);
}

/// Every picture of `job` decodes at its recorded size and length, and so does its thumbnail.
pub(crate) fn check_files(media: &Path, who: &str, job: &Job, problems: &mut Vec<String>) {
    for img in &job.images {
        let file = media.join(&img.file);
        match image::open(&file) {
            Ok(pixels) if (pixels.width(), pixels.height()) == (img.width, img.height) => {}
            Ok(pixels) => problems.push(format!(
                "{who}: {} is {}x{}, recorded as {}x{}",
                img.file,
                pixels.width(),
                pixels.height(),
                img.width,
                img.height
            )),
            Err(e) => problems.push(format!("{who}: {} does not decode: {e}", img.file)),
        }
        let size = std::fs::metadata(&file).map(|m| m.len()).ok();
        if size.is_some_and(|s| s != img.bytes) {
            problems.push(format!(
                "{who}: {} has {size:?} bytes, recorded as {}",
                img.file, img.bytes
            ));
        }
        if let Err(e) = image::open(media.join(&img.thumb)) {
            problems.push(format!("{who}: thumbnail {} is not whole: {e}", img.thumb));
        }
    }
}

/// Says which job a stray file is about, when its path names one.
pub(crate) fn owner(rel: &Path, jobs: &[Job], announced: &Announced) -> String {
    let id = rel
        .components()
        .nth(1)
        .and_then(|c| c.as_os_str().to_str())
        .and_then(|s| s.split('.').next())
        .and_then(|s| s.parse::<i64>().ok());
    match (id, id.and_then(|id| jobs.iter().find(|j| j.id == id))) {
        (_, Some(j)) => format!(", of job {} which is {}", j.id, j.status.as_str()),
        (Some(id), None) if announced.ids.contains(&id) => {
            format!(", of job {id} whose deletion was announced")
        }
        _ => String::new(),
    }
}

/// What the children said they deleted, for the checks that must allow for it.
#[derive(Default)]
pub(crate) struct Announced {
    /// Jobs (by ref) that may have no row: their deletion, or that of all their images, was
    /// announced. It went through unless the kill came first or it was undone.
    pub(crate) may_go: HashSet<String>,
    /// Jobs that lost single images: fewer than five is then right.
    pub(crate) thinned: HashSet<String>,
    /// Library paths announced as deleted, to look for in the trash.
    pub(crate) gone: Vec<Gone>,
    /// Job ids whose deletion was announced, to name in a stray file's report.
    pub(crate) ids: HashSet<i64>,
    pub(crate) begun: usize,
    pub(crate) undone: usize,
}

pub(crate) struct Gone {
    pub(crate) reference: String,
    pub(crate) path: String,
    /// The job's folder: the deletion stands if the job has no row.
    pub(crate) whole_job: bool,
}

impl Announced {
    pub(crate) fn note(&mut self, lines: &[String]) {
        for line in lines {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                ["deleting", "job", id, reference, _, images] => {
                    self.begun += 1;
                    self.may_go.insert(reference.to_string());
                    self.ids.extend(id.parse::<i64>());
                    // A job without images may never have had a folder.
                    if images.parse::<usize>().unwrap_or(0) > 0 {
                        self.gone.push(Gone {
                            reference: reference.to_string(),
                            path: format!("jobs/{id}"),
                            whole_job: true,
                        });
                    }
                }
                ["deleting", "images", id, reference, _, had, files @ ..] => {
                    self.begun += 1;
                    self.thinned.insert(reference.to_string());
                    // All it had: the job goes with them.
                    if had.parse::<usize>() == Ok(files.len()) {
                        self.may_go.insert(reference.to_string());
                        self.ids.extend(id.parse::<i64>());
                    }
                    self.gone.extend(files.iter().map(|file| Gone {
                        reference: reference.to_string(),
                        path: file.to_string(),
                        whole_job: false,
                    }));
                }
                ["undone", ..] => self.undone += 1,
                _ => {}
            }
        }
    }
}

/// Files under `media` with a temporary name, relative to it.
pub(crate) fn temp_files(media: &Path) -> Vec<String> {
    let mut files = Vec::new();
    walk(media, &mut files);
    let mut temp: Vec<String> = files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "part" || e == "partial"))
        .filter_map(|f| f.strip_prefix(media).ok())
        .map(|f| f.display().to_string())
        .collect();
    temp.sort();
    temp
}

pub(crate) fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// `None` when `PRAGMA integrity_check` says "ok", else what it said. A read-only look leaves
/// the write-ahead log as the killed process left it, for the next child to recover.
pub(crate) fn integrity(db: &Path, read_only: bool) -> Option<String> {
    use rusqlite::{Connection, OpenFlags};
    if !db.exists() {
        return None;
    }
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::default()
    };
    let conn = match Connection::open_with_flags(db, flags) {
        Ok(c) => c,
        Err(e) => return Some(format!("could not open: {e}")),
    };
    let said: Result<Vec<String>, _> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect());
    match said {
        Ok(rows) if rows == ["ok"] => None,
        Ok(rows) => Some(rows.join("; ")),
        Err(e) => Some(format!("could not check: {e}")),
    }
}
