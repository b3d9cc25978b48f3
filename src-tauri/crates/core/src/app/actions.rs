//! Midjourney's actions on a finished result, the modal step some of them ask for, Describe
//! and Blend: each a job of its own, linked to the pictures it was made from.

use std::path::Path;

use base64::Engine as _;
use serde::Deserialize;
use ts_rs::TS;

use super::{Atelier, AtelierError, Connection};
use crate::engine::{ActionRequest, Answer, MadeFrom};
use crate::job::{ImageRecord, Job, JobStatus, MadeCopy, Slot, SourceRole};
use crate::media::{decoded, library_picture, outside_picture, MediaError, MAX_SENT_BYTES};
use crate::providers::{ActionButton, ActionKind, BlendShape, ImageData};

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
    connection: Connection,
    work: Work,
}

enum Work {
    /// A new job: a button pressed, a Describe or a Blend.
    New(MadeFrom, ActionRequest),
    /// The modal step of a job waiting for it.
    Confirm(Box<Job>, Answer),
}

impl Atelier {
    /// Checks that job `job_id` offers `custom_id` and reads its account's token. `answer`,
    /// for an action that asks first, is sent as the modal step as soon as the service asks.
    pub fn plan_action(
        &self,
        job_id: i64,
        custom_id: &str,
        answer: Option<ModalAnswer>,
    ) -> Result<ActionPlan, AtelierError> {
        let job = self.existing_job(job_id)?;
        if job.status != JobStatus::Done {
            return Err(invalid(
                "This job is not finished: its actions can be used once its pictures are in.",
            ));
        }
        let button = offered(&job, custom_id)?;
        let remote_id = job.remote_id.clone().ok_or_else(|| {
            invalid("The service never gave this job an id, so it cannot be asked for an action.")
        })?;
        let connection = self.acting(job.account_id, "This action")?;
        let parent = picture_acted_on(&job);
        let answer = answer
            .map(|a| answered(a, &job.prompt, parent))
            .transpose()?;
        let made = MadeFrom {
            prompt: answer.as_ref().map_or(&job.prompt, |a| &a.prompt).clone(),
            action: button.kind,
            label: label_of(&button),
            sources: parent
                .map(|p| (p.id, SourceRole::Parent))
                .into_iter()
                .collect(),
        };
        let request = ActionRequest::Press {
            remote_id,
            custom_id: button.custom_id,
            answer,
        };
        Ok(ActionPlan {
            connection,
            work: Work::New(made, request),
        })
    }

    /// The modal step of a job waiting for the person's prompt.
    pub fn plan_confirm(
        &self,
        job_id: i64,
        answer: ModalAnswer,
    ) -> Result<ActionPlan, AtelierError> {
        let job = self.existing_job(job_id)?;
        if job.status != JobStatus::AwaitingPrompt {
            return Err(invalid(
                "This job is no longer waiting for a prompt: it was sent or cancelled already.",
            ));
        }
        let connection = self.acting(job.account_id, "Sending this prompt")?;
        let parent = match job.made.as_ref().and_then(|m| m.from.first()) {
            Some(from) => self.store.image(from.image_id)?,
            None => None,
        };
        let answer = answered(answer, &job.prompt, parent.as_ref())?;
        Ok(ActionPlan {
            connection,
            work: Work::Confirm(Box::new(job), answer),
        })
    }

    /// The prompts Midjourney reads in one of the library's pictures, or in a picture file.
    pub fn plan_describe(
        &self,
        account_id: i64,
        source: DescribeSource,
    ) -> Result<ActionPlan, AtelierError> {
        let connection = self.acting(Some(account_id), "Describe")?;
        let (prompt, image, sources) = match source {
            DescribeSource::Image { image_id } => {
                let (record, job) = self.library_image(image_id)?;
                let image = self.picture_data(&record)?;
                (job.prompt, image, vec![(image_id, SourceRole::Parent)])
            }
            DescribeSource::File { path } => {
                let path = Path::new(&path);
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                let image = outside_picture(path).map_err(|e| not_sendable(&name, e))?;
                (format!("Describe: {name}"), image, Vec::new())
            }
        };
        let made = MadeFrom {
            prompt,
            action: ActionKind::Describe,
            label: "Describe".into(),
            sources,
        };
        Ok(ActionPlan {
            connection,
            work: Work::New(made, ActionRequest::Describe(image)),
        })
    }

