//! One job's life in the log. The engine's work on a job (sending it or its Enhance,
//! following it, bringing its images home, an imported one's included) runs in a `job{id=…}`
//! span, and `blocking::run` carries the span onto the blocking pool, so every line about a
//! job says which one: `grep 'job{id=42}'` reads job 42 from its sending to its last image,
//! however many jobs ran beside it.

use tracing::Span;

pub(super) fn job_span(job_id: i64) -> Span {
    tracing::info_span!("job", id = job_id)
}

#[cfg(test)]
mod tests {
    use std::io::{self, Write};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use async_trait::async_trait;
    use tracing_subscriber::fmt::MakeWriter;
    use url::Url;

    use crate::engine::{Engine, EngineConfig, EnhanceSource, Importer, Job, JobStatus};
    use crate::import::ImportState;
    use crate::media::MediaLibrary;
    use crate::providers::{
        Asset, EnhanceScale, Health, Outputs, PastItem, PastPage, Provider, ProviderError,
        ProviderKind, RemoteImage, RemoteJob, RemoteState,
    };
    use crate::store::Store;

    /// The log as the file would have it, kept in memory.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Captured {
        fn lines(&self) -> Vec<String> {
            let bytes = self.0.lock().unwrap();
            String::from_utf8_lossy(&bytes)
                .lines()
                .map(String::from)
                .collect()
        }
    }

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl MakeWriter<'_> for Captured {
        type Writer = Captured;

        fn make_writer(&self) -> Captured {
            self.clone()
        }
    }

    /// A service that takes the job, reports it half done, then finished with one picture.
    #[derive(Default)]
    struct OnePicture {
        polls: AtomicUsize,
    }

    #[async_trait]
    impl Provider for OnePicture {
        fn kind(&self) -> ProviderKind {
            ProviderKind::ImagineApi
        }

        async fn submit(&self, _: &str, _: &str) -> Result<RemoteJob, ProviderError> {
            let (remote_id, state) = ("remote-7".into(), RemoteState::Queued);
            Ok(RemoteJob {
                remote_id,
                state,
                ahead: None,
            })
        }

        async fn poll(&self, _: &str) -> Result<RemoteState, ProviderError> {
            Ok(match self.polls.fetch_add(1, Ordering::SeqCst) {
                0 => RemoteState::Running {
                    progress: Some(50),
                    preview: None,
                },
                _ => RemoteState::Completed(Outputs {
                    grid: Some(Url::parse("https://cdn.example/grid.png").unwrap()),
                    ..Outputs::default()
                }),
            })
        }

        async fn find_by_reference(&self, _: &str) -> Result<Option<RemoteJob>, ProviderError> {
            Ok(None)
        }

        async fn enhance(
            &self,
            _: &RemoteImage,
            _: EnhanceScale,
        ) -> Result<RemoteJob, ProviderError> {
            let (remote_id, state) = ("remote-8".into(), RemoteState::Queued);
            Ok(RemoteJob {
                remote_id,
                state,
                ahead: None,
            })
        }

        /// One finished image made before, on a page of its own.
        async fn list_past(&self, _: u32) -> Result<PastPage, ProviderError> {
            let item = PastItem {
                remote_id: "past-1".into(),
                prompt: "an old fox".into(),
                created_at: None,
                state: RemoteState::Completed(Outputs {
                    grid: Some(Url::parse("https://cdn.example/old.png").unwrap()),
                    ..Outputs::default()
                }),
                parent_id: None,
            };
            let (total, unreadable, last) = (Some(1), 0, true);
            Ok(PastPage {
                items: vec![item],
                total,
                unreadable,
                last,
            })
        }

        async fn health(&self) -> Result<Health, ProviderError> {
            unreachable!("not asked while a job runs")
        }

        async fn fetch_asset(&self, _: &Url) -> Result<Asset, ProviderError> {
            let picture = image::RgbImage::from_pixel(64, 64, image::Rgb([200, 80, 40]));
            let mut png = io::Cursor::new(Vec::new());
            picture.write_to(&mut png, image::ImageFormat::Png).unwrap();
            Ok(Asset::Memory(png.into_inner()))
        }
    }

    /// What each of the job's lines says, after its span and target.
    fn messages_of(lines: &[String], job_id: i64) -> Vec<String> {
        let span = format!("job{{id={job_id}}}");
        lines
            .iter()
            .filter(|line| line.contains(&span))
            .filter_map(|line| line.rsplit_once(": ").map(|(_, said)| said.to_owned()))
            .collect()
    }

    /// Each line in order among the job's, or a failure showing the whole log.
    fn assert_told_in_order(log: &Captured, job_id: i64, life: &[&str]) {
        let said = messages_of(&log.lines(), job_id);
        let mut rest = said.iter();
        for step in life {
            assert!(
                rest.any(|s| s.starts_with(step)),
                "no {step:?} in order among job {job_id}'s lines: {said:#?}\nthe whole log: {:#?}",
                log.lines()
            );
        }
    }

    /// The log in memory, at debug level, for as long as the guard lives.
    fn capture() -> (Captured, tracing::subscriber::DefaultGuard) {
        let log = Captured::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(log.clone())
            .with_ansi(false)
            .without_time()
            .with_max_level(tracing::Level::DEBUG)
            .finish();
        (log, tracing::subscriber::set_default(subscriber))
    }

    /// An engine on an empty library in memory.
    fn engine() -> (Engine, Store, MediaLibrary, tempfile::TempDir) {
        let store = Store::open_in_memory().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let media = MediaLibrary::open(dir.path()).unwrap();
        let sink = Arc::new(|_: &Job| {});
        let engine = Engine::new(store.clone(), media.clone(), EngineConfig::default(), sink);
        (engine, store, media, dir)
    }

    /// Waits (on the paused clock) until the job has ended.
    async fn until_finished(store: &Store, job_id: i64) -> JobStatus {
        for _ in 0..600 {
            match store.job(job_id).unwrap() {
                Some(job) if job.status.is_finished() => return job.status,
                _ => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
        panic!("job {job_id} never ended");
    }

    #[tokio::test(start_paused = true)]
    async fn an_enhance_is_read_by_its_id_from_its_sending() {
        let (log, _log) = capture();
        let (engine, store, media, _dir) = engine();
        let account = store.accounts().unwrap().remove(0);
        let provider: Arc<dyn Provider> = Arc::new(OnePicture::default());
        let job = engine
            .submit(provider.clone(), &account, "a fox", None)
            .await
            .unwrap();
        std::fs::create_dir_all(media.resolve(&media.job_dir(job.id))).unwrap();
        assert_eq!(until_finished(&store, job.id).await, JobStatus::Done);
        let image_id = store.job(job.id).unwrap().unwrap().images[0].id;

        let source = EnhanceSource {
            image_id,
            prompt: "a fox".into(),
            remote: RemoteImage {
                job_remote_id: "remote-7".into(),
                index: 0,
            },
        };
        let enhance = engine.enhance(provider, &account, source, EnhanceScale::X2);
        let enhanced = enhance.await.unwrap();
        assert_told_in_order(&log, enhanced.id, &["sending", "accepted"]);
        engine.shutdown();
    }

    #[tokio::test(start_paused = true)]
    async fn an_imported_image_is_read_by_its_id_from_its_listing_to_its_picture() {
        let (log, _log) = capture();
        let (engine, store, _media, _dir) = engine();
        let account = store.accounts().unwrap().remove(0);
        let importer = Importer::new(&engine);
        let provider: Arc<dyn Provider> = Arc::new(OnePicture::default());
        importer.start(account.clone(), provider).unwrap();
        for _ in 0..600 {
            match store.import(account.id).unwrap() {
                Some(p) if p.state != ImportState::Running => break,
                _ => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
        let progress = store.import(account.id).unwrap().unwrap();
        assert_eq!((progress.state, progress.imported), (ImportState::Done, 1));
        // The library was empty: the imported job is the first.
        let job = store.job(1).unwrap().unwrap();
        assert_eq!(job.remote_id.as_deref(), Some("past-1"));
        assert_told_in_order(&log, job.id, &["importing", "done"]);
        importer.shutdown();
        engine.shutdown();
    }

    #[tokio::test(start_paused = true)]
    async fn one_jobs_life_is_read_by_its_id_from_sending_to_its_picture() {
        let (log, _log) = capture();
        let (engine, store, media, _dir) = engine();
        let account = store.accounts().unwrap().remove(0);
        let provider: Arc<dyn Provider> = Arc::new(OnePicture::default());
        let job = engine
            .submit(provider, &account, "a fox", None)
            .await
            .unwrap();
        std::fs::create_dir_all(media.resolve(&media.job_dir(job.id))).unwrap();
        assert_eq!(until_finished(&store, job.id).await, JobStatus::Done);

        let life = [
            "sending",
            "accepted",
            "progress",
            "rendered",
            "downloading",
            "done",
        ];
        assert_told_in_order(&log, job.id, &life);
        engine.shutdown();
    }
}
