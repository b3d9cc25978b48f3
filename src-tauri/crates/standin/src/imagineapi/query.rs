//! The subset of Directus's query language that clients of ImagineAPI use: `filter` (bracket or
//! JSON form), `search`, `sort`, `limit`, `offset`, `page`, `fields` and `meta`.

use std::cmp::Ordering;

use serde::Serialize;
use serde_json::{Map, Value};

use super::view::ImageView;

pub type Pairs = [(String, String)];

/// Which top-level fields to return; `None` means all of them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fields(Option<Vec<String>>);

/// An item as sent: whole (in the seed's field order) or projected onto the requested fields.
#[derive(Serialize)]
#[serde(untagged)]
pub enum Shown<'a> {
    All(Box<ImageView<'a>>),
    Some(Map<String, Value>),
}

impl Fields {
    pub fn parse(pairs: &Pairs) -> Fields {
        let mut names = Vec::new();
        for (key, value) in pairs {
            if key == "fields" || key.starts_with("fields[") {
                names.extend(value.split(',').map(|f| f.trim().to_owned()));
            }
        }
        // Relational paths like `user_created.email` select their top-level field here.
        let names: Vec<String> = names
            .iter()
            .filter(|n| !n.is_empty())
            .map(|n| n.split('.').next().unwrap_or(n).to_owned())
            .collect();
        if names.is_empty() || names.iter().any(|n| n == "*") {
            Fields(None)
        } else {
            Fields(Some(names))
        }
    }

    /// The fields asked for by name (none when all are).
    pub fn names(&self) -> &[String] {
        self.0.as_deref().unwrap_or_default()
    }

    pub fn show<'a>(&self, view: ImageView<'a>) -> Result<Shown<'a>, serde_json::Error> {
        let Some(names) = &self.0 else {
            return Ok(Shown::All(Box::new(view)));
        };
        let Value::Object(mut all) = serde_json::to_value(view)? else {
            return Ok(Shown::Some(Map::new()));
        };
        all.retain(|k, _| names.contains(k));
        // A field asked for by name is there, null when the item has no value.
        for name in names {
            all.entry(name.clone()).or_insert(Value::Null);
        }
        Ok(Shown::Some(all))
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Op {
    Eq(String),
    Neq(String),
    In(Vec<String>),
    Nin(Vec<String>),
    Null(bool),
    Contains(String),
    IContains(String),
    StartsWith(String),
}

