//! The library's pictures sent with a prompt as references: image prompts, style references
//! (`--sref`) and omni references (`--oref`), each in the form its service takes them.
//!
//! A service that takes pictures as data (midjourney-proxy, Demo) gets image prompts as the
//! library's own files, so they work with pictures it never saw. A picture address is the
//! only form left for the rest (ImagineAPI reads them in the prompt text; midjourney-proxy
//! takes `--sref`/`--oref` only so): the image's service address, while a HEAD says it still
//! answers. Every refusal comes before anything is recorded or sent.
//!
//! The references travel beside the prompt, never in its recorded text: the job keeps the
//! person's prompt and its `job_sources` rows say what went with it; the engine sends what
//! [`Carried`] makes of them (an `Outgoing`), first and on any resend after a lost answer.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

use super::{Atelier, AtelierError, Connection};
use crate::engine::{ImageRecord, Job, Outgoing};
use crate::job::{Batch, SourceRole};
use crate::media::{library_picture, MediaError, MediaLibrary};
use crate::providers::{Capabilities, ImageData, Provider};
use crate::store::Store;

/// How long a picture's address has to answer a HEAD before it counts as gone: the person is
/// waiting on the send button.
const HEAD_TIMEOUT: Duration = Duration::from_secs(5);

/// One library picture sent with a prompt, and as what.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PromptReference {
    pub image_id: i64,
    /// `imagePrompt`, `style` (`--sref`) or `omni` (`--oref`); never `parent`.
    pub role: SourceRole,
}

impl Atelier {
    /// Sends a prompt with library pictures as its references (none: a plain prompt). They
    /// are recorded with the job, in its own transaction; the same ones go with each job of a
    /// batch, as the window sends them with each.
    pub async fn submit_referencing(
        &self,
        connection: Connection,
        prompt: &str,
        references: &[PromptReference],
        batch: Option<Batch>,
    ) -> Result<Job, AtelierError> {
        let prompt = prompt.trim();
        if prompt.is_empty() {
            return Err(AtelierError::Invalid("Write a prompt first.".into()));
        }
        let Connection { account, provider } = connection;
        if references.is_empty() {
            return Ok(self
                .engine
                .submit(provider, &account, prompt, batch)
                .await?);
        }
        let outgoing = self
            .carry(provider.as_ref(), references)
            .await?
            .outgoing(prompt);
        let sources = references.iter().map(|r| (r.image_id, r.role)).collect();
        let engine = &self.engine;
        Ok(engine
            .submit_referencing(provider, &account, prompt, outgoing, sources, batch)
            .await?)
    }

    /// The library pictures a job was sent with, in order.
    pub fn references_of(&self, job_id: i64) -> Result<Vec<PromptReference>, AtelierError> {
        let rows = self.store.references_of(job_id)?;
        let each = rows.into_iter();
        Ok(each
            .map(|(image_id, role)| PromptReference { image_id, role })
            .collect())
    }

    /// Each reference in the form the service takes it, or why it cannot go there.
    async fn carry(
        &self,
        provider: &dyn Provider,
        references: &[PromptReference],
    ) -> Result<Carried, AtelierError> {
        let caps = provider.capabilities();
        let service = provider.kind().display_name();
        check_references(service, &caps, references)?;
        let (store, media, refs) = (self.store.clone(), self.media.clone(), references.to_vec());
        let as_data = caps.image_data;
        let loaded = tokio::task::spawn_blocking(move || load(&store, &media, &refs, as_data))
            .await
            .map_err(|e| AtelierError::Invalid(format!("Reading the pictures failed: {e}")))??;
        let mut carried = Carried::default();
        for (reference, image, data) in loaded {
            match (reference.role, data) {
                (_, Some(data)) => carried.images.push(data),
                (SourceRole::ImagePrompt, None) => carried
                    .leading
                    .push(self.live_address(&image, service, &caps).await?),
                (role, None) => {
                    let address = self.live_address(&image, service, &caps).await?;
                    carried.params.push((role, address));
                }
            }
        }
        Ok(carried)
    }

