//! A request body as the AI-Client controllers see it, and Laravel-style validation of it.

use axum::extract::rejection::FormRejection;
use axum::response::Response;

use super::laravel;

pub type Body = Result<axum::Form<Vec<(String, String)>>, FormRejection>;

/// Form fields after Laravel's global middleware: trimmed, and empty ones dropped.
pub struct Form(Vec<(String, String)>);

impl Form {
    /// Only `application/x-www-form-urlencoded` bodies have fields here. The real server
    /// would also read JSON, but the stand-in sees none in it so a client that sends JSON
    /// fails validation: the guide's client sends forms, and so must ours.
    pub fn read(body: Body) -> Form {
        Form(body.map(|axum::Form(pairs)| pairs).unwrap_or_default())
    }

    /// The last value sent for `key`, as PHP keeps it.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }
}

/// Collects every failed rule, then answers 422 with all of them, as Laravel's validator does.
pub struct Rules<'f> {
    form: &'f Form,
    errors: Vec<(&'static str, String)>,
}

impl<'f> Rules<'f> {
    pub fn new(form: &'f Form) -> Rules<'f> {
        Rules {
            form,
            errors: Vec::new(),
        }
    }

    /// `required`.
    pub fn required(&mut self, field: &'static str) -> Option<&'f str> {
        let value = self.form.get(field);
        if value.is_none() {
            let message = format!("The {} field is required.", words(field));
            self.errors.push((field, message));
        }
        value
    }

    /// `required|in:...`.
    pub fn required_in(&mut self, field: &'static str, allowed: &[&str]) -> Option<&'f str> {
        let value = self.required(field)?;
        self.check_in(field, value, allowed)
    }

    /// `in:...` where a missing value counts as not in the list.
    pub fn in_list(&mut self, field: &'static str, allowed: &[&str]) -> Option<&'f str> {
        self.check_in(field, self.form.get(field).unwrap_or(""), allowed)
    }

    fn check_in(
        &mut self,
        field: &'static str,
        value: &'f str,
        allowed: &[&str],
    ) -> Option<&'f str> {
        if allowed.contains(&value) {
            return Some(value);
        }
        let message = format!("The selected {} is invalid.", words(field));
        self.errors.push((field, message));
        None
    }

    /// The 422 reply if any rule failed.
    pub fn failed(self) -> Option<Response> {
        (!self.errors.is_empty()).then(|| laravel::invalid(&self.errors))
    }
}

/// A field name as Laravel writes it in messages: `ai_version_code` → `ai version code`.
fn words(field: &str) -> String {
    field.replace('_', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Form {
        Form(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn values_are_trimmed_and_the_last_one_wins() {
        let f = form(&[("a", "1"), ("a", " 2 "), ("b", "   ")]);
        assert_eq!(f.get("a"), Some("2"));
        assert_eq!(f.get("b"), None);
        assert_eq!(f.get("c"), None);
    }

    #[test]
    fn rules_collect_every_failure() {
        let f = form(&[("type", "answer")]);
        let mut rules = Rules::new(&f);
        assert_eq!(rules.required_in("type", &["request"]), None);
        assert_eq!(rules.required("prompt"), None);
        assert_eq!(rules.in_list("ai_version_code", &["midjourney"]), None);
        let messages: Vec<&str> = rules.errors.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(
            messages,
            [
                "The selected type is invalid.",
                "The prompt field is required.",
                "The selected ai version code is invalid."
            ]
        );
        assert!(rules.failed().is_some());
        assert!(Rules::new(&f).failed().is_none());
    }
}