#[derive(Clone, Debug, PartialEq)]
struct Filter {
    field: String,
    op: Op,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ListQuery {
    filters: Vec<Filter>,
    search: Option<String>,
    /// Field name and whether it sorts descending.
    sort: Vec<(String, bool)>,
    limit: Option<usize>,
    offset: usize,
    pub meta: Meta,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Meta {
    pub total_count: bool,
    pub filter_count: bool,
}

impl ListQuery {
    /// Parses the query pairs; the error is a message for an `INVALID_QUERY` reply.
    pub fn parse(pairs: &Pairs) -> Result<ListQuery, String> {
        let mut q = ListQuery {
            filters: Vec::new(),
            search: None,
            sort: Vec::new(),
            limit: Some(100), // Directus's default page size
            offset: 0,
            meta: Meta::default(),
        };
        let mut bracketed: Vec<(String, String, Vec<String>)> = Vec::new();
        let mut page = None;
        for (key, value) in pairs {
            match key.as_str() {
                "filter" => json_filter(&parse_json(value)?, &mut q.filters)?,
                "search" => q.search = Some(value.to_lowercase()),
                "sort" | "sort[]" => q.sort.extend(sort_keys(value)),
                "limit" => q.limit = limit(value)?,
                "offset" => q.offset = number(key, value)?,
                "page" => page = Some(number(key, value)?.max(1)),
                "meta" | "meta[]" => {
                    for m in value.split(',') {
                        let all = m == "*";
                        q.meta.total_count |= all || m == "total_count";
                        q.meta.filter_count |= all || m == "filter_count";
                    }
                }
                k if k.starts_with("filter[") => bracket_filter(k, value, &mut bracketed)?,
                _ => {}
            }
        }
        for (field, op, values) in bracketed {
            q.filters.push(Filter {
                field,
                op: operator(&op, values)?,
            });
        }
        if let (Some(page), Some(limit)) = (page, q.limit) {
            q.offset = limit * (page - 1);
        }
        Ok(q)
    }

    /// Whether an item (as JSON) passes every filter and the search.
    pub fn matches(&self, item: &Value) -> bool {
        let search_ok = self.search.as_ref().is_none_or(|needle| {
            item.as_object().is_some_and(|fields| {
                fields
                    .values()
                    .filter_map(Value::as_str)
                    .any(|s| s.to_lowercase().contains(needle))
            })
        });
        search_ok && self.filters.iter().all(|f| f.matches(item))
    }

    /// Orders items by the sort keys, then by submission order.
    pub fn compare(&self, a: (&Value, u64), b: (&Value, u64)) -> Ordering {
        for (field, descending) in &self.sort {
            let ord = text(&a.0[field]).cmp(&text(&b.0[field]));
            let ord = if *descending { ord.reverse() } else { ord };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        a.1.cmp(&b.1)
    }

    /// The requested page of already filtered and sorted items.
    pub fn page<T>(&self, items: Vec<T>) -> Vec<T> {
        let rest = items.into_iter().skip(self.offset);
        match self.limit {
            Some(limit) => rest.take(limit).collect(),
            None => rest.collect(),
        }
    }
}

impl Filter {
    fn matches(&self, item: &Value) -> bool {
        let value = text(&item[&self.field]);
        let value = value.as_deref();
        match &self.op {
            Op::Eq(x) => value == Some(x),
            Op::Neq(x) => value != Some(x),
            Op::In(xs) => value.is_some_and(|v| xs.iter().any(|x| x == v)),
            Op::Nin(xs) => !value.is_some_and(|v| xs.iter().any(|x| x == v)),
            Op::Null(want) => value.is_none() == *want,
            Op::Contains(x) => value.is_some_and(|v| v.contains(x.as_str())),
            Op::IContains(x) => value.is_some_and(|v| v.to_lowercase().contains(&x.to_lowercase())),
            Op::StartsWith(x) => value.is_some_and(|v| v.starts_with(x.as_str())),
        }
    }
}

/// A field's value as comparable text; null (or missing) is `None`.
fn text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn operator(op: &str, values: Vec<String>) -> Result<Op, String> {
    let one = || values.first().cloned().unwrap_or_default();
    // `_in=a,b,c` lists in one value; `_in[]=a&_in[]=b` in several.
    let list = || {
        values
            .iter()
            .flat_map(|v| v.split(','))
            .map(str::to_owned)
            .collect()
    };
    let truthy = || !matches!(one().as_str(), "false" | "0");
    Ok(match op {
        "_eq" => Op::Eq(one()),
        "_neq" => Op::Neq(one()),
        "_in" => Op::In(list()),
        "_nin" => Op::Nin(list()),
        "_null" => Op::Null(truthy()),
        "_nnull" => Op::Null(!truthy()),
        "_contains" => Op::Contains(one()),
        "_icontains" => Op::IContains(one()),
        "_starts_with" => Op::StartsWith(one()),
        other => return Err(format!("\"{other}\" is not a supported filter operator.")),
    })
}

/// `filter[field][_op]=v`, `filter[field][_op][]=v`, and the same under `filter[_and][N]`.
fn bracket_filter(
    key: &str,
    value: &str,
    out: &mut Vec<(String, String, Vec<String>)>,
) -> Result<(), String> {
    let bad = || format!("Unsupported filter \"{key}\".");
    let inner = key
        .strip_prefix("filter[")
        .and_then(|k| k.strip_suffix(']'))
        .ok_or_else(bad)?;
    let mut parts: Vec<&str> = inner.split("][").collect();
    if parts.first() == Some(&"_and") && parts.len() >= 4 {
        parts.drain(..2);
    }
    let (field, op) = match parts.as_slice() {
        [field, op] | [field, op, _] => (*field, *op),
        _ => return Err(bad()),
    };
    if field.is_empty() || field.starts_with('_') || !op.starts_with('_') {
        return Err(bad());
    }
    match out.iter_mut().find(|(f, o, _)| f == field && o == op) {
        Some((_, _, values)) => values.push(value.to_owned()),
        None => out.push((field.to_owned(), op.to_owned(), vec![value.to_owned()])),
    }
    Ok(())
}

/// `filter={"id":{"_in":["a","b"]}}`, with `_and` lists of the same.
fn json_filter(v: &Value, out: &mut Vec<Filter>) -> Result<(), String> {
    let bad = || format!("Unsupported filter {v}.");
    let Value::Object(fields) = v else {
        return Err(bad());
    };
    for (field, cond) in fields {
        if field == "_and" {
            for part in cond.as_array().ok_or_else(bad)? {
                json_filter(part, out)?;
            }
            continue;
        }
        let ops = cond.as_object().filter(|_| !field.starts_with('_'));
        for (op, arg) in ops.ok_or_else(bad)? {
            let values = match arg {
                Value::Array(items) => items.iter().filter_map(text).collect(),
                other => text(other).into_iter().collect(),
            };
            out.push(Filter {
                field: field.clone(),
                op: operator(op, values)?,
            });
        }
    }
    Ok(())
}

fn parse_json(value: &str) -> Result<Value, String> {
    serde_json::from_str(value).map_err(|e| format!("\"filter\" is not valid JSON: {e}."))
}

fn sort_keys(value: &str) -> impl Iterator<Item = (String, bool)> + '_ {
    value
        .split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(|k| match k.strip_prefix('-') {
            Some(field) => (field.to_owned(), true),
            None => (k.to_owned(), false),
        })
}

/// `-1` asks for every item.
fn limit(value: &str) -> Result<Option<usize>, String> {
    if value.trim() == "-1" {
        return Ok(None);
    }
    number("limit", value).map(Some)
}

fn number(key: &str, value: &str) -> Result<usize, String> {
    value
        .trim()
        .parse()
        .map_err(|_| format!("\"{key}\" has to be a number, not \"{value}\"."))
}

#[cfg(test)]
#[path = "query_tests.rs"]
mod tests;
