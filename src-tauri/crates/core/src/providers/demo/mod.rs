//! The Demo provider: works offline, costs nothing, and goes through the same pipeline as a
//! real service (submit, poll with progress, assets saved, thumbnails, events), so a new user
//! can try everything before they have an account.
//!
//! It keeps no state: a job's id carries its start time, seed and prompt, so a Demo job
//! still finishes after the app restarts. Each job gets a new seed, as on a real service,
//! unless the prompt names one with `--seed`. It takes image prompts as data, as
//! midjourney-proxy does: their average colour tints the pictures (and rides in the id too),
//! so a reference visibly changes what comes back.

pub mod art;

use std::time::Duration;

use async_trait::async_trait;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::ImageEncoder;
use url::Url;

use super::{
    Asset, Capabilities, Health, ImageData, Outputs, Provider, ProviderError, ProviderKind,
    RemoteJob, RemoteState,
};
use crate::clock::now_ms;

const SERVICE: &str = "Demo";

pub struct Demo {
    queued: Duration,
    running: Duration,
}

impl Default for Demo {
    fn default() -> Self {
        Self::new(Duration::from_millis(800), Duration::from_secs(4))
    }
}

impl Demo {
    pub fn new(queued: Duration, running: Duration) -> Self {
        Self { queued, running }
    }
}

#[async_trait]
impl Provider for Demo {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Demo
    }

    async fn submit(&self, prompt: &str, reference: &str) -> Result<RemoteJob, ProviderError> {
        Ok(started(prompt, reference, None))
    }

    fn capabilities(&self) -> Capabilities {
        capabilities()
    }

    async fn submit_with_images(
        &self,
        prompt: &str,
        reference: &str,
        images: &[ImageData],
    ) -> Result<RemoteJob, ProviderError> {
        if images.is_empty() {
            return self.submit(prompt, reference).await;
        }
        let images = images.to_vec();
        let tint = tokio::task::spawn_blocking(move || average_colour(&images))
            .await
            .map_err(|e| bad_response(e.to_string()))??;
        Ok(started(prompt, reference, Some(tint)))
    }

    async fn poll(&self, remote_id: &str) -> Result<RemoteState, ProviderError> {
        let job = JobId::decode(remote_id).ok_or(ProviderError::NotFound { service: SERVICE })?;
        let elapsed = Duration::from_millis(now_ms().saturating_sub(job.started_ms).max(0) as u64);
        if elapsed < self.queued {
            return Ok(RemoteState::Queued);
        }
        let running = elapsed - self.queued;
        if running < self.running {
            let progress = (running.as_secs_f64() / self.running.as_secs_f64() * 100.0) as u8;
            return Ok(RemoteState::Running {
                progress: Some(progress.min(99)),
                preview: None,
            });
        }
        let upscales = (1..=4)
            .filter_map(|i| Url::parse(&format!("demo:u{i}/{remote_id}")).ok())
            .collect();
        Ok(RemoteState::Completed(Outputs {
            grid: None,
            upscales,
            ..Outputs::default()
        }))
    }

    async fn find_by_reference(
        &self,
        _reference: &str,
    ) -> Result<Option<RemoteJob>, ProviderError> {
        // A Demo submit cannot be lost in transit: there is no transit.
        Ok(None)
    }

    async fn health(&self) -> Result<Health, ProviderError> {
        Ok(Health {
            healthy: true,
            summary: "Demo works offline on this computer; no account needed.".into(),
        })
    }

    async fn fetch_asset(&self, url: &Url) -> Result<Asset, ProviderError> {
        let bad = || ProviderError::NotFound { service: SERVICE };
        let (which, remote_id) = url.path().split_once('/').ok_or_else(bad)?;
        let index = which
            .strip_prefix('u')
            .and_then(|n| n.parse::<u32>().ok())
            .filter(|n| (1..=4).contains(n));
        let index = index.ok_or_else(bad)? - 1;
        let job = JobId::decode(remote_id).ok_or_else(bad)?;
        tokio::task::spawn_blocking(move || picture(&job, index))
            .await
            .map_err(|e| ProviderError::BadResponse {
                service: SERVICE,
                detail: e.to_string(),
            })?
            .map(Asset::Memory)
    }
}

