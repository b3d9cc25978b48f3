//! The fault queue, used up in order, and a fault's HTTP form with its defaults.

use super::*;

#[test]
fn faults_are_used_up_in_order() {
    let faults = Faults::default();
    faults.push(Fault::new("/items/images", 503, 2));
    faults.push(Fault::new("/assets", 500, 1));
    faults.push(Fault::new("/items", 429, 1));
    faults.push(Fault::new("/x", 500, 0));
    assert_eq!(faults.take("/assets/a/a.png").map(|f| f.status), Some(500));
    assert!(faults.take("/assets/a/a.png").is_none());
    assert_eq!(faults.take("/items/images/1").map(|f| f.status), Some(503));
    assert_eq!(faults.take("/items/status").map(|f| f.status), Some(429));
    assert_eq!(faults.take("/items/images").map(|f| f.status), Some(503));
    assert!(faults.take("/items/images").is_none());
    assert!(faults.take("/x").is_none());
    assert_eq!(faults.remaining(), 0);
    faults.push(Fault::new("/a", 500, 3));
    assert_eq!(faults.remaining(), 3);
}

#[test]
fn http_form_defaults_to_one_time() {
    let f: Fault = serde_json::from_str(r#"{"path_prefix":"/items","status":503}"#).unwrap();
    assert_eq!((f.times, f.body, f.retry_after), (1, None, None));
    assert!(!Fault::new("/", 1000, 1).is_valid());
    assert!(!Fault::new("/", 200, 1).with_content_type("a\nb").is_valid());
}

#[test]
fn http_form_names_the_new_kinds() {
    let f: Fault = serde_json::from_str(
        r#"{"path_prefix":"/assets","reset":true,"truncate_after":10,"content_type":"text/html"}"#,
    )
    .unwrap();
    assert_eq!(f.status, 200, "the real reply unless a status is given");
    assert!(f.reset && f.is_valid());
    assert_eq!(f.truncate_after, Some(10));
    assert_eq!(f.content_type.as_deref(), Some("text/html"));
    let f: Fault =
        serde_json::from_str(r#"{"path_prefix":"/items","status":502,"endless":true}"#).unwrap();
    assert!(f.endless && !f.serves_real_reply());
}
