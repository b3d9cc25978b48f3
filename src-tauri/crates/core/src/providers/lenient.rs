//! Deserializers that accept what services really send: numbers as strings, `"45%"`, nulls.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A percentage from a number, a numeric string (optionally ending in `%`), or null; clamped to
/// 0..=100. Anything unreadable counts as unknown rather than failing the whole reply.
pub fn percent<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u8>, D::Error> {
    Ok(percent_from(&Value::deserialize(d)?))
}

pub fn percent_from(v: &Value) -> Option<u8> {
    let n = match v {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().trim_end_matches('%').trim().parse::<f64>().ok()?,
        _ => return None,
    };
    n.is_finite().then(|| n.clamp(0.0, 100.0).round() as u8)
}

/// An error field that may be null, empty, the string "None", a string, or an object.
pub fn error_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() || s.trim() == "None" => None,
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Object(map) => map
            .get("message")
            .and_then(error_text)
            .or_else(|| Some(v.to_string())),
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn percent_accepts_numbers_strings_and_nulls() {
        assert_eq!(percent_from(&json!(45)), Some(45));
        assert_eq!(percent_from(&json!("45")), Some(45));
        assert_eq!(percent_from(&json!("45%")), Some(45));
        assert_eq!(percent_from(&json!(" 7.6 ")), Some(8));
        assert_eq!(percent_from(&json!(150)), Some(100));
        assert_eq!(percent_from(&json!(-3)), Some(0));
        assert_eq!(percent_from(&json!(null)), None);
        assert_eq!(percent_from(&json!("soon")), None);
        assert_eq!(percent_from(&json!([1])), None);
    }

    #[test]
    fn error_text_treats_blank_and_none_as_no_error() {
        assert_eq!(error_text(&json!(null)), None);
        assert_eq!(error_text(&json!("")), None);
        assert_eq!(error_text(&json!("None")), None);
        assert_eq!(error_text(&json!("banned")), Some("banned".into()));
        assert_eq!(error_text(&json!({"message": "x"})), Some("x".into()));
    }
}

#[cfg(test)]
#[path = "lenient_proptests.rs"]
mod proptests;
