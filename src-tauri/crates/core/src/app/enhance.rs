//! Enhance: a new job made from one upscale of a finished job, on a service that offers it,
//! and the lineage between the two.

use super::{Atelier, AtelierError, Connection};
use crate::engine::EnhanceSource;
use crate::job::{EnhancedCopy, Job, Slot};
use crate::media::enhance_too_large;
use crate::providers::{EnhanceScale, RemoteImage};

/// A checked Enhance with the provider that will send it. Made on the blocking pool (SQLite,
/// the keychain), sent from async code: see [`Atelier::plan_enhance`].
pub struct EnhancePlan {
    connection: Connection,
    source: EnhanceSource,
    scale: EnhanceScale,
}

impl Atelier {
    /// Enhances image `image_id` (an upscale) by `scale`: checks, then sends.
    pub async fn enhance(&self, image_id: i64, scale: EnhanceScale) -> Result<Job, AtelierError> {
        let plan = self.plan_enhance(image_id, scale)?;
        self.enhance_with(plan).await
    }

    /// Checks that the image can be enhanced by `scale` and reads its account's token. The
    /// errors say what the person can do instead.
    pub fn plan_enhance(
        &self,
        image_id: i64,
        scale: EnhanceScale,
    ) -> Result<EnhancePlan, AtelierError> {
        let job = self
            .store
            .job_of_image(image_id)?
            .ok_or_else(|| invalid("That image no longer exists."))?;
        let image = job
            .images
            .iter()
            .find(|i| i.id == image_id)
            .ok_or_else(|| invalid("That image no longer exists."))?;
        let (slot, size) = (image.slot, (image.width, image.height));
        let remote = remote_image(&job, slot)?;
        let account_id = job.account_id.ok_or_else(|| {
            invalid("Its account was deleted, so Atelier cannot ask the service to enhance it.")
        })?;
        let connection = self.connect(account_id)?;
        let service = connection.account.provider;
        let offered = service.capabilities().enhance;
        if offered.is_empty() {
            return Err(invalid(&format!(
                "{} has no Enhance: only upscales made with an ImagineAPI account can be \
                 enhanced.",
                service.display_name()
            )));
        }
        if !offered.contains(&scale) {
            return Err(invalid(&format!(
                "{} cannot enhance by {}.",
                service.display_name(),
                scale.as_str()
            )));
        }
        // Refused here, before anything is sent: the service would charge for a picture
        // Atelier then could not keep.
        if let Some(why) = too_large(size, scale, &offered) {
            return Err(invalid(&why));
        }
        let source = EnhanceSource {
            image_id,
            prompt: job.prompt,
            remote,
        };
        Ok(EnhancePlan {
            connection,
            source,
            scale,
        })
    }

    /// Sends a checked Enhance: the job is recorded before the request leaves, and followed,
    /// downloaded and resumed like any job.
    pub async fn enhance_with(&self, plan: EnhancePlan) -> Result<Job, AtelierError> {
        let EnhancePlan {
            connection,
            source,
            scale,
        } = plan;
        let Connection { account, provider } = connection;
        Ok(self
            .engine
            .enhance(provider, &account, source, scale)
            .await?)
    }

    /// Every Enhance started from the job's images, by slot, oldest first: the viewer's
    /// "Enhanced: 2×, 4×" (the other way is on the enhanced job itself).
    pub fn enhancements(&self, job_id: i64) -> Result<Vec<EnhancedCopy>, AtelierError> {
        Ok(self.store.enhancements_of(job_id)?)
    }
}

/// The upscale as the service knows it, or why it cannot be enhanced.
fn remote_image(job: &Job, slot: Slot) -> Result<RemoteImage, AtelierError> {
    if job.enhancement.is_some() {
        return Err(invalid(
            "This picture is already an enhancement: enhance the upscale it was made from.",
        ));
    }
    if slot == Slot::Grid {
        return Err(invalid(
            "Enhance works on one upscale (U1–U4), not on the grid: open one of the four \
             pictures and enhance that.",
        ));
    }
    let (remote_id, index) = job.upscale_of(slot).ok_or_else(|| {
        invalid("The service never gave this job an id, so it cannot be asked to enhance it.")
    })?;
    Ok(RemoteImage {
        job_remote_id: remote_id.to_owned(),
        index,
    })
}

/// Why an Enhance by `scale` of a picture of `size` cannot be kept, with the largest of the
/// `offered` scales that can.
fn too_large(size: (u32, u32), scale: EnhanceScale, offered: &[EnhanceScale]) -> Option<String> {
    let (width, height) = size;
    let problem = enhance_too_large(width, height, scale.factor())?;
    let fitting = offered
        .iter()
        .filter(|s| enhance_too_large(width, height, s.factor()).is_none())
        .max_by_key(|s| s.factor());
    let advice = match fitting {
        Some(best) => format!("Try {}× or less.", best.factor()),
        None => "No Enhance of this picture fits.".to_owned(),
    };
    Some(format!(
        "{}× {}. {advice}",
        scale.factor(),
        problem.describe()
    ))
}

fn invalid(sentence: &str) -> AtelierError {
    AtelierError::Invalid(sentence.to_owned())
}

#[cfg(test)]
mod tests {
    use strum::VariantArray;

    use super::*;

    #[test]
    fn a_scale_whose_picture_cannot_be_kept_is_refused_with_the_largest_that_can() {
        let all = EnhanceScale::VARIANTS.to_vec();
        assert_eq!(too_large((1456, 816), EnhanceScale::X10, &all), None);
        assert_eq!(
            too_large((1456, 816), EnhanceScale::X12, &all).unwrap(),
            "12× would make a 17,472 px wide picture; the largest Atelier can keep is \
             16,383 px. Try 10× or less."
        );
        let heavy = too_large((2048, 2048), EnhanceScale::X6, &all).unwrap();
        assert!(
            heavy.starts_with("6× would make a 12,288×12,288 picture"),
            "{heavy}"
        );
        assert!(heavy.ends_with("Try 4× or less."), "{heavy}");
        let huge = too_large((9000, 9000), EnhanceScale::X2, &all).unwrap();
        assert!(huge.ends_with("No Enhance of this picture fits."), "{huge}");
    }
}
