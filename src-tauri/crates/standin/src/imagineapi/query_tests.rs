//! The query string as Directus reads it: filters in both forms, search, sorting, paging,
//! fields, and the queries it refuses.

use super::*;
use serde_json::json;

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn query(list: &[(&str, &str)]) -> ListQuery {
    ListQuery::parse(&pairs(list)).unwrap()
}

#[test]
fn bracket_and_json_filters_agree() {
    let a = query(&[("filter[id][_in]", "x,y")]);
    let b = query(&[("filter[id][_in][]", "x"), ("filter[id][_in][]", "y")]);
    let c = query(&[("filter", r#"{"id":{"_in":["x","y"]}}"#)]);
    let d = query(&[("filter", r#"{"_and":[{"id":{"_in":"x,y"}}]}"#)]);
    for q in [&a, &b, &c, &d] {
        assert!(q.matches(&json!({"id": "x"})));
        assert!(q.matches(&json!({"id": "y"})));
        assert!(!q.matches(&json!({"id": "z"})));
    }
    assert_eq!(a, b);
    assert_eq!(c, d);
}

#[test]
fn eq_null_and_search() {
    let q = query(&[("filter[ref][_eq]", "r1")]);
    assert!(q.matches(&json!({"ref": "r1"})));
    assert!(!q.matches(&json!({"ref": null})));
    let q = query(&[("filter[results][_null]", "true")]);
    assert!(q.matches(&json!({"results": null})));
    assert!(!q.matches(&json!({"results": "g"})));
    let q = query(&[("search", "LIGHT")]);
    assert!(q.matches(&json!({"prompt": "a lighthouse"})));
    assert!(!q.matches(&json!({"prompt": "a cat"})));
}

#[test]
fn bad_queries_are_refused() {
    for bad in [
        ("filter[id][_regex]", "x"),
        ("filter[id]", "x"),
        ("filter", "{not json"),
        ("limit", "ten"),
        ("page", "-2"),
    ] {
        assert!(ListQuery::parse(&pairs(&[bad])).is_err(), "{bad:?}");
    }
}

#[test]
fn sorting_and_paging() {
    let q = query(&[("sort", "-date_created"), ("limit", "2"), ("page", "2")]);
    let items = [
        json!({"date_created": "2023-01-01"}),
        json!({"date_created": "2024-01-01"}),
    ];
    assert_eq!(q.compare((&items[0], 0), (&items[1], 1)), Ordering::Greater);
    assert_eq!(q.page(vec![1, 2, 3, 4, 5]), vec![3, 4]);
    assert_eq!(
        query(&[("limit", "-1")]).page((0..200).collect()).len(),
        200
    );
    assert_eq!(query(&[]).page((0..200).collect()).len(), 100);
}

#[test]
fn fields_project_top_level_names() {
    assert_eq!(Fields::parse(&pairs(&[("fields", "*")])), Fields(None));
    let f = Fields::parse(&pairs(&[("fields", "id,status,user_created.email")]));
    assert_eq!(
        f,
        Fields(Some(vec![
            "id".into(),
            "status".into(),
            "user_created".into()
        ]))
    );
}
