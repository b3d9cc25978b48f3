//! A library with only the built-in Demo account: what a person has before adding any, with
//! no server at all. The Demo provider's pace is the test's to choose.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use atelier_core::engine::Job;
use atelier_core::providers::demo::Demo;
use atelier_core::providers::ProviderKind;
use atelier_core::secrets::MemoryStore;
use atelier_core::Atelier;
use tempfile::TempDir;

use super::fast;

pub struct DemoLab {
    pub app: Atelier,
    /// The Demo account every library has.
    pub demo: i64,
    /// The keychain the app reads tokens from.
    pub secrets: Arc<MemoryStore>,
    pub dir: TempDir,
    /// How long a Demo job is queued, then running.
    pace: (Duration, Duration),
}

impl DemoLab {
    /// Demo jobs wait `queued`, then render for `running`.
    pub fn open(queued: Duration, running: Duration) -> Self {
        let dir = tempfile::tempdir().unwrap();
        Self::start(dir, Arc::new(MemoryStore::default()), (queued, running))
    }

    /// Demo jobs that are done as soon as they are followed.
    pub fn instant() -> Self {
        Self::open(Duration::ZERO, Duration::ZERO)
    }

    /// Quits the app and opens the same folder again with the same secrets and pace.
    pub fn reopen(self) -> Self {
        let DemoLab {
            app,
            secrets,
            dir,
            pace,
            ..
        } = self;
        drop(app);
        Self::start(dir, secrets, pace)
    }

    fn start(dir: TempDir, secrets: Arc<MemoryStore>, pace: (Duration, Duration)) -> Self {
        let sink = Arc::new(|_: &Job| {});
        let app = Atelier::open(dir.path(), secrets.clone(), fast(), sink)
            .unwrap()
            .with_demo(Demo::new(pace.0, pace.1));
        let demo = app
            .accounts()
            .unwrap()
            .into_iter()
            .find(|a| a.account.provider == ProviderKind::Demo)
            .expect("every library has the Demo account")
            .account
            .id;
        DemoLab {
            app,
            demo,
            secrets,
            dir,
            pace,
        }
    }

    /// Sends a prompt with the Demo account; the test fails if it is refused.
    pub async fn submit(&self, prompt: &str) -> Job {
        let sent = self.app.submit(self.demo, prompt).await;
        sent.unwrap_or_else(|e| panic!("{prompt:?} was refused: {e}"))
    }

    pub fn media(&self) -> PathBuf {
        self.dir.path().join("media")
    }
}