/// What the Demo takes beyond a prompt: image prompts as data, as midjourney-proxy does.
pub fn capabilities() -> Capabilities {
    Capabilities {
        image_data: true,
        ..Capabilities::default()
    }
}

/// A new Demo job, queued from now.
fn started(prompt: &str, reference: &str, tint: Option<[u8; 3]>) -> RemoteJob {
    // The reference is new for every job, so repeats of a prompt differ.
    let seed = seed_of(prompt).unwrap_or(art::fnv1a(reference.as_bytes()) as u32);
    let id = JobId {
        started_ms: now_ms(),
        seed,
        tint,
        prompt: prompt.to_owned(),
    };
    RemoteJob {
        remote_id: id.encode(),
        state: RemoteState::Queued,
        ahead: None,
    }
}

fn bad_response(detail: String) -> ProviderError {
    ProviderError::BadResponse {
        service: SERVICE,
        detail,
    }
}

/// The average colour of the pictures, each weighed alike.
fn average_colour(images: &[ImageData]) -> Result<[u8; 3], ProviderError> {
    let mut sum = [0u64; 3];
    let mut pixels = 0u64;
    for data in images {
        let img = image::load_from_memory(&data.bytes)
            .map_err(|e| bad_response(format!("an image prompt is not a picture: {e}")))?;
        // A small copy is as good for an average and far cheaper.
        for px in img.thumbnail(32, 32).to_rgb8().pixels() {
            for (total, channel) in sum.iter_mut().zip(px.0) {
                *total += u64::from(channel);
            }
            pixels += 1;
        }
    }
    Ok(sum.map(|total| (total / pixels.max(1)) as u8))
}

/// How far the pictures lean to an image prompt's colour: enough to see at a glance.
const TINT_WEIGHT: f32 = 0.45;

fn picture(job: &JobId, index: u32) -> Result<Vec<u8>, ProviderError> {
    let (w, h) = art::size_for(aspect_of(&job.prompt));
    let mut img = art::render(&job.prompt, job.seed, index, w, h);
    if let Some(tint) = job.tint {
        for px in img.pixels_mut() {
            for (channel, toward) in px.0.iter_mut().zip(tint) {
                let mixed =
                    f32::from(*channel) + (f32::from(toward) - f32::from(*channel)) * TINT_WEIGHT;
                *channel = mixed.round() as u8;
            }
        }
    }
    let mut png = Vec::new();
    PngEncoder::new_with_quality(&mut png, CompressionType::Fast, FilterType::Adaptive)
        .write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
        .map_err(|e| ProviderError::BadResponse {
            service: SERVICE,
            detail: e.to_string(),
        })?;
    Ok(png)
}

/// `--ar W:H` (or `--aspect`), whole numbers as Midjourney requires; 1:1 otherwise.
pub fn aspect_of(prompt: &str) -> (u32, u32) {
    let mut words = prompt.split_whitespace();
    while let Some(word) = words.next() {
        if matches!(word, "--ar" | "--aspect") {
            let parsed = words
                .next()
                .and_then(|v| v.split_once(':'))
                .and_then(|(w, h)| Some((w.parse::<u32>().ok()?, h.parse::<u32>().ok()?)));
            if let Some((w, h)) = parsed.filter(|(w, h)| *w > 0 && *h > 0) {
                return (w, h);
            }
        }
    }
    (1, 1)
}

/// `--seed N` (a whole number up to 4294967295, as Midjourney takes), if the prompt has one.
pub fn seed_of(prompt: &str) -> Option<u32> {
    let mut words = prompt.split_whitespace();
    while let Some(word) = words.next() {
        if word == "--seed" {
            return words.next()?.parse().ok();
        }
    }
    None
}

/// What a Demo job id carries: when it started and what to draw.
struct JobId {
    started_ms: i64,
    seed: u32,
    /// The average colour of the image prompts sent with it, if any.
    tint: Option<[u8; 3]>,
    prompt: String,
}

