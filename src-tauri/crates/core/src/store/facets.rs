//! How many jobs each filter value would show: the counts beside the filters, each with the
//! other filters applied (a facet leaves its own out), and the months for the date pickers.

use std::str::FromStr;

use rusqlite::types::FromSql;
use rusqlite::{params_from_iter, Connection, Row};

use super::library::month_span;
use super::plan::{Facet, Plan};
use super::schema::SEQ_PER_MS;
use super::{Store, StoreError};
use crate::library::{Count, Facets, Filter, LibraryQuery, Phase};
use crate::providers::ProviderKind;

impl Store {
    /// How many jobs each filter value would show, with the other filters as they are.
    pub fn facets(&self, filter: &Filter) -> Result<Facets, StoreError> {
        let conn = self.reader();
        let phases: Vec<Count<Phase>> = parsed(group(&conn, filter, Facet::Phase, "j.phase")?);
        let providers: Vec<Count<ProviderKind>> =
            parsed(group(&conn, filter, Facet::Provider, "j.provider")?);
        let query = jobs_query(filter);
        let mut plan = Plan::new(&query, Some(Facet::Liked));
        plan.filter.push("j.liked = 1", []);
        let sql = format!(
            "SELECT COUNT(*) FROM {} WHERE {}",
            plan.tables(),
            plan.filter.sql()
        );
        let liked = conn.query_row(&sql, params_from_iter(&plan.filter.params), |r| r.get(0))?;
        Ok(Facets {
            phases,
            accounts: group(&conn, filter, Facet::Account, "j.account_id")?,
            providers,
            aspects: group(&conn, filter, Facet::Aspect, "j.aspect")?,
            models: group(&conn, filter, Facet::Model, "j.model")?,
            liked,
            months: months(&conn, filter)?,
        })
    }
}

/// Facets count jobs, whatever the unit on screen.
fn jobs_query(filter: &Filter) -> LibraryQuery {
    LibraryQuery {
        filter: filter.clone(),
        ..LibraryQuery::default()
    }
}

/// Counts per value of one column, the other filters applied, the largest first.
fn group<T: FromSql>(
    conn: &Connection,
    filter: &Filter,
    facet: Facet,
    column: &str,
) -> Result<Vec<Count<T>>, StoreError> {
    let plan = Plan::new(&jobs_query(filter), Some(facet));
    let sql = format!(
        "SELECT {column}, COUNT(*) FROM {} WHERE {} GROUP BY {column} ORDER BY 2 DESC",
        plan.tables(),
        plan.filter.sql()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(&plan.filter.params), |r: &Row<'_>| {
        Ok(Count {
            value: r.get(0)?,
            count: r.get(1)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Jobs per local-time month, newest first, with the date range left out: what the From and
/// To pickers offer. One index range count per month, not a pass over every row.
fn months(conn: &Connection, filter: &Filter) -> Result<Vec<Count<String>>, StoreError> {
    let plan = Plan::new(&jobs_query(filter), Some(Facet::Dates));
    let (tables, where_, key) = (plan.tables(), plan.filter.sql(), plan.key());
    let params = &plan.filter.params;
    let ends: (Option<i64>, Option<i64>) = conn.query_row(
        &format!("SELECT MAX({key}), MIN({key}) FROM {tables} WHERE {where_}"),
        params_from_iter(params),
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let (Some(mut at), Some(oldest)) = ends else {
        return Ok(Vec::new());
    };
    let count_sql =
        format!("SELECT COUNT(*) FROM {tables} WHERE {where_} AND {key} >= ? AND {key} < ?");
    let mut counts = Vec::new();
    loop {
        let (month, start, end) = month_span(conn, at / SEQ_PER_MS)?;
        let (low, high) = (start * SEQ_PER_MS, end * SEQ_PER_MS);
        let range = params.iter().cloned().chain([low.into(), high.into()]);
        let count: u32 = conn.query_row(&count_sql, params_from_iter(range), |r| r.get(0))?;
        if count > 0 {
            counts.push(Count {
                value: month,
                count,
            });
        }
        if low <= oldest {
            return Ok(counts);
        }
        at = low - 1;
    }
}

/// Counts whose stored names read as `T`; a name this version does not know is left out.
fn parsed<T: FromStr>(counts: Vec<Count<String>>) -> Vec<Count<T>> {
    counts
        .into_iter()
        .filter_map(|c| {
            Some(Count {
                value: c.value.parse().ok()?,
                count: c.count,
            })
        })
        .collect()
}
