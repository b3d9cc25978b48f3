//! One quadrant's landscape: a sky gradient, a glowing sun and three rolling hills.

use super::palette::{hsl, mix, to_bytes, Rgb, SplitMix};

#[derive(Clone, Debug)]
pub struct Scene {
    sky_top: Rgb,
    sky_low: Rgb,
    sun: Rgb,
    sun_xy: (f32, f32),
    sun_r: f32,
    hills: [Hill; 3],
}

/// Far to near: each hill hides the ones before it.
#[derive(Clone, Debug)]
struct Hill {
    color: Rgb,
    bytes: [u8; 3],
    base: f32,
    waves: [(f32, f32, f32); 2], // amplitude, frequency, phase
}

impl Scene {
    pub fn new(hue: f32, rng: &mut SplitMix) -> Scene {
        let hue = hue + (rng.unit() - 0.5) * 0.06;
        let hills = std::array::from_fn(|i| {
            let depth = i as f32;
            let color = hsl(
                hue - 0.04 + depth * 0.03,
                0.30 + 0.12 * depth,
                0.50 - 0.13 * depth,
            );
            Hill {
                color,
                bytes: to_bytes(color),
                base: 0.52 + 0.13 * depth + (rng.unit() - 0.5) * 0.06,
                waves: [
                    (
                        0.03 + 0.05 * rng.unit(),
                        4.0 + 5.0 * rng.unit(),
                        6.3 * rng.unit(),
                    ),
                    (
                        0.01 + 0.02 * rng.unit(),
                        11.0 + 9.0 * rng.unit(),
                        6.3 * rng.unit(),
                    ),
                ],
            }
        });
        Scene {
            sky_top: hsl(hue, 0.55, 0.80),
            sky_low: hsl(hue + 0.07, 0.65, 0.62),
            sun: hsl(hue + 0.12, 0.85, 0.92),
            sun_xy: (0.2 + 0.6 * rng.unit(), 0.15 + 0.25 * rng.unit()),
            sun_r: 0.07 + 0.08 * rng.unit(),
            hills,
        }
    }

    /// Height of each hill's crest at local column `u` (0..1, downwards).
    pub fn crests(&self, u: f32) -> [f32; 3] {
        self.hills.each_ref().map(|hill| {
            let [(a1, f1, p1), (a2, f2, p2)] = hill.waves;
            hill.base + a1 * (u * f1 + p1).sin() + a2 * (u * f2 + p2).sin()
        })
    }

    /// The sky's colour at local row `v`, without the sun. Tall pictures reach above the top
    /// and below the bottom of the unit square; the gradient holds its end colours there.
    pub fn sky(&self, v: f32) -> Rgb {
        mix(self.sky_top, self.sky_low, v.clamp(0.0, 1.0))
    }

    /// The pixel at local (u, v), given `crests(u)`, `sky(v)` and its bytes, and the size of
    /// one pixel in local units. Most pixels are plain sky or plain hill and are copied from
    /// precomputed bytes; only edges and the sun need arithmetic, which keeps a 2048² grid
    /// quick even in unoptimised builds.
    pub fn pixel(&self, u: f32, v: f32, crests: [f32; 3], sky: (Rgb, [u8; 3]), px: f32) -> [u8; 3] {
        // Coverage of each hill: 0 above its crest, 1 from half a pixel below, a ramp between.
        // Plain loops, not iterator chains: this runs per pixel, also in debug builds.
        let mut cover = [0.0f32; 3];
        let mut hidden_by = None; // the nearest hill covering the pixel completely
        let mut partial = false; // whether a hill nearer than that one covers it in part
        for k in 0..3 {
            cover[k] = ((v - crests[k]) / px + 0.5).clamp(0.0, 1.0);
            if cover[k] >= 1.0 {
                hidden_by = Some(k);
                partial = false;
            } else if cover[k] > 0.0 {
                partial = true;
            }
        }
        let first_visible = hidden_by.map_or(0, |k| k + 1);

        let (dx, dy) = (u - self.sun_xy.0, v - self.sun_xy.1);
        let reach = self.sun_r * 3.5; // glow and disc are both zero beyond this
        let near_sun = hidden_by.is_none() && dx.abs() < reach && dy.abs() < reach;

        if !partial && !near_sun {
            return hidden_by.map_or(sky.1, |k| self.hills[k].bytes);
        }
        let mut c = match hidden_by {
            Some(k) => self.hills[k].color,
            None => sky.0,
        };
        if near_sun {
            let d = (dx * dx + dy * dy).sqrt();
            let glow = (1.0 - d / reach).max(0.0).powi(2) * 0.35;
            c = mix(c, self.sun, glow);
            c = mix(c, self.sun, ((self.sun_r - d) / px + 0.5).clamp(0.0, 1.0));
        }
        for (hill, &cover) in self.hills.iter().zip(&cover).skip(first_visible) {
            c = mix(c, hill.color, cover);
        }
        to_bytes(c)
    }
}