    /// 2–5 of the library's pictures blended into one grid of `shape`.
    pub fn plan_blend(
        &self,
        account_id: i64,
        image_ids: &[i64],
        shape: BlendShape,
    ) -> Result<ActionPlan, AtelierError> {
        if !(2..=5).contains(&image_ids.len()) {
            return Err(invalid(&format!(
                "A Blend takes 2 to 5 pictures, and {} were picked: pick 2 to 5.",
                image_ids.len()
            )));
        }
        let mut seen = image_ids.to_vec();
        seen.sort_unstable();
        seen.dedup();
        if seen.len() != image_ids.len() {
            return Err(invalid(
                "The same picture is in this Blend twice: pick different pictures.",
            ));
        }
        let connection = self.acting(Some(account_id), "Blend")?;
        let images = image_ids
            .iter()
            .map(|id| self.picture_data(&self.library_image(*id)?.0))
            .collect::<Result<Vec<_>, _>>()?;
        let made = MadeFrom {
            prompt: blend_prompt(image_ids.len(), shape),
            action: ActionKind::Blend,
            label: "Blend".into(),
            sources: image_ids.iter().map(|i| (*i, SourceRole::Parent)).collect(),
        };
        Ok(ActionPlan {
            connection,
            work: Work::New(made, ActionRequest::Blend(images, shape)),
        })
    }

    /// Sends a checked plan: recorded before the request leaves, never sent twice, then
    /// followed, downloaded and resumed like any job.
    pub async fn act_with(&self, plan: ActionPlan) -> Result<Job, AtelierError> {
        let Connection { account, provider } = plan.connection;
        Ok(match plan.work {
            Work::New(made, request) => self.engine.act(provider, &account, made, request).await?,
            Work::Confirm(job, answer) => self.engine.confirm(provider, *job, answer).await?,
        })
    }

    /// Every job made from this job's pictures by actions, Describes and Blends, by slot
    /// then oldest first: the viewer's "made of it" (the other way is on the job itself).
    pub fn made_of(&self, job_id: i64) -> Result<Vec<MadeCopy>, AtelierError> {
        Ok(self.store.made_of(job_id)?)
    }

    fn existing_job(&self, job_id: i64) -> Result<Job, AtelierError> {
        self.store
            .job(job_id)?
            .ok_or_else(|| invalid("That job no longer exists."))
    }

    /// The account's connection, when its service offers Midjourney's actions.
    fn acting(&self, account_id: Option<i64>, what: &str) -> Result<Connection, AtelierError> {
        let account_id = account_id.ok_or_else(|| {
            invalid("Its account was deleted, so Atelier cannot ask the service for this.")
        })?;
        let connection = self.connect(account_id)?;
        if !connection.provider.capabilities().actions {
            return Err(invalid(&format!(
                "{what} needs a midjourney-proxy account, and “{}” is a {} account: add a \
                 midjourney-proxy account in Settings and use it here.",
                connection.account.label,
                connection.account.provider.display_name()
            )));
        }
        Ok(connection)
    }

    /// One of the library's pictures and its job.
    fn library_image(&self, image_id: i64) -> Result<(ImageRecord, Job), AtelierError> {
        let gone = || invalid("One of the pictures was deleted: pick another.");
        let job = self.store.job_of_image(image_id)?.ok_or_else(gone)?;
        let image = job.images.iter().find(|i| i.id == image_id).cloned();
        Ok((image.ok_or_else(gone)?, job))
    }

    fn picture_data(&self, image: &ImageRecord) -> Result<ImageData, AtelierError> {
        let data = library_picture(&self.media.resolve(&image.file))?;
        if data.bytes.len() as u64 > MAX_SENT_BYTES {
            return Err(invalid(&format!(
                "This picture is larger than the {} MB Atelier sends to a service: pick a \
                 smaller one.",
                MAX_SENT_BYTES / 1024 / 1024
            )));
        }
        Ok(data)
    }
}

/// The button `custom_id` on the job, as the service last offered it.
fn offered(job: &Job, custom_id: &str) -> Result<ActionButton, AtelierError> {
    job.buttons
        .iter()
        .find(|b| b.custom_id == custom_id)
        .cloned()
        .ok_or_else(|| {
            invalid(
                "This action is no longer offered on this picture: use one of the buttons it \
                 shows now.",
            )
        })
}

/// The picture a button sits on: the job's grid, or the one picture of an upscale (kept in
/// the grid's slot). U1–V4 name a quadrant of it, but it is the grid they were pressed on.
fn picture_acted_on(job: &Job) -> Option<&ImageRecord> {
    let grid = job.images.iter().find(|i| i.slot == Slot::Grid);
    grid.or_else(|| job.images.first())
}

fn label_of(button: &ActionButton) -> String {
    match button.label.trim() {
        "" => button.emoji.clone(),
        label => label.to_owned(),
    }
}

/// The person's answer, checked: their prompt (or `fallback`), and the mask decoded and held
/// to the size of the picture it was painted on.
fn answered(
    answer: ModalAnswer,
    fallback: &str,
    parent: Option<&ImageRecord>,
) -> Result<Answer, AtelierError> {
    let prompt = match answer.prompt.trim() {
        "" => fallback.to_owned(),
        prompt => prompt.to_owned(),
    };
    let mask = answer.mask.map(|m| mask_of(&m, parent)).transpose()?;
    Ok(Answer { prompt, mask })
}

