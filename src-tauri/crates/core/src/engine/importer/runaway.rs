//! Keeps an import from reading a listing that never ends. Paging stops on a short page; a
//! server or proxy that ignores `page` sends the same full page forever, and the import would
//! then list it on every launch. Three signs end it: a full page with nothing new, the images
//! listed reaching the total the server reported, and more pages than that total can fill.

use std::collections::HashSet;

use crate::providers::PastPage;

/// Pages read beyond what the first reported total fills before the import stops: room for
/// images made while it runs, which push older ones onto later pages.
const PAGE_MARGIN: u64 = 3;

/// Why an import stopped reading a listing that had not said it was over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stop {
    /// A full page held only images already listed in this run.
    SamePage,
    /// As many images were listed as the server said it holds.
    AllListed,
    /// More pages were read than the total the server reported can fill.
    TooManyPages { total: u64 },
}

impl Stop {
    /// The sentence for the import's summary, given how many images were listed.
    pub fn sentence(self, listed: u64) -> String {
        match self {
            Stop::SamePage => format!(
                "The server sent the same page again, so the import stopped after {listed} \
                 images."
            ),
            Stop::AllListed => format!("All {listed} images the server reported were listed."),
            Stop::TooManyPages { total } => format!(
                "The server said it holds {total} images but kept sending more pages, so the \
                 import stopped after {listed} images."
            ),
        }
    }
}

/// What one run of an import has listed so far.
#[derive(Debug, Default)]
pub(super) struct Guard {
    seen: HashSet<String>,
    first_total: Option<u64>,
}

impl Guard {
    /// Before a page is gone through: a full page (one that is not the last) with no image
    /// this run has not listed yet means the server is repeating itself.
    pub fn repeated(&mut self, page: &PastPage) -> Option<Stop> {
        let nothing_new = page.items.iter().all(|i| self.seen.contains(&i.remote_id));
        self.seen
            .extend(page.items.iter().map(|i| i.remote_id.clone()));
        (!page.last && nothing_new).then_some(Stop::SamePage)
    }

    /// After a page that is not the last was gone through: whether to read no further.
    /// `listed` and `pages_read` count the whole import, a resumed one included.
    pub fn enough(&mut self, page: &PastPage, listed: u64, pages_read: u64) -> Option<Stop> {
        let total = page.total?;
        let first = *self.first_total.get_or_insert(total);
        if listed >= total {
            return Some(Stop::AllListed);
        }
        let per_page = (page.items.len() as u64 + u64::from(page.unreadable)).max(1);
        let most = first.div_ceil(per_page) + PAGE_MARGIN;
        (pages_read >= most).then_some(Stop::TooManyPages { total: first })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::{PastItem, RemoteState};

    fn page(ids: std::ops::Range<u32>, total: Option<u64>) -> PastPage {
        let items = ids
            .map(|i| PastItem {
                remote_id: format!("r{i}"),
                prompt: "p".into(),
                created_at: None,
                state: RemoteState::Failed {
                    message: String::new(),
                },
                parent_id: None,
            })
            .collect::<Vec<_>>();
        PastPage {
            last: items.len() < 50,
            items,
            total,
            unreadable: 0,
        }
    }

    #[test]
    fn a_full_page_with_nothing_new_is_the_same_page_again() {
        let mut guard = Guard::default();
        assert_eq!(guard.repeated(&page(0..50, None)), None);
        assert_eq!(guard.repeated(&page(40..90, None)), None, "some are new");
        assert_eq!(guard.repeated(&page(0..50, None)), Some(Stop::SamePage));
        // A short page is the last one anyway: nothing to stop.
        assert_eq!(guard.repeated(&page(0..10, None)), None);
    }

    #[test]
    fn listing_stops_at_the_reported_total_or_past_the_pages_it_fills() {
        let mut guard = Guard::default();
        assert_eq!(guard.enough(&page(0..50, None), 50, 1), None, "no total");
        assert_eq!(guard.enough(&page(0..50, Some(120)), 50, 1), None);
        assert_eq!(
            guard.enough(&page(50..100, Some(100)), 100, 2),
            Some(Stop::AllListed)
        );
        // A total that keeps growing ahead of what is listed: 120 fills 3 pages, plus 3.
        let mut guard = Guard::default();
        assert_eq!(guard.enough(&page(0..50, Some(120)), 50, 1), None);
        assert_eq!(guard.enough(&page(0..50, Some(900)), 250, 5), None);
        assert_eq!(
            guard.enough(&page(0..50, Some(950)), 300, 6),
            Some(Stop::TooManyPages { total: 120 })
        );
    }

    #[test]
    fn each_stop_says_why_with_the_count() {
        assert_eq!(
            Stop::SamePage.sentence(50),
            "The server sent the same page again, so the import stopped after 50 images."
        );
        assert!(Stop::AllListed.sentence(100).contains("All 100 images"));
        assert!(Stop::TooManyPages { total: 120 }
            .sentence(300)
            .contains("holds 120 images"));
    }
}