impl JobId {
    /// `{ms}s{seed}-{prompt as hex}`, or `{ms}s{seed}t{rrggbb}-{prompt as hex}` with a tint.
    fn encode(&self) -> String {
        let hex: String = self.prompt.bytes().map(|b| format!("{b:02x}")).collect();
        let tint = self
            .tint
            .map_or(String::new(), |[r, g, b]| format!("t{r:02x}{g:02x}{b:02x}"));
        format!("{}s{}{tint}-{hex}", self.started_ms, self.seed)
    }

    fn decode(id: &str) -> Option<JobId> {
        let (head, hex) = id.split_once('-')?;
        // Ids made before seeds (`{ms}-{hex}`) draw what they drew then: seed 0.
        let (ms, seed, tint) = match head.split_once('s') {
            Some((ms, rest)) => match rest.split_once('t') {
                Some((seed, tint)) => (ms, seed.parse().ok()?, Some(colour(tint)?)),
                None => (ms, rest.parse().ok()?, None),
            },
            None => (head, 0, None),
        };
        let bytes = (0..hex.len())
            .step_by(2)
            .map(|i| {
                hex.get(i..i + 2)
                    .and_then(|b| u8::from_str_radix(b, 16).ok())
            })
            .collect::<Option<Vec<u8>>>()?;
        Some(JobId {
            started_ms: ms.parse().ok()?,
            seed,
            tint,
            prompt: String::from_utf8(bytes).ok()?,
        })
    }
}

