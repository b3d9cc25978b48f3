//! Midjourney's actions on a finished result, the modal step some of them ask for, Describe
//! and Blend: each a job of its own, linked to the pictures it was made from.
//! (Being written: see issue 19.)

use serde::Deserialize;
use ts_rs::TS;

use super::{Atelier, AtelierError};
use crate::job::{Job, MadeCopy};
use crate::providers::BlendShape;

/// What the person gave for an action's modal step: the prompt, and for Vary Region the mask.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ModalAnswer {
    pub prompt: String,
    /// A PNG the size of the picture, base64 (no `data:` prefix), white where it changes.
    #[serde(default)]
    pub mask: Option<String>,
}

/// The picture a Describe reads: one of the library's, or a file dropped on the window.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum DescribeSource {
    #[serde(rename_all = "camelCase")]
    Image {
        image_id: i64,
    },
    File {
        path: String,
    },
}

/// A checked action, Describe or Blend with the provider that will send it. Made on the
/// blocking pool (SQLite, the keychain, the files), sent from async code.
pub struct ActionPlan {
    _todo: (),
}

impl Atelier {
    /// Checks that job `job_id` offers `custom_id` and reads its account's token.
    pub fn plan_action(
        &self,
        job_id: i64,
        custom_id: &str,
        answer: Option<ModalAnswer>,
    ) -> Result<ActionPlan, AtelierError> {
        let _ = (job_id, custom_id, answer);
        Err(AtelierError::Invalid("Actions are not ready yet.".into()))
    }

    /// The modal step of a job waiting for the person's prompt.
    pub fn plan_confirm(
        &self,
        job_id: i64,
        answer: ModalAnswer,
    ) -> Result<ActionPlan, AtelierError> {
        let _ = (job_id, answer);
        Err(AtelierError::Invalid("Actions are not ready yet.".into()))
    }

    pub fn plan_describe(
        &self,
        account_id: i64,
        source: DescribeSource,
    ) -> Result<ActionPlan, AtelierError> {
        let _ = (account_id, source);
        Err(AtelierError::Invalid("Describe is not ready yet.".into()))
    }

    pub fn plan_blend(
        &self,
        account_id: i64,
        image_ids: &[i64],
        shape: BlendShape,
    ) -> Result<ActionPlan, AtelierError> {
        let _ = (account_id, image_ids, shape);
        Err(AtelierError::Invalid("Blend is not ready yet.".into()))
    }

    /// Sends a checked plan: recorded before the request leaves, never sent twice, then
    /// followed, downloaded and resumed like any job.
    pub async fn act_with(&self, plan: ActionPlan) -> Result<Job, AtelierError> {
        let _ = plan;
        Err(AtelierError::Invalid("Actions are not ready yet.".into()))
    }

    /// Every job made from this job's pictures by actions, Describes and Blends.
    pub fn made_of(&self, job_id: i64) -> Result<Vec<MadeCopy>, AtelierError> {
        let _ = job_id;
        Ok(Vec::new())
    }
}