    /// The picture's service address, if it still answers a HEAD. Nothing goes with the
    /// request: no token, no cookie (the address may be on any host).
    async fn live_address(
        &self,
        image: &ImageRecord,
        service: &str,
        caps: &Capabilities,
    ) -> Result<Url, AtelierError> {
        let address = image.source_url.as_deref().and_then(|u| Url::parse(u).ok());
        let Some(address) = address.filter(|u| matches!(u.scheme(), "http" | "https")) else {
            return Err(gone(service, caps, None));
        };
        let head = self
            .http
            .following()
            .head(address.clone())
            .timeout(HEAD_TIMEOUT);
        match head.send().await {
            Ok(reply) if reply.status().is_success() => Ok(address),
            Ok(reply) => {
                let why = format!("its address answers {}", reply.status().as_u16());
                Err(gone(service, caps, Some(why)))
            }
            Err(e) => {
                tracing::info!("a reference's address did not answer: {e}");
                let why = "its address does not answer".to_owned();
                Err(gone(service, caps, Some(why)))
            }
        }
    }
}

/// Refuses what no picture could fix: a service that takes none, a role that is no reference,
/// more omni references than Midjourney takes.
fn check_references(
    service: &str,
    caps: &Capabilities,
    references: &[PromptReference],
) -> Result<(), AtelierError> {
    if !caps.image_data && !caps.image_addresses {
        return Err(AtelierError::Invalid(format!(
            "{service} takes no pictures with a prompt. Send it with a midjourney-proxy account \
             (which takes pictures as files) or an ImagineAPI account (pictures it made), or \
             remove the references."
        )));
    }
    if references.iter().any(|r| r.role == SourceRole::Parent) {
        return Err(AtelierError::Invalid(
            "A picture goes with a prompt as an image prompt, a style reference or an omni \
             reference: pick one of those for it."
                .into(),
        ));
    }
    let omni = references
        .iter()
        .filter(|r| r.role == SourceRole::Omni)
        .count();
    if omni > 1 {
        return Err(AtelierError::Invalid(
            "Midjourney takes one omni reference per prompt: remove all but one.".into(),
        ));
    }
    Ok(())
}

/// Why a picture's address cannot be used; `why` is what the HEAD found (none: the picture
/// has no address on any service).
fn gone(service: &str, caps: &Capabilities, why: Option<String>) -> AtelierError {
    let text = match (caps.image_data, why) {
        (true, Some(why)) => format!(
            "{service} takes style and omni references only as picture addresses, and this \
             picture's is gone ({why}). Use it as an image prompt instead, which is sent as a \
             file."
        ),
        (true, None) => format!(
            "{service} takes style and omni references only as picture addresses, and this \
             picture was never on a service that serves one. Use it as an image prompt \
             instead, which is sent as a file."
        ),
        (false, Some(why)) => format!(
            "{service} no longer has this picture ({why}), so it cannot be used as a reference \
             there. Use a midjourney-proxy account, which takes pictures as files."
        ),
        (false, None) => format!(
            "{service} never had this picture (it was not made there), so it cannot be used as \
             a reference there. Use a midjourney-proxy account, which takes pictures as files."
        ),
    };
    AtelierError::Invalid(text)
}

/// Each reference's picture, and its file as data where it goes as data (image prompts on a
/// service that takes pictures as data).
fn load(
    store: &Store,
    media: &MediaLibrary,
    references: &[PromptReference],
    as_data: bool,
) -> Result<Vec<(PromptReference, ImageRecord, Option<ImageData>)>, AtelierError> {
    let mut loaded = Vec::with_capacity(references.len());
    for &reference in references {
        let image = store.image(reference.image_id)?.ok_or_else(|| {
            AtelierError::Invalid(
                "A picture in the prompt is no longer in the library: remove it from the prompt."
                    .into(),
            )
        })?;
        let data = (as_data && reference.role == SourceRole::ImagePrompt)
            .then(|| library_picture(&media.resolve(&image.file)).map_err(unreadable))
            .transpose()?;
        loaded.push((reference, image, data));
    }
    Ok(loaded)
}

