//! Colour arithmetic and the seeded numbers that pick a prompt's palette.

/// A colour with channels in 0..1.
pub type Rgb = [f32; 3];

/// HSL to RGB; hue wraps around, so callers may offset it freely.
pub fn hsl(h: f32, s: f32, l: f32) -> Rgb {
    let h = h.rem_euclid(1.0) * 6.0;
    let chroma = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let x = chroma * (1.0 - (h % 2.0 - 1.0).abs());
    let (r, g, b) = match h as u32 {
        0 => (chroma, x, 0.0),
        1 => (x, chroma, 0.0),
        2 => (0.0, chroma, x),
        3 => (0.0, x, chroma),
        4 => (x, 0.0, chroma),
        _ => (chroma, 0.0, x),
    };
    let m = l - chroma / 2.0;
    [r + m, g + m, b + m]
}

pub fn mix(a: Rgb, b: Rgb, t: f32) -> Rgb {
    [
        a[0] + (b[0] - a[0]) * t,
        a[1] + (b[1] - a[1]) * t,
        a[2] + (b[2] - a[2]) * t,
    ]
}

pub fn to_bytes(c: Rgb) -> [u8; 3] {
    let byte = |x: f32| (x.clamp(0.0, 1.0) * 255.0 + 0.5) as u8;
    [byte(c[0]), byte(c[1]), byte(c[2])]
}

pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A tiny deterministic generator: the same prompt must always paint the same picture.
pub struct SplitMix(pub u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in 0..1.
    pub fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hsl_primaries_and_rounding() {
        assert_eq!(to_bytes(hsl(0.0, 1.0, 0.5)), [255, 0, 0]);
        assert_eq!(to_bytes(hsl(1.0 / 3.0, 1.0, 0.5)), [0, 255, 0]);
        assert_eq!(to_bytes(hsl(-1.0 / 3.0, 1.0, 0.5)), [0, 0, 255]);
        assert_eq!(to_bytes([2.0, -1.0, 0.5]), [255, 0, 128]);
    }
}
