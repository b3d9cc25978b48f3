//! Pictures for the Demo provider: soft landscapes of light and colour, seeded by the prompt
//! and a seed, so the same prompt and seed always give the same four images and any other
//! prompt or seed gives others.

use image::{Rgb, RgbImage};

/// The long side of each picture, in pixels.
pub const LONG_SIDE: u32 = 1024;

/// Width and height for an aspect ratio, long side fixed (each even, at least 2).
pub fn size_for(aspect: (u32, u32)) -> (u32, u32) {
    let (w, h) = (aspect.0.max(1) as f64, aspect.1.max(1) as f64);
    let even = |v: f64| ((v / 2.0).round() as u32).max(1) * 2;
    if w >= h {
        (LONG_SIDE, even(f64::from(LONG_SIDE) * h / w))
    } else {
        (even(f64::from(LONG_SIDE) * w / h), LONG_SIDE)
    }
}

/// Picture `index` (0..4) of a prompt drawn with `seed`, as Midjourney's `--seed`: the same
/// prompt and seed give the same pictures. Seed 0 draws what Atelier drew before seeds.
pub fn render(prompt: &str, seed: u32, index: u32, width: u32, height: u32) -> RgbImage {
    let mut rng = Rng(fnv1a(prompt.as_bytes())
        ^ u64::from(seed).wrapping_mul(0xD1B5_4A32_D192_ED03)
        ^ u64::from(index + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let hue = rng.unit();
    let sky_top = hsl(hue, 0.55, 0.22);
    let sky_low = hsl(hue + 0.08, 0.65, 0.62);
    let sun = (
        0.2 + 0.6 * rng.unit(),
        0.15 + 0.35 * rng.unit(),
        0.06 + 0.08 * rng.unit(),
    );
    let sun_colour = hsl(hue + 0.12, 0.9, 0.85);
    let hills: Vec<(f32, f32, f32, [f32; 3])> = (0..3)
        .map(|i| {
            let depth = i as f32 / 3.0;
            let level = 0.55 + 0.12 * i as f32 + 0.05 * rng.unit();
            let freq = 2.0 + 5.0 * rng.unit();
            let phase = rng.unit() * std::f32::consts::TAU;
            (
                level,
                freq,
                phase,
                hsl(hue + 0.5 + 0.05 * i as f32, 0.35, 0.32 - 0.08 * depth),
            )
        })
        .collect();
    let aspect = width as f32 / height as f32;
    RgbImage::from_fn(width, height, |x, y| {
        let (u, v) = (x as f32 / width as f32, y as f32 / height as f32);
        let mut c = mix(sky_top, sky_low, v.powf(0.8));
        let d = (((u - sun.0) * aspect).powi(2) + (v - sun.1).powi(2)).sqrt();
        c = mix(c, sun_colour, smooth(sun.2 * 2.5, sun.2 * 0.9, d) * 0.9);
        for (level, freq, phase, colour) in &hills {
            let crest =
                level - 0.06 * (u * freq + phase).sin() - 0.025 * (u * freq * 2.7 + phase).cos();
            c = mix(c, *colour, smooth(crest - 0.004, crest + 0.004, v));
        }
        Rgb(c.map(|ch| (ch.clamp(0.0, 1.0) * 255.0) as u8))
    })
}

fn smooth(edge0: f32, edge1: f32, x: f32) -> f32 {
    let t = ((x - edge0) / (edge1 - edge0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

fn mix(a: [f32; 3], b: [f32; 3], t: f32) -> [f32; 3] {
    [0, 1, 2].map(|i| a[i] + (b[i] - a[i]) * t)
}

fn hsl(h: f32, s: f32, l: f32) -> [f32; 3] {
    let h = h.rem_euclid(1.0) * 6.0;
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let x = c * (1.0 - (h % 2.0 - 1.0).abs());
    let (r, g, b) = match h as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = l - c / 2.0;
    [r + m, g + m, b + m]
}

pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// SplitMix64: small, seedable, and plenty for picking colours.
struct Rng(u64);

impl Rng {
    fn unit(&mut self) -> f32 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 40) as f32 / (1u64 << 24) as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_follow_the_aspect_ratio() {
        assert_eq!(size_for((1, 1)), (1024, 1024));
        assert_eq!(size_for((16, 9)), (1024, 576));
        assert_eq!(size_for((9, 21)), (438, 1024));
    }

    #[test]
    fn same_prompt_same_picture_different_prompt_or_index_differs() {
        let a = render("a fox", 7, 0, 64, 36);
        assert_eq!(a, render("a fox", 7, 0, 64, 36));
        assert_ne!(a, render("an owl", 7, 0, 64, 36));
        assert_ne!(a, render("a fox", 7, 1, 64, 36));
        assert_ne!(a, render("a fox", 8, 0, 64, 36));
    }
}