fn mask_of(base64: &str, parent: Option<&ImageRecord>) -> Result<ImageData, AtelierError> {
    let base64 = base64.trim();
    let base64 = base64
        .strip_prefix("data:image/png;base64,")
        .unwrap_or(base64);
    let again = |why: &str| invalid(&format!("{why}: paint the region again."));
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(base64)
        .map_err(|_| again("The painted mask did not arrive whole"))?;
    let (format, size) = decoded(&bytes).map_err(|_| again("The painted mask is not a picture"))?;
    if format != image::ImageFormat::Png {
        return Err(again("The mask must be a PNG"));
    }
    let parent = parent.ok_or_else(|| {
        invalid("The picture this region was painted on was deleted, so it cannot be varied.")
    })?;
    if size != (parent.width, parent.height) {
        return Err(again(&format!(
            "The mask is {}×{}, but the picture is {}×{}",
            size.0, size.1, parent.width, parent.height
        )));
    }
    Ok(ImageData {
        mime: "image/png",
        bytes,
    })
}

/// A Blend's prompt: what it is, with the aspect of its shape (so the library files it there).
fn blend_prompt(count: usize, shape: BlendShape) -> String {
    let aspect = match shape {
        BlendShape::Portrait => " --ar 2:3",
        BlendShape::Square => "",
        BlendShape::Landscape => " --ar 3:2",
    };
    format!("Blend of {count} pictures{aspect}")
}

/// Why a picture file from outside the library cannot be described, and what to do.
fn not_sendable(name: &str, e: MediaError) -> AtelierError {
    invalid(&match e {
        MediaError::TooLarge(mb) => format!(
            "“{name}” is larger than {mb} MB, more than Atelier sends to a service: save a \
             smaller copy and describe that."
        ),
        MediaError::Oversized { width, height, .. } => format!(
            "“{name}” is {width}×{height}, larger than Atelier opens: save a smaller copy and \
             describe that."
        ),
        MediaError::Io { source, .. } => format!(
            "Atelier could not read “{name}” ({source}): check that the file is still there."
        ),
        _ => format!("“{name}” is not a PNG, JPEG or WebP picture: pick a picture file."),
    })
}

fn invalid(sentence: &str) -> AtelierError {
    AtelierError::Invalid(sentence.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> String {
        let mut out = std::io::Cursor::new(Vec::new());
        image::RgbaImage::new(width, height)
            .write_to(&mut out, image::ImageFormat::Png)
            .unwrap();
        base64::engine::general_purpose::STANDARD.encode(out.into_inner())
    }

    fn picture(width: u32, height: u32) -> ImageRecord {
        ImageRecord {
            id: 7,
            slot: Slot::Grid,
            file: String::new(),
            thumb: String::new(),
            width,
            height,
            bytes: 0,
            source_url: None,
            liked: false,
        }
    }

    fn sentence(e: AtelierError) -> String {
        e.to_string()
    }

    #[test]
    fn a_mask_is_a_png_the_size_of_its_picture() {
        let grid = picture(8, 6);
        let ok = mask_of(&png(8, 6), Some(&grid)).unwrap();
        assert_eq!(ok.mime, "image/png");
        let prefixed = format!("data:image/png;base64,{}", png(8, 6));
        assert!(mask_of(&prefixed, Some(&grid)).is_ok());

        let wrong = sentence(mask_of(&png(4, 4), Some(&grid)).unwrap_err());
        assert_eq!(
            wrong,
            "The mask is 4×4, but the picture is 8×6: paint the region again."
        );
        let junk = sentence(mask_of("not base64!", Some(&grid)).unwrap_err());
        assert!(
            junk.starts_with("The painted mask did not arrive whole"),
            "{junk}"
        );
        let text = base64::engine::general_purpose::STANDARD.encode("<html>");
        let not = sentence(mask_of(&text, Some(&grid)).unwrap_err());
        assert!(
            not.starts_with("The painted mask is not a picture"),
            "{not}"
        );
        assert!(
            mask_of(&png(8, 6), None).is_err(),
            "no picture to hold it to"
        );
    }

    #[test]
    fn an_empty_answer_keeps_the_prompt_it_was_given() {
        let answer = |prompt: &str| ModalAnswer {
            prompt: prompt.into(),
            mask: None,
        };
        let kept = answered(answer("  "), "a fox --ar 3:2", None).unwrap();
        assert_eq!(kept.prompt, "a fox --ar 3:2");
        let new = answered(answer(" a fox --zoom 2 "), "a fox", None).unwrap();
        assert_eq!(new.prompt, "a fox --zoom 2");
    }

    #[test]
    fn a_blend_is_filed_under_its_shape() {
        assert_eq!(
            blend_prompt(3, BlendShape::Portrait),
            "Blend of 3 pictures --ar 2:3"
        );
        assert_eq!(blend_prompt(2, BlendShape::Square), "Blend of 2 pictures");
    }
}
