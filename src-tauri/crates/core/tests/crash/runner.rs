//! The parent's side: starting a child, watching what it says, killing it on cue.

use super::*;

pub(crate) struct Runner {
    pub(crate) data: PathBuf,
    pub(crate) logs: PathBuf,
    /// The children's `XDG_DATA_HOME`: their trash is `Trash` in it.
    pub(crate) xdg: PathBuf,
    pub(crate) url: String,
    /// The ignored test the children run.
    pub(crate) test: &'static str,
}

impl Runner {
    pub(crate) fn spawn(&self, name: &str, submit: usize, plan: &str, seed: u64) -> Running {
        let exe = std::env::current_exe().unwrap();
        let stderr = std::fs::File::create(self.logs.join(format!("{name}.stderr"))).unwrap();
        let mut child = Command::new(exe)
            .args([
                self.test,
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(ENV_DIR, &self.data)
            .env(ENV_URL, &self.url)
            .env(ENV_SUBMIT, submit.to_string())
            .env(ENV_TRIAL, name)
            .env(ENV_SEED, seed.to_string())
            .env(ENV_DELETE, plan)
            .env("XDG_DATA_HOME", &self.xdg)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("starting the child");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        let log_path = self.logs.join(format!("{name}.out"));
        let reader = std::thread::spawn(move || {
            use std::io::Write;
            let mut log = std::fs::File::create(log_path).unwrap();
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = writeln!(log, "{line}");
                if let Some((_, said)) = line.split_once(MARK) {
                    if tx.send(said.to_owned()).is_err() {
                        break;
                    }
                }
            }
        });
        Running {
            name: name.to_owned(),
            child,
            rx,
            reader: Some(reader),
            lines: Vec::new(),
            started: Instant::now(),
        }
    }
}

pub(crate) struct Running {
    pub(crate) name: String,
    pub(crate) child: Child,
    pub(crate) rx: mpsc::Receiver<String>,
    pub(crate) reader: Option<std::thread::JoinHandle<()>>,
    /// What the child said, in order.
    pub(crate) lines: Vec<String>,
    pub(crate) started: Instant,
}

pub(crate) struct Outcome {
    /// Set when the child ended on its own before it could be killed.
    pub(crate) exited: Option<ExitStatus>,
    /// When the kill was sent, from the start.
    pub(crate) at: Duration,
}

impl Running {
    /// Waits for the trigger (or at most 4 s), then sends SIGKILL.
    pub(crate) fn kill_on(&mut self, trigger: Trigger) -> Outcome {
        let deadline = self.started + Duration::from_secs(4);
        let fire_at = match trigger {
            Trigger::Timer(after) => Some(self.started + after),
            _ => None,
        };
        let mut fire_at = fire_at;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                self.finish();
                return Outcome {
                    exited: Some(status),
                    at: self.started.elapsed(),
                };
            }
            let now = Instant::now();
            if fire_at.is_some_and(|t| now >= t) || now >= deadline {
                break;
            }
            let wake = fire_at.unwrap_or(deadline).min(deadline);
            let step = wake
                .saturating_duration_since(now)
                .min(Duration::from_millis(5));
            match self.rx.recv_timeout(step) {
                Ok(line) => {
                    if fire_at.is_none() && trigger.fires_on(&line) {
                        fire_at = Some(Instant::now() + trigger.then());
                    }
                    self.lines.push(line);
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    std::thread::sleep(step.max(Duration::from_millis(1)))
                }
            }
        }
        let at = self.started.elapsed();
        // SIGKILL on Unix: no destructor, no flush, no shutdown runs in the child.
        let _ = self.child.kill();
        let status = self.child.wait().unwrap();
        self.finish();
        Outcome {
            // A child that exited between the last look and the kill still counts as exited.
            exited: (!killed(status)).then_some(status),
            at,
        }
    }

    /// Waits for the child to end by itself; kills it after `limit`.
    pub(crate) fn wait(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = self.started + limit;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                self.finish();
                return Some(status);
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                self.finish();
                return None;
            }
            if let Ok(line) = self.rx.recv_timeout(Duration::from_millis(20)) {
                self.lines.push(line);
            }
        }
    }

    /// Collects everything the child said before it ended.
    pub(crate) fn finish(&mut self) {
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        self.lines.extend(self.rx.try_iter());
    }

    pub(crate) fn last_event(&self) -> Option<String> {
        self.lines
            .iter()
            .rev()
            .find(|l| l.starts_with("event "))
            .cloned()
    }

    /// "deleting" or "undoing" when the kill came before the child said it was done with it.
    pub(crate) fn cut_short(&self) -> Option<String> {
        let last = self.lines.last()?.split_whitespace().next()?;
        matches!(last, "deleting" | "undoing").then(|| last.to_owned())
    }

    /// What the child deleted, for the trial's line.
    pub(crate) fn deletions(&self) -> String {
        let mut said: Vec<String> = Vec::new();
        for line in &self.lines {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                ["deleting", "job", id, _, status, n] => {
                    said.push(format!("job {id} ({status}, {n} images)"))
                }
                ["deleting", "images", id, _, status, _, files @ ..] => {
                    said.push(format!("{} images of job {id} ({status})", files.len()))
                }
                ["undone", ..] => {
                    if let Some(last) = said.last_mut() {
                        last.push_str(" undone");
                    }
                }
                _ => {}
            }
        }
        if said.is_empty() {
            String::new()
        } else {
            format!("; deleted {}", said.join(", "))
        }
    }

    pub(crate) fn log(&self, logs: &Path) -> PathBuf {
        logs.join(format!("{}.out", self.name))
    }
}
