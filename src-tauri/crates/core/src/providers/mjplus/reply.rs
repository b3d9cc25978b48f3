//! What a submit answer means, read by its `code` (the HTTP status is 200 for most refusals).

use super::wire::SubmitReply;
use super::SERVICE;
use crate::providers::ProviderError;

/// A submit answer the service accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Code 1, or 22 with how many tasks are ahead of it.
    Started { task_id: String, ahead: Option<u32> },
    /// Code 21: a task that already exists (the same action pressed again) or one that
    /// waits for the modal step; which, only the task's status tells.
    Existing {
        task_id: String,
        /// The prompt the service suggests for the modal step, where it says.
        suggested: Option<String>,
    },
}

pub fn read(reply: &SubmitReply) -> Result<Answer, ProviderError> {
    let code = reply.code();
    let task_id = || {
        reply.task_id().ok_or_else(|| ProviderError::BadResponse {
            service: SERVICE,
            detail: format!(
                "it answered code {} without the task's id",
                code.unwrap_or_default()
            ),
        })
    };
    match code {
        Some(1) => Ok(Answer::Started {
            task_id: task_id()?,
            ahead: None,
        }),
        Some(22) => Ok(Answer::Started {
            task_id: task_id()?,
            ahead: Some(reply.queued_ahead().unwrap_or(0)),
        }),
        Some(21) => Ok(Answer::Existing {
            task_id: task_id()?,
            suggested: reply.final_prompt(),
        }),
        Some(23) => Err(ProviderError::QueueFull { service: SERVICE }),
        Some(24) => Err(ProviderError::Banned {
            service: SERVICE,
            word: reply.banned_word(),
        }),
        other => Err(refused(reply, other)),
    }
}

fn refused(reply: &SubmitReply, code: Option<i64>) -> ProviderError {
    let detail = match (reply.description(), code) {
        (Some(d), _) => d,
        (None, Some(c)) => format!("it answered code {c} and gave no reason"),
        (None, None) => "its answer had no code and gave no reason".to_owned(),
    };
    ProviderError::Rejected {
        service: SERVICE,
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn answer(v: Value) -> Result<Answer, ProviderError> {
        read(&serde_json::from_value(v).unwrap())
    }

    #[test]
    fn accepted_and_queued_answers_start_a_task() {
        assert_eq!(
            answer(json!({"code": 1, "description": "Submitted", "result": "17"})),
            Ok(Answer::Started {
                task_id: "17".into(),
                ahead: None
            })
        );
        assert_eq!(
            answer(json!({"code": 22, "result": "18", "properties": {"numberOfQueues": 3}})),
            Ok(Answer::Started {
                task_id: "18".into(),
                ahead: Some(3)
            })
        );
        assert_eq!(
            answer(json!({"code": 21, "description": "Already exists", "result": "5"})),
            Ok(Answer::Existing {
                task_id: "5".into(),
                suggested: None
            })
        );
    }

    #[test]
    fn an_accepted_answer_without_its_task_cannot_be_followed() {
        let err = answer(json!({"code": 1, "result": null})).unwrap_err();
        assert!(matches!(err, ProviderError::BadResponse { .. }), "{err:?}");
    }

    #[test]
    fn refusals_say_what_to_do() {
        let full = answer(json!({"code": 23, "description": "队列已满", "result": null}));
        assert_eq!(full, Err(ProviderError::QueueFull { service: SERVICE }));
        let banned = answer(json!({"code": 24, "properties": {"bannedWord": "gore"}})).unwrap_err();
        assert!(banned.to_string().contains("“gore”"), "{banned}");
        assert!(!banned.is_transient());
        let invalid = answer(json!({"code": 4, "description": "prompt must not be blank"}));
        assert_eq!(
            invalid,
            Err(ProviderError::Rejected {
                service: SERVICE,
                detail: "prompt must not be blank".into()
            })
        );
        let bare = answer(json!({"code": "9"})).unwrap_err();
        assert!(bare.to_string().contains("code 9"), "{bare}");
        let nothing = answer(json!({})).unwrap_err();
        assert!(nothing.to_string().contains("no code"), "{nothing}");
    }
}