/// A picture of the library that cannot be read to be sent.
fn unreadable(e: MediaError) -> AtelierError {
    AtelierError::Invalid(format!(
        "A picture in the prompt cannot be read from the library ({e}): remove it from the \
         prompt."
    ))
}

/// The references ready to go.
#[derive(Default)]
struct Carried {
    /// Image prompts as data.
    images: Vec<ImageData>,
    /// Image prompts as addresses: before the prompt's text, as Midjourney reads them.
    leading: Vec<Url>,
    /// Style and omni references as addresses, for `--sref` and `--oref` after the text.
    params: Vec<(SourceRole, Url)>,
}

impl Carried {
    /// The prompt as the service reads it: image addresses first, then the person's text,
    /// then one `--sref` with every style address and the `--oref`.
    fn outgoing(self, prompt: &str) -> Outgoing {
        Outgoing {
            text: self.text(prompt),
            images: self.images,
        }
    }

    fn text(&self, prompt: &str) -> String {
        let mut words: Vec<String> = self.leading.iter().map(Url::to_string).collect();
        words.push(prompt.to_owned());
        for (flag, role) in [("--sref", SourceRole::Style), ("--oref", SourceRole::Omni)] {
            let urls: Vec<&str> = self
                .params
                .iter()
                .filter(|(r, _)| *r == role)
                .map(|(_, u)| u.as_str())
                .collect();
            if !urls.is_empty() {
                words.push(format!("{flag} {}", urls.join(" ")));
            }
        }
        words.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(u: &str) -> Url {
        Url::parse(u).unwrap()
    }

    #[test]
    fn addresses_go_where_midjourney_reads_them() {
        let carried = Carried {
            images: Vec::new(),
            leading: vec![
                url("https://cdn.example/a.png"),
                url("https://cdn.example/b.png"),
            ],
            params: vec![
                (SourceRole::Style, url("https://cdn.example/s1.png")),
                (SourceRole::Omni, url("https://cdn.example/o.png")),
                (SourceRole::Style, url("https://cdn.example/s2.png")),
            ],
        };
        assert_eq!(
            carried.text("a fox --ar 16:9"),
            "https://cdn.example/a.png https://cdn.example/b.png a fox --ar 16:9 \
             --sref https://cdn.example/s1.png https://cdn.example/s2.png \
             --oref https://cdn.example/o.png"
        );
        assert_eq!(Carried::default().text("a fox"), "a fox");
    }

    fn refs(roles: &[SourceRole]) -> Vec<PromptReference> {
        let each = roles.iter().enumerate();
        each.map(|(i, &role)| PromptReference {
            image_id: i as i64,
            role,
        })
        .collect()
    }

    #[test]
    fn what_no_picture_could_fix_is_refused_first() {
        let data = Capabilities {
            image_data: true,
            ..Capabilities::default()
        };
        let none = Capabilities::default();
        let ok = refs(&[SourceRole::ImagePrompt, SourceRole::Style, SourceRole::Omni]);
        assert!(check_references("midjourney-proxy", &data, &ok).is_ok());
        let err = check_references("AI-Client", &none, &ok).unwrap_err();
        assert!(
            err.to_string().starts_with("AI-Client takes no pictures"),
            "{err}"
        );
        assert!(err.to_string().contains("midjourney-proxy"), "{err}");
        let parent = refs(&[SourceRole::Parent]);
        assert!(check_references("Demo", &data, &parent).is_err());
        let two_omni = refs(&[SourceRole::Omni, SourceRole::Omni]);
        let err = check_references("Demo", &data, &two_omni).unwrap_err();
        assert!(err.to_string().contains("one omni reference"), "{err}");
    }

    #[test]
    fn a_reference_reaches_the_window_in_camel_case() {
        let r: PromptReference =
            serde_json::from_str(r#"{"imageId":7,"role":"image_prompt"}"#).unwrap();
        assert_eq!(
            r,
            PromptReference {
                image_id: 7,
                role: SourceRole::ImagePrompt
            }
        );
    }
}
