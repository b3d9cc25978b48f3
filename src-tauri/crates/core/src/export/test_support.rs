//! What the export tests share: jobs, images made with the image crate, and exiftool as the
//! independent reader of what was embedded.

use std::path::Path;
use std::process::Command;

use image::{DynamicImage, ImageFormat, Rgba, RgbaImage};
use serde_json::Value;

use super::Provenance;
use crate::job::{Job, JobStatus};
use crate::providers::ProviderKind;

/// 2026-11-30T14:05:09Z.
pub const MADE_AT: i64 = 1_796_047_509_000;
pub const TRICKY_PROMPT: &str = "a <b>bold</b> & \"quoted\" 'bird' ]]> --no <&>";
pub const JAPANESE_PROMPT: &str = "枝の上の赤い鳥 🐦✨ --niji 6";

pub fn sample() -> Provenance {
    Provenance {
        prompt: "a red bird on a branch --ar 16:9 --v 7".into(),
        parameters: "--ar 16:9 --v 7".into(),
        service: "ImagineAPI".into(),
        generated: true,
        job_id: 42,
        remote_id: Some("abc-123".into()),
        created_at: MADE_AT,
        slot: "U1".into(),
    }
}

pub fn job(id: i64, prompt: &str) -> Job {
    Job {
        id,
        reference: format!("ref-{id}"),
        provider: ProviderKind::ImagineApi,
        account_id: Some(1),
        account_label: "Work".into(),
        remote_id: Some(format!("remote-{id}")),
        prompt: prompt.into(),
        status: JobStatus::Done,
        progress: None,
        error: None,
        preview_rev: 0,
        credits: None,
        created_at: MADE_AT,
        updated_at: MADE_AT + 60_000,
        liked: false,
        seq: id,
        batch: None,
        enhancement: None,
        enhanced: 0,
        made: None,
        made_of: 0,
        buttons: Vec::new(),
        described: Vec::new(),
        images: Vec::new(),
    }
}

/// A 40×24 picture with colour and transparency in every direction (none for JPEG, which
/// has no alpha), encoded by the image crate: the file, and its pixels as decoded.
pub fn fixture(format: ImageFormat) -> (Vec<u8>, DynamicImage) {
    let rgba = RgbaImage::from_fn(40, 24, |x, y| {
        Rgba([
            (x * 6) as u8,
            (y * 10) as u8,
            ((x + y) * 7) as u8,
            255 - (x * 3) as u8,
        ])
    });
    let picture = match format {
        ImageFormat::Jpeg => DynamicImage::ImageRgb8(DynamicImage::ImageRgba8(rgba).to_rgb8()),
        _ => DynamicImage::ImageRgba8(rgba),
    };
    let mut bytes = Vec::new();
    picture
        .write_to(&mut std::io::Cursor::new(&mut bytes), format)
        .unwrap();
    let decoded = decode(&bytes);
    (bytes, decoded)
}

pub fn decode(bytes: &[u8]) -> DynamicImage {
    image::load_from_memory(bytes).expect("a readable image")
}

/// What exiftool reads from a file, tags named with their group (`PNG:Parameters`,
/// `XMP-dc:Description`). Fails, never skips, when exiftool is not installed.
pub fn exiftool(path: &Path) -> Value {
    let output = Command::new("exiftool")
        .args(["-j", "-struct", "-G1"])
        .arg(path)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "the export tests read metadata back with exiftool, which could not be run \
                 ({e}): install it (Debian: apt-get install libimage-exiftool-perl; \
                 scripts/setup.sh does)"
            )
        });
    assert!(
        output.status.success(),
        "exiftool failed on {}: {}",
        path.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let mut all: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    let tags = all.remove(0);
    assert!(
        tags.get("ExifTool:Warning").is_none() && tags.get("ExifTool:Error").is_none(),
        "exiftool finds fault with {}: {tags:#}",
        path.display()
    );
    tags
}

pub fn exiftool_bytes(bytes: &[u8], extension: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("image.{extension}"));
    std::fs::write(&path, bytes).unwrap();
    exiftool(&path)
}

/// A tag's value as text: exiftool turns a value that looks like a number into one.
pub fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => panic!("no such tag"),
        other => other.to_string(),
    }
}

/// The XMP every format carries, as exiftool reads it.
pub fn assert_provenance(tags: &Value, p: &Provenance) {
    let tag = |name: &str| match tags.get(name) {
        Some(value) => text(value),
        None => panic!("no {name} in {tags:#}"),
    };
    assert_eq!(tag("XMP-dc:Description"), p.prompt);
    assert_eq!(tag("XMP-atelier:JobID"), p.job_id.to_string());
    assert_eq!(tag("XMP-atelier:Service"), p.service);
    assert_eq!(Some(tag("XMP-atelier:RemoteJobID")), p.remote_id);
    assert_eq!(tag("XMP-atelier:Slot"), p.slot);
    assert_eq!(tag("XMP-atelier:PromptParameters"), p.parameters);
    assert_eq!(tag("XMP-xmp:CreateDate"), "2026:11:30 14:05:09Z");
    assert_eq!(
        tag("XMP-iptcExt:DigitalSourceType"),
        "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
    );
}
