//! Job folders: `jobs/{job id}`, made for a job whose row exists (the caller holds the
//! store's word on that) and never by a download on its own, so a deleted job's download
//! cannot bring its folder back. Folders named so that no row owns are found at start.

use super::download::io;
use super::{MediaError, MediaLibrary};

impl MediaLibrary {
    /// Makes the job's folder. Call it only while the job's row is known to be there.
    pub fn make_job_dir(&self, job_id: i64) -> Result<(), MediaError> {
        let dir = self.resolve(&self.job_dir(job_id));
        std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))
    }

    /// Whether the job's folder is there to save into.
    pub fn has_job_dir(&self, job_id: i64) -> bool {
        self.resolve(&self.job_dir(job_id)).is_dir()
    }

    /// The job ids of the folders under `jobs/` named exactly as Atelier names them; any
    /// other entry is left out, whatever it is.
    pub fn job_folders(&self) -> Vec<i64> {
        let entries = std::fs::read_dir(self.resolve("jobs"))
            .into_iter()
            .flatten();
        entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .filter_map(|e| job_id_of(&e.file_name().to_string_lossy()))
            .collect()
    }
}

/// `"42"` → 42; `"042"`, `"-1"`, `"42.old"`, `"0"` are no job's folder.
fn job_id_of(name: &str) -> Option<i64> {
    let id: i64 = name.parse().ok()?;
    (id > 0 && id.to_string() == name).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_folders_named_like_a_job_are_job_folders() {
        let dir = tempfile::tempdir().unwrap();
        let media = MediaLibrary::open(dir.path()).unwrap();
        media.make_job_dir(42).unwrap();
        media.make_job_dir(7).unwrap();
        for other in ["042", "-1", "0", "42.old", "notes"] {
            std::fs::create_dir(media.resolve(&format!("jobs/{other}"))).unwrap();
        }
        std::fs::write(media.resolve("jobs/43"), b"a file").unwrap();
        let mut found = media.job_folders();
        found.sort();
        assert_eq!(found, vec![7, 42]);
        assert!(media.has_job_dir(42) && !media.has_job_dir(43));
    }
}
