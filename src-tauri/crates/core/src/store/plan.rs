//! How a library query reads, as SQL: the tables it reads from, its order and the `WHERE`
//! its filter makes. The pages, summaries and selections in `library.rs` and the counts in
//! `facets.rs` all read through a plan.

use rusqlite::types::Value;

use crate::library::{fts_query, literal_terms, LibraryQuery, Sort, Unit};

/// The filter a facet count leaves out (its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Facet {
    Phase,
    Account,
    Provider,
    Aspect,
    Model,
    Liked,
    Dates,
}

/// A `WHERE` clause and its parameters.
#[derive(Default)]
pub(super) struct Where {
    clauses: Vec<String>,
    pub(super) params: Vec<Value>,
}

impl Where {
    pub(super) fn push<const N: usize>(&mut self, clause: &str, params: [Value; N]) {
        self.clauses.push(clause.to_owned());
        self.params.extend(params);
    }

    pub(super) fn sql(&self) -> String {
        if self.clauses.is_empty() {
            "1".into()
        } else {
            self.clauses.join(" AND ")
        }
    }
}

/// How a query reads: from the jobs in `seq` order, or (when it searches) from the full-text
/// index in the same order, with the filter's conditions.
pub(super) struct Plan {
    searching: bool,
    descending: bool,
    pub(super) unit: Unit,
    pub(super) liked: bool,
    pub(super) filter: Where,
}

impl Plan {
    pub(super) fn new(query: &LibraryQuery, leave_out: Option<Facet>) -> Plan {
        let filter = &query.filter;
        let keep = |facet| leave_out != Some(facet);
        let mut w = Where::default();
        let fts = fts_query(&filter.search);
        if let Some(fts) = fts.clone() {
            w.push("f.jobs_fts MATCH ?", [fts.into()]);
        }
        for literal in literal_terms(&filter.search) {
            w.push("instr(j.prompt, ?) > 0", [literal.into()]);
        }
        if let Some(id) = filter.account.filter(|_| keep(Facet::Account)) {
            w.push("j.account_id = ?", [id.into()]);
        }
        if let Some(p) = filter.provider.filter(|_| keep(Facet::Provider)) {
            w.push("j.provider = ?", [p.as_str().to_owned().into()]);
        }
        if let Some(p) = filter.phase.filter(|_| keep(Facet::Phase)) {
            w.push("j.phase = ?", [p.as_str().to_owned().into()]);
        }
        if let Some(from) = filter.from.filter(|_| keep(Facet::Dates)) {
            w.push("j.created_at >= ?", [from.into()]);
        }
        if let Some(until) = filter.until.filter(|_| keep(Facet::Dates)) {
            w.push("j.created_at < ?", [until.into()]);
        }
        if let Some(a) = filter.aspect.clone().filter(|_| keep(Facet::Aspect)) {
            w.push("j.aspect = ?", [a.into()]);
        }
        if let Some(m) = filter.model.clone().filter(|_| keep(Facet::Model)) {
            w.push("j.model = ?", [m.into()]);
        }
        let liked = filter.liked && keep(Facet::Liked);
        if liked {
            w.push("j.liked = 1", []);
        }
        if let Some(c) = filter.collection {
            w.push(
                "j.id IN (SELECT job_id FROM collection_jobs WHERE collection_id = ?)",
                [c.into()],
            );
        }
        if let Some(b) = &filter.batch {
            w.push("j.batch = ?", [b.as_str().to_owned().into()]);
        }
        if let Some(job) = filter.lineage {
            // A short list of ids (by the parent index), like a collection's.
            // Enhancements by their parent image; actions, Describes and Blends by their
            // sources (`job_sources_by_image`).
            w.push(
                "j.id IN (SELECT ? UNION ALL SELECT e.id FROM images c
                          JOIN jobs e ON e.parent_image = c.id WHERE c.job_id = ?
                          UNION ALL SELECT s.job_id FROM images c
                          JOIN job_sources s ON s.image_id = c.id AND s.role = 'parent'
                          WHERE c.job_id = ?)",
                [job.into(), job.into(), job.into()],
            );
        }
        Plan {
            searching: fts.is_some(),
            descending: query.sort == Sort::Newest,
            unit: query.unit,
            liked,
            filter: w,
        }
    }

    /// A search reads the index first (a CROSS JOIN keeps SQLite to that order), newest match
    /// first, and looks each match's job up by `seq`.
    pub(super) fn tables(&self) -> &'static str {
        if self.searching {
            "jobs_fts f CROSS JOIN jobs j ON j.seq = f.rowid"
        } else {
            "jobs j"
        }
    }

    /// The column that orders: the index's own rowid when searching, so it can stop early.
    pub(super) fn key(&self) -> &'static str {
        if self.searching {
            "f.rowid"
        } else {
            "j.seq"
        }
    }

    pub(super) fn direction(&self) -> &'static str {
        if self.descending {
            "DESC"
        } else {
            "ASC"
        }
    }

    pub(super) fn order(&self) -> String {
        format!("{} {}", self.key(), self.direction())
    }

    /// How many positions a job is: one, or its wall images (its liked ones when likes are
    /// asked).
    pub(super) fn positions(&self) -> &'static str {
        match (self.unit, self.liked) {
            (Unit::Jobs, _) => "1",
            (Unit::Images, false) => "j.wall_count",
            (Unit::Images, true) => {
                "(SELECT COUNT(*) FROM images i WHERE i.job_id = j.id AND i.liked = 1)"
            }
        }
    }

    /// Starts at the job with this `seq`.
    pub(super) fn from(&mut self, seq: i64) {
        let op = if self.descending { "<=" } else { ">=" };
        let clause = format!("{} {op} ?", self.key());
        self.filter.push(&clause, [seq.into()]);
    }

    /// Keeps the jobs from `first` to `last` in the query's order, both included.
    pub(super) fn between(&mut self, first: i64, last: i64) {
        let (low, high) = (first.min(last), first.max(last));
        let clause = format!("{} BETWEEN ? AND ?", self.key());
        self.filter.push(&clause, [low.into(), high.into()]);
    }
}
