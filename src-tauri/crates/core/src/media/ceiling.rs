//! How large a picture Atelier agrees to open. Everything a server sends meets the bomb check;
//! an Enhance, whose size is known before it is asked for, may be larger, up to what its
//! parent's size × its factor makes and what the memory budget allows, one at a time.

use std::sync::{Mutex, MutexGuard};

use super::MediaError;

/// Four times any Midjourney picture's long edge, so a panorama passes and a header announcing
/// a bomb does not.
pub const MAX_EDGE: u32 = 16_384;
/// 64 megapixels, 256 MiB as RGBA: an 8192² picture. A small file that decodes to more is a
/// decompression bomb, and opening it could take the app (and the laptop) down.
pub const MAX_PIXELS: u64 = 64 * 1024 * 1024;
/// WebP keeps each edge minus one in 14 bits, so no WebP is wider or taller than this, and an
/// Enhance arrives as WebP.
pub const WEBP_MAX_EDGE: u32 = 16_383;
/// The memory budget of one decode: 128 megapixels, 512 MiB as RGBA. Only one picture over
/// [`MAX_PIXELS`] is decoded at a time, so this is also what they cost together. 10× of a
/// 1024² upscale (105 MP) fits; 12× (151 MP) does not.
pub const MAX_ENHANCED_PIXELS: u64 = 128 * 1024 * 1024;
/// What a decoder may allocate beside the picture itself (its tables and rows).
const DECODER_OVERHEAD: u64 = 44 * 1024 * 1024;
/// The service may round an enhanced size up a little: an eighth more pixels is still its
/// answer, anything beyond is not.
const SLACK_EIGHTHS: u64 = 9;

/// The largest picture one download may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ceiling {
    max_edge: u32,
    max_pixels: u64,
}

impl Ceiling {
    /// Grids, upscales, previews, imports: the bomb check.
    pub const ORDINARY: Ceiling = Ceiling {
        max_edge: MAX_EDGE,
        max_pixels: MAX_PIXELS,
    };

    /// An Enhance by `factor` of a `width`×`height` upscale: its expected size with a little
    /// slack, never less than the ordinary ceiling nor more than a WebP or the budget holds.
    /// Without the parent's size (it was deleted), as large as the budget allows.
    pub fn enhanced(parent: Option<(u32, u32)>, factor: u32) -> Ceiling {
        let expected = parent.map_or(MAX_ENHANCED_PIXELS, |(w, h)| {
            pixels(w.saturating_mul(factor), h.saturating_mul(factor)) * SLACK_EIGHTHS / 8
        });
        Ceiling {
            max_edge: WEBP_MAX_EDGE,
            max_pixels: expected.clamp(MAX_PIXELS, MAX_ENHANCED_PIXELS),
        }
    }

    pub fn max_edge(self) -> u32 {
        self.max_edge
    }

    /// Refuses a picture over the ceiling before a byte of its pixels is allocated.
    pub fn check(self, width: u32, height: u32) -> Result<(), MediaError> {
        if width > self.max_edge
            || height > self.max_edge
            || pixels(width, height) > self.max_pixels
        {
            return Err(self.oversized(width, height));
        }
        Ok(())
    }

    /// The refusal of a `width`×`height` picture.
    pub fn oversized(self, width: u32, height: u32) -> MediaError {
        MediaError::Oversized {
            width,
            height,
            megapixels: self.max_pixels / 1_000_000,
        }
    }

    /// What the decoder may allocate, the picture included: a limit behind [`Ceiling::check`].
    pub fn decoder_bytes(self) -> u64 {
        self.max_pixels * 4 + DECODER_OVERHEAD
    }
}

fn pixels(width: u32, height: u32) -> u64 {
    u64::from(width) * u64::from(height)
}

/// Held while a picture over [`MAX_PIXELS`] is decoded and thumbnailed, so two of them (each
/// up to 512 MiB) are never in memory at once; smaller pictures need no turn.
pub(super) fn turn_for(width: u32, height: u32) -> Option<MutexGuard<'static, ()>> {
    static LARGE: Mutex<()> = Mutex::new(());
    (pixels(width, height) > MAX_PIXELS)
        // A decode that panicked left nothing behind worth protecting: the lock stays usable.
        .then(|| {
            LARGE
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
        })
}