/// `rrggbb` as a colour.
fn colour(hex: &str) -> Option<[u8; 3]> {
    let channel = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
    (hex.len() == 6).then_some(())?;
    Some([channel(0)?, channel(2)?, channel(4)?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aspect_ratios_are_read_from_the_prompt() {
        assert_eq!(aspect_of("a fox --ar 16:9 --v 6"), (16, 9));
        assert_eq!(aspect_of("a fox --aspect 2:3"), (2, 3));
        assert_eq!(aspect_of("a fox --ar 1.5:1"), (1, 1));
        assert_eq!(aspect_of("a fox"), (1, 1));
    }

    #[test]
    fn job_ids_round_trip_any_prompt() {
        let id = JobId {
            started_ms: 42,
            seed: 4_294_967_295,
            tint: None,
            prompt: "ünïcode — fox --ar 16:9".into(),
        }
        .encode();
        let back = JobId::decode(&id).unwrap();
        assert_eq!(
            (back.started_ms, back.seed, back.prompt.as_str()),
            (42, 4_294_967_295, "ünïcode — fox --ar 16:9")
        );
        assert!(JobId::decode("nonsense").is_none());
        assert!(JobId::decode("1-zz").is_none());
        assert!(JobId::decode("1sx-66").is_none());
        assert!(JobId::decode("1s2tzz0000-66").is_none());
        assert_eq!(
            JobId::decode("1s2tff8000-66").unwrap().tint,
            Some([255, 128, 0])
        );
        let old = JobId::decode("42-666f78").unwrap();
        assert_eq!(
            (old.started_ms, old.seed, old.prompt.as_str()),
            (42, 0, "fox")
        );
    }

    #[test]
    fn seeds_are_read_from_the_prompt() {
        assert_eq!(seed_of("a fox --seed 1234 --ar 2:3"), Some(1234));
        assert_eq!(seed_of("a fox --seed 4294967295"), Some(u32::MAX));
        assert_eq!(seed_of("a fox --seed -1"), None);
        assert_eq!(seed_of("a fox --seed"), None);
        assert_eq!(seed_of("a fox"), None);
    }

    async fn finished(demo: &Demo, prompt: &str) -> Vec<image::DynamicImage> {
        finished_with(demo, prompt, &[]).await
    }

    async fn finished_with(
        demo: &Demo,
        prompt: &str,
        images: &[ImageData],
    ) -> Vec<image::DynamicImage> {
        let reference = uuid::Uuid::new_v4().to_string();
        let job = demo.submit_with_images(prompt, &reference, images).await;
        let job = job.unwrap();
        let RemoteState::Completed(out) = demo.poll(&job.remote_id).await.unwrap() else {
            panic!("an instant demo should be done");
        };
        assert_eq!(out.grid, None);
        let mut images = Vec::new();
        for url in &out.upscales {
            let Asset::Memory(bytes) = demo.fetch_asset(url).await.unwrap() else {
                panic!("demo is offline")
            };
            images.push(image::load_from_memory(&bytes).unwrap());
        }
        images
    }

    fn all_differ(a: &[image::DynamicImage], b: &[image::DynamicImage]) -> bool {
        a.iter().zip(b).all(|(x, y)| x.as_bytes() != y.as_bytes())
    }

    #[tokio::test]
    async fn each_job_gets_new_pictures_unless_the_prompt_names_a_seed() {
        let demo = Demo::new(Duration::ZERO, Duration::ZERO);
        let a = finished(&demo, "a lighthouse").await;
        let again = finished(&demo, "a lighthouse").await;
        let c = finished(&demo, "a red barn").await;
        assert_eq!(a.len(), 4);
        assert!(all_differ(&a, &again), "a repeat is a new seed");
        assert!(all_differ(&a, &c));
        let seeded = finished(&demo, "a lighthouse --seed 42").await;
        let same = finished(&demo, "a lighthouse --seed 42").await;
        assert!(seeded
            .iter()
            .zip(&same)
            .all(|(x, y)| x.as_bytes() == y.as_bytes()));
        assert!(all_differ(
            &seeded,
            &finished(&demo, "a lighthouse --seed 43").await
        ));
        for i in 0..4 {
            for j in i + 1..4 {
                assert_ne!(
                    a[i].as_bytes(),
                    a[j].as_bytes(),
                    "images {i} and {j} are the same"
                );
            }
        }
    }

    fn solid_png(colour: [u8; 3]) -> ImageData {
        let img = image::RgbImage::from_pixel(8, 8, image::Rgb(colour));
        let mut bytes = std::io::Cursor::new(Vec::new());
        img.write_to(&mut bytes, image::ImageFormat::Png).unwrap();
        ImageData {
            mime: "image/png",
            bytes: bytes.into_inner(),
        }
    }

    /// How red the picture is on average, less how green and blue.
    fn redness(img: &image::DynamicImage) -> f64 {
        let rgb = img.thumbnail(32, 32).to_rgb8();
        let sum: f64 = rgb
            .pixels()
            .map(|p| f64::from(p[0]) - (f64::from(p[1]) + f64::from(p[2])) / 2.0)
            .sum();
        sum / rgb.pixels().len() as f64
    }

    #[tokio::test]
    async fn an_image_prompt_leans_the_pictures_toward_its_colour() {
        let demo = Demo::new(Duration::ZERO, Duration::ZERO);
        assert!(demo.capabilities().image_data);
        let prompt = "a lighthouse --seed 7";
        let plain = finished(&demo, prompt).await;
        let red = finished_with(&demo, prompt, &[solid_png([230, 20, 20])]).await;
        let blue = finished_with(&demo, prompt, &[solid_png([20, 20, 230])]).await;
        assert!(all_differ(&plain, &red) && all_differ(&red, &blue));
        for i in 0..4 {
            assert!(redness(&red[i]) > redness(&plain[i]) + 40.0, "picture {i}");
            assert!(redness(&blue[i]) < redness(&plain[i]), "picture {i}");
        }
        let not_a_picture = ImageData {
            mime: "image/png",
            bytes: b"nope".to_vec(),
        };
        let refused = demo.submit_with_images(prompt, "r", &[not_a_picture]).await;
        assert!(matches!(refused, Err(ProviderError::BadResponse { .. })));
    }

    #[tokio::test]
    async fn aspect_16_9_gives_16_9_images() {
        let demo = Demo::new(Duration::ZERO, Duration::ZERO);
        let imgs = finished(&demo, "wide --ar 16:9").await;
        assert!(imgs.iter().all(|i| (i.width(), i.height()) == (1024, 576)));
    }

    #[tokio::test]
    async fn progress_rises_while_running() {
        let demo = Demo::new(Duration::ZERO, Duration::from_secs(3600));
        let job = demo.submit("x", "r").await.unwrap();
        assert!(matches!(
            demo.poll(&job.remote_id).await.unwrap(),
            RemoteState::Running { .. }
        ));
        assert!(matches!(
            demo.poll("bad id").await,
            Err(ProviderError::NotFound { .. })
        ));
    }
}

#[cfg(test)]
mod proptests;
