//! The library's queries: pages from a cursor, a summary that lays out the whole result, and
//! the ids of a selection (the counts per filter value are in `facets.rs`).
//!
//! Everything is ordered by `seq`. Every filter has an index in that order, and a search is
//! driven by the full-text index (keyed by `seq`) newest match first, so a page costs about
//! the same at the end of a 100,000-job history as at its start, for any search.

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};

use super::plan::Plan;
use super::rows::{image_from_row, job_from_row, IMAGE_COLUMNS, JOB_COLUMNS, JOB_WIDTH};
use super::schema::SEQ_PER_MS;
use super::{Store, StoreError};
use crate::job::{Job, Slot};
use crate::library::{
    Checkpoint, Cursor, LibraryQuery, Month, Page, Sort, Summary, Unit, PAGE_SIZE,
};

/// Most jobs a page may ask for.
const MAX_PAGE_JOBS: u32 = 1000;

impl Store {
    /// At most `limit` jobs of `query` from the job with `from` (inclusive; the start when
    /// `None`), each with all its images.
    pub fn page(
        &self,
        query: &LibraryQuery,
        from: Option<i64>,
        limit: u32,
    ) -> Result<Page, StoreError> {
        let limit = limit.clamp(1, MAX_PAGE_JOBS);
        let mut plan = Plan::new(query, None);
        if let Some(seq) = from {
            plan.from(seq);
        }
        // One job more than asked tells where the next page starts.
        let sql = format!(
            "SELECT {JOB_COLUMNS}, {IMAGE_COLUMNS} FROM (
                 SELECT j.* FROM {tables} WHERE {where_} ORDER BY {order} LIMIT {n}
             ) j LEFT JOIN images i ON i.job_id = j.id
             ORDER BY j.seq {dir}, i.slot",
            tables = plan.tables(),
            where_ = plan.filter.sql(),
            order = plan.order(),
            dir = plan.direction(),
            n = limit + 1,
        );
        let conn = self.conn();
        let mut jobs = read_jobs(&conn, &sql, &plan.filter.params)?;
        let next = (jobs.len() > limit as usize).then(|| jobs.pop().expect("more than limit").seq);
        let images = match query.unit {
            Unit::Jobs => Vec::new(),
            Unit::Images => jobs
                .iter()
                .flat_map(|j| on_the_wall(j, query.filter.liked))
                .collect(),
        };
        Ok(Page { jobs, images, next })
    }

    /// How many positions `query` has, where each page and each month starts.
    pub fn summary(&self, query: &LibraryQuery) -> Result<Summary, StoreError> {
        let conn = self.reader();
        let plan = Plan::new(query, None);
        let mut months = MonthRuler::new(&conn);
        let mut checkpoints: Vec<Checkpoint> = Vec::new();
        let mut count: u32 = 0;
        let mut since_checkpoint = PAGE_SIZE;
        let sql = format!(
            "SELECT {key}, {positions} FROM {tables} WHERE {where_} ORDER BY {order}",
            key = plan.key(),
            positions = plan.positions(),
            tables = plan.tables(),
            where_ = plan.filter.sql(),
            order = plan.order(),
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(params_from_iter(&plan.filter.params))?;
        while let Some(row) = rows.next()? {
            let (seq, positions): (i64, u32) = (row.get(0)?, row.get(1)?);
            if since_checkpoint >= PAGE_SIZE {
                checkpoints.push(Checkpoint {
                    seq,
                    index: count,
                    jobs: 0,
                });
                since_checkpoint = 0;
            }
            checkpoints.last_mut().expect("pushed above").jobs += 1;
            if positions > 0 {
                months.place(seq / SEQ_PER_MS, count, positions)?;
            }
            count += positions;
            since_checkpoint += positions;
        }
        let total = match query.unit {
            Unit::Jobs => "SELECT COUNT(*) FROM jobs",
            Unit::Images => "SELECT COALESCE(SUM(wall_count), 0) FROM jobs",
        };
        Ok(Summary {
            count,
            total: conn.query_row(total, [], |r| r.get(0))?,
            checkpoints,
            months: months.finish(),
        })
    }

    /// The ids (jobs or images, by the query's unit) from one position to another, both
    /// included, in the query's order: what a Shift-click selects.
    pub fn ids_between(
        &self,
        query: &LibraryQuery,
        a: &Cursor,
        b: &Cursor,
    ) -> Result<Vec<i64>, StoreError> {
        let (first, last) = if precedes(query.sort, b, a) {
            (b, a)
        } else {
            (a, b)
        };
        let mut plan = Plan::new(query, None);
        plan.between(first.seq, last.seq);
        let mut ids = Vec::new();
        for (seq, slot, id) in position_ids(&self.conn(), &plan)? {
            let before = seq == first.seq && slot < first.slot;
            let after = seq == last.seq && slot > last.slot;
            if !before && !after {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    /// Every id (jobs or images, by the query's unit) the query matches, in its order.
    pub fn ids_matching(&self, query: &LibraryQuery) -> Result<Vec<i64>, StoreError> {
        let plan = Plan::new(query, None);
        let ids = position_ids(&self.reader(), &plan)?;
        Ok(ids.into_iter().map(|(_, _, id)| id).collect())
    }
}

/// The images of a job the wall shows: its upscales (its grid only when it has none, as the
/// grid holds the upscales again), or its liked images when likes are asked for.
fn on_the_wall(job: &Job, liked: bool) -> Vec<i64> {
    let upscaled = job.images.iter().any(|i| i.slot != Slot::Grid);
    job.images
        .iter()
        .filter(|i| {
            if liked {
                i.liked
            } else {
                !upscaled || i.slot != Slot::Grid
            }
        })
        .map(|i| i.id)
        .collect()
}

/// Whether `a` comes before `b` in the order of `sort`.
fn precedes(sort: Sort, a: &Cursor, b: &Cursor) -> bool {
    match sort {
        Sort::Newest => a.seq > b.seq || (a.seq == b.seq && a.slot < b.slot),
        Sort::Oldest => a.seq < b.seq || (a.seq == b.seq && a.slot < b.slot),
    }
}

/// (seq, slot, id) of every position the plan matches, in order: jobs (slot 0), or images.
fn position_ids(conn: &Connection, plan: &Plan) -> Result<Vec<(i64, u8, i64)>, StoreError> {
    let sql = match plan.unit {
        Unit::Jobs => format!(
            "SELECT {key}, 0, j.id FROM {tables} WHERE {where_} ORDER BY {order}",
            key = plan.key(),
            tables = plan.tables(),
            where_ = plan.filter.sql(),
            order = plan.order(),
        ),
        Unit::Images => format!(
            "SELECT {key}, i.slot, i.id FROM {tables} JOIN images i ON i.job_id = j.id
             WHERE {where_} {liked} ORDER BY {order}, i.slot",
            key = plan.key(),
            tables = plan.tables(),
            where_ = plan.filter.sql(),
            liked = if plan.liked {
                "AND i.liked = 1"
            } else {
                // As `on_the_wall`: a grid only where there is no upscale.
                "AND (i.slot > 0 OR NOT EXISTS (
                     SELECT 1 FROM images u WHERE u.job_id = j.id AND u.slot > 0))"
            },
            order = plan.order(),
        ),
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(&plan.filter.params), |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Jobs with their images from a query that returns `JOB_COLUMNS, IMAGE_COLUMNS` rows, a
/// job's rows together.
fn read_jobs(conn: &Connection, sql: &str, params: &[Value]) -> Result<Vec<Job>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(params_from_iter(params))?;
    let mut jobs: Vec<Job> = Vec::new();
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        if jobs.last().is_none_or(|j| j.id != id) {
            jobs.push(job_from_row(row)?);
        }
        if row.get::<_, Option<i64>>(JOB_WIDTH)?.is_some() {
            let image = image_from_row(row, JOB_WIDTH)?;
            jobs.last_mut().expect("pushed above").images.push(image);
        }
    }
    Ok(jobs)
}

/// The local-time month of an instant (ms): its "YYYY-MM" and its edges, [start, end) in ms,
/// from SQLite's own calendar.
pub(super) fn month_span(conn: &Connection, at: i64) -> Result<(String, i64, i64), StoreError> {
    Ok(conn.query_row(
        "SELECT strftime('%Y-%m', ?1 / 1000, 'unixepoch', 'localtime'),
                unixepoch(?1 / 1000, 'unixepoch', 'localtime', 'start of month', 'utc') * 1000,
                unixepoch(?1 / 1000, 'unixepoch', 'localtime', 'start of month', '+1 month',
                          'utc') * 1000",
        [at],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?)
}

/// Sorts positions into local-time months as a scan passes them in order. Month edges come
/// from SQLite's own calendar (time zone and all), asked once per month met, not per row.
struct MonthRuler<'c> {
    conn: &'c Connection,
    months: Vec<Month>,
    /// The current month's edges: [start, end) in Unix milliseconds; empty before the first.
    span: (i64, i64),
}

impl<'c> MonthRuler<'c> {
    fn new(conn: &'c Connection) -> Self {
        Self {
            conn,
            months: Vec::new(),
            span: (0, 0),
        }
    }

    /// Counts `positions` positions at time `at` (ms), the first of them at `index`.
    fn place(&mut self, at: i64, index: u32, positions: u32) -> Result<(), StoreError> {
        if at < self.span.0 || at >= self.span.1 {
            let (key, start, end) = month_span(self.conn, at)?;
            self.span = (start, end);
            self.months.push(Month {
                key,
                start,
                index,
                count: 0,
            });
        }
        self.months.last_mut().expect("pushed above").count += positions;
        Ok(())
    }

    fn finish(self) -> Vec<Month> {
        self.months
    }
}