/// Why an Enhance by `factor` of a `width`×`height` upscale could not be kept, if it could
/// not: its edge would pass what a WebP holds, or its pixels the memory budget.
pub fn enhance_too_large(width: u32, height: u32, factor: u32) -> Option<TooLarge> {
    let (w, h) = (width.saturating_mul(factor), height.saturating_mul(factor));
    if w.max(h) > WEBP_MAX_EDGE {
        Some(TooLarge::Edge {
            width: w,
            height: h,
        })
    } else if pixels(w, h) > MAX_ENHANCED_PIXELS {
        Some(TooLarge::Pixels {
            width: w,
            height: h,
        })
    } else {
        None
    }
}

/// What an Enhance would make that Atelier cannot keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TooLarge {
    Edge { width: u32, height: u32 },
    Pixels { width: u32, height: u32 },
}

impl TooLarge {
    /// "would make a 17,472 px wide picture; the largest Atelier can keep is 16,383 px".
    pub fn describe(self) -> String {
        match self {
            TooLarge::Edge { width, height } => {
                let (edge, side) = if width >= height {
                    (width, "wide")
                } else {
                    (height, "tall")
                };
                format!(
                    "would make a {} px {side} picture; the largest Atelier can keep is {} px",
                    grouped(u64::from(edge)),
                    grouped(u64::from(WEBP_MAX_EDGE))
                )
            }
            TooLarge::Pixels { width, height } => format!(
                "would make a {}×{} picture ({} megapixels); the largest Atelier can open is {} \
                 megapixels",
                grouped(u64::from(width)),
                grouped(u64::from(height)),
                pixels(width, height) / 1_000_000,
                MAX_ENHANCED_PIXELS / 1_000_000
            ),
        }
    }
}

/// 17472 → "17,472".
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ordinary_ceiling_still_refuses_a_bomb() {
        assert!(Ceiling::ORDINARY.check(8192, 8192).is_ok());
        assert!(Ceiling::ORDINARY.check(10_240, 10_240).is_err());
        assert!(Ceiling::ORDINARY.check(16_385, 10).is_err());
    }

    #[test]
    fn an_enhance_may_be_its_parent_times_its_factor_and_a_little_more() {
        let ten = Ceiling::enhanced(Some((1024, 1024)), 10);
        assert!(ten.check(10_240, 10_240).is_ok(), "105 MP, as asked");
        assert!(ten.check(10_400, 10_400).is_ok(), "rounded up a little");
        assert!(ten.check(11_600, 11_600).is_err(), "far more than 10×");
        assert!(ten.check(16_384, 100).is_err(), "no WebP is that wide");
        let eight = Ceiling::enhanced(Some((1456, 816)), 8);
        assert!(eight.check(11_648, 6_528).is_ok(), "76 MP");
        let small = Ceiling::enhanced(Some((128, 72)), 2);
        assert_eq!(
            small.max_pixels, MAX_PIXELS,
            "never below the ordinary ceiling"
        );
        let orphan = Ceiling::enhanced(None, 10);
        assert_eq!(orphan.max_pixels, MAX_ENHANCED_PIXELS);
        assert!(orphan.decoder_bytes() > MAX_ENHANCED_PIXELS * 4);
    }

    #[test]
    fn two_large_pictures_are_never_decoded_at_once() {
        use std::time::Duration;
        let first = turn_for(10_240, 10_240).expect("a large picture waits its turn");
        assert!(turn_for(1024, 1024).is_none(), "a small one needs none");
        let (told, heard) = std::sync::mpsc::channel();
        let second = std::thread::spawn(move || {
            let _turn = turn_for(11_000, 11_000);
            told.send(()).unwrap();
        });
        let early = heard.recv_timeout(Duration::from_millis(300));
        assert!(early.is_err(), "the second waits for the first");
        drop(first);
        heard
            .recv_timeout(Duration::from_secs(10))
            .expect("then takes its turn");
        second.join().unwrap();
    }

    #[test]
    fn a_scale_too_large_to_keep_says_why_in_numbers() {
        assert_eq!(enhance_too_large(1024, 1024, 10), None);
        assert_eq!(enhance_too_large(1456, 816, 10), None);
        let wide = enhance_too_large(1456, 816, 12).unwrap();
        assert_eq!(
            wide.describe(),
            "would make a 17,472 px wide picture; the largest Atelier can keep is 16,383 px"
        );
        let tall = enhance_too_large(816, 1456, 12).unwrap();
        assert!(
            tall.describe().contains("17,472 px tall"),
            "{}",
            tall.describe()
        );
        let heavy = enhance_too_large(1024, 1024, 12).unwrap();
        assert_eq!(
            heavy.describe(),
            "would make a 12,288×12,288 picture (150 megapixels); the largest Atelier can \
             open is 134 megapixels"
        );
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000_000), "1,000,000");
    }
}
