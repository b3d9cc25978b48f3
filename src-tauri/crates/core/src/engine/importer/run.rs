//! One account's import, page by page: list, look each image up, bring the new ones home,
//! and record where it is after every image.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use super::item::{self, Outcome};
use super::runaway::Guard;
use crate::accounts::Account;
use crate::engine::blocking;
use crate::engine::budget::SharedBudget;
use crate::engine::context::Context;
use crate::import::{ImportProgress, ImportSink, ImportState};
use crate::providers::{PastPage, Provider, ProviderError};

/// Passing trouble while listing is tried this many times before the import stops.
const LIST_ATTEMPTS: u32 = 4;

pub(super) struct Run {
    pub ctx: Arc<Context>,
    pub account: Account,
    pub provider: Arc<dyn Provider>,
    pub cancel: Arc<AtomicBool>,
    pub sink: Arc<OnceLock<ImportSink>>,
    pub progress: ImportProgress,
}

impl Run {
    pub async fn go(mut self) {
        let budget = self.ctx.budget(self.account.id);
        let mut guard = Guard::default();
        let (state, message) = loop {
            if self.cancelled() {
                break stopped();
            }
            let page = match self.list(&budget).await {
                Ok(page) => page,
                Err(e @ ProviderError::ListingUnavailable { .. }) => {
                    break (ImportState::Unavailable, e.to_string())
                }
                Err(e) => break (ImportState::Failed, failed(&e)),
            };
            if let Some(stop) = guard.repeated(&page) {
                break (ImportState::Done, stop.sentence(self.progress.listed));
            }
            if !self.page(&page, &budget).await {
                break stopped();
            }
            if page.last {
                break (ImportState::Done, String::new());
            }
            let (listed, pages_read) = (self.progress.listed, self.progress.next_page - 1);
            if let Some(stop) = guard.enough(&page, listed, pages_read.into()) {
                break (ImportState::Done, stop.sentence(listed));
            }
        };
        // A stop keeps the last image's problem when there is no other reason to give.
        let message = if message.is_empty() {
            std::mem::take(&mut self.progress.message)
        } else {
            message
        };
        self.progress.set_state(state, message);
        self.save().await;
    }

    /// The next page, passing trouble retried; every request spends from the account's
    /// budget what its live jobs leave.
    async fn list(&self, budget: &SharedBudget) -> Result<PastPage, ProviderError> {
        let mut attempt = 1;
        loop {
            budget.spend_spare().await;
            match self.provider.list_past(self.progress.next_page).await {
                Err(e) if e.is_transient() && attempt < LIST_ATTEMPTS => {
                    let pause = Duration::from_secs(1) * 2u32.pow(attempt - 1);
                    tokio::time::sleep(e.retry_after().unwrap_or(pause).min(MAX_PAUSE)).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// Goes through the page from where it stopped; false when cancelled on the way.
    async fn page(&mut self, page: &PastPage, budget: &SharedBudget) -> bool {
        let p = &mut self.progress;
        p.total = page.total.or(p.total);
        if p.next_item == 0 && page.unreadable > 0 {
            // Counted once per page, when it is first looked at.
            p.listed += u64::from(page.unreadable);
            p.failed += u64::from(page.unreadable);
            p.message = format!(
                "{} listed image(s) could not be read and were left out.",
                page.unreadable
            );
        }
        let start = p.next_item as usize;
        for item in page.items.iter().skip(start) {
            if self.cancelled() {
                return false;
            }
            let outcome = item::bring_home(&self.ctx, &self.provider, &self.account, item, budget);
            self.count(outcome.await);
            self.progress.next_item += 1;
            self.save().await;
        }
        self.progress.next_page += 1;
        self.progress.next_item = 0;
        self.save().await;
        true
    }

    fn count(&mut self, outcome: Outcome) {
        let p = &mut self.progress;
        p.listed += 1;
        match outcome {
            Outcome::Imported => p.imported += 1,
            // A job deleted while it was on its way home counts as one the person has seen.
            Outcome::AlreadyHere | Outcome::Stopped => p.skipped += 1,
            Outcome::NoImage => p.left_out += 1,
            Outcome::Failed(why) => {
                p.failed += 1;
                p.message = why;
            }
        }
    }

    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// Stores where the import is, then tells the window.
    async fn save(&self) {
        let (ctx, progress) = (self.ctx.clone(), self.progress.clone());
        let saved = blocking::run(move || ctx.store().save_import(&progress)).await;
        if let Err(e) = saved {
            tracing::error!("recording the import of account {}: {e}", self.account.id);
        }
        tell(&self.sink, &self.progress);
    }
}

const MAX_PAUSE: Duration = Duration::from_secs(60);

fn stopped() -> (ImportState, String) {
    (ImportState::Cancelled, String::new())
}

fn failed(e: &ProviderError) -> String {
    format!("The import stopped: {e} Start it again to continue where it stopped.")
}

pub(super) fn tell(sink: &OnceLock<ImportSink>, progress: &ImportProgress) {
    if let Some(sink) = sink.get() {
        sink(progress);
    }
}
