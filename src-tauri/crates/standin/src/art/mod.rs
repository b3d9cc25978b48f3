//! Deterministic pictures for stand-in jobs: a 2×2 grid of small landscapes, one hue per
//! quadrant, derived from the prompt. Pixels are a pure function of their grid coordinates, so
//! an upscale rendered on its own is bit-identical to the matching quadrant of the grid.

mod palette;
mod scene;

use image::{imageops, RgbImage};

use palette::{fnv1a, to_bytes, SplitMix};
use scene::Scene;

/// The four scenes of one job, in U1..U4 order (top-left, top-right, bottom-left, bottom-right).
#[derive(Clone, Debug)]
pub struct Grid {
    size: u32,
    scenes: [Scene; 4],
}

impl Grid {
    /// `size` is the grid's edge in pixels; it is rounded up to an even number so quadrants tile.
    pub fn new(prompt: &str, size: u32) -> Grid {
        let mut rng = SplitMix(fnv1a(prompt.as_bytes()));
        let base_hue = rng.unit();
        let scenes = std::array::from_fn(|q| Scene::new(base_hue + q as f32 * 0.25, &mut rng));
        Grid {
            size: size.max(2).next_multiple_of(2),
            scenes,
        }
    }

    /// Renders the whole grid at full size.
    pub fn render_grid(&self) -> RgbImage {
        self.render_region(0, 0, self.size)
    }

    /// Renders quadrant `index` (0..4, U1..U4 order) at full size.
    pub fn render_quadrant(&self, index: usize) -> RgbImage {
        let half = self.size / 2;
        let (x0, y0) = ((index as u32 % 2) * half, (index as u32 / 2 % 2) * half);
        self.render_region(x0, y0, half)
    }

    /// A small, soft, dim rendering of the grid, like Midjourney's partial previews.
    pub fn render_preview(&self, edge: u32) -> RgbImage {
        let edge = edge.clamp(1, self.size);
        let half = (self.size / 2) as f32;
        let scale = self.size as f32 / edge as f32;
        let sharp = RgbImage::from_fn(edge, edge, |x, y| {
            let (gx, gy) = ((x as f32 + 0.5) * scale, (y as f32 + 0.5) * scale);
            let (right, bottom) = (gx >= half, gy >= half);
            let scene = &self.scenes[usize::from(right) + 2 * usize::from(bottom)];
            let u = (gx - if right { half } else { 0.0 }) / half;
            let v = (gy - if bottom { half } else { 0.0 }) / half;
            let sky = scene.sky(v);
            let px = scene.pixel(u, v, scene.crests(u), (sky, to_bytes(sky)), scale / half);
            image::Rgb(px)
        });
        let mut soft = imageops::blur(&sharp, edge as f32 / 64.0);
        for p in soft.pixels_mut() {
            p.0 = p.0.map(|c| (f32::from(c) * 0.7) as u8);
        }
        soft
    }

    /// Renders the square of grid pixels from (x0, y0), `edge` wide.
    fn render_region(&self, x0: u32, y0: u32, edge: u32) -> RgbImage {
        let half = self.size / 2;
        let local = |i: u32| i as f32 / half as f32;
        let px = 1.0 / half as f32; // one pixel in local units, for anti-aliased edges
                                    // Crests depend only on the column and the sky only on the row: work them out once.
        let crests: Vec<Vec<[f32; 3]>> = self
            .scenes
            .iter()
            .map(|s| (0..half).map(|lx| s.crests(local(lx))).collect())
            .collect();
        let mut raw = Vec::with_capacity(edge as usize * edge as usize * 3);
        for gy in y0..y0 + edge {
            let (ly, row_scenes) = (gy % half, if gy >= half { 2 } else { 0 });
            let v = local(ly);
            let skies = [0, 1].map(|side| {
                let sky = self.scenes[row_scenes + side].sky(v);
                (sky, to_bytes(sky))
            });
            for gx in x0..x0 + edge {
                let (lx, side) = (gx % half, usize::from(gx >= half));
                let q = row_scenes + side;
                let crest = crests[q][lx as usize];
                let rgb = self.scenes[q].pixel(local(lx), v, crest, skies[side], px);
                raw.extend_from_slice(&rgb);
            }
        }
        RgbImage::from_raw(edge, edge, raw).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quadrants_match_the_grid() {
        let grid = Grid::new("a lighthouse at dusk", 64);
        let full = grid.render_grid();
        for q in 0..4 {
            let quad = grid.render_quadrant(q);
            let (x0, y0) = ((q as u32 % 2) * 32, (q as u32 / 2) * 32);
            let crop = imageops::crop_imm(&full, x0, y0, 32, 32).to_image();
            assert_eq!(quad, crop, "quadrant {q}");
        }
    }

    #[test]
    fn same_prompt_same_picture_and_quadrants_differ() {
        let a = Grid::new("fox", 32).render_grid();
        assert_eq!(a, Grid::new("fox", 32).render_grid());
        assert_ne!(a, Grid::new("owl", 32).render_grid());
        let mean = |q: usize| {
            let img = Grid::new("fox", 32).render_quadrant(q);
            let n = img.pixels().len() as u64;
            img.pixels()
                .fold([0u64; 3], |s, p| {
                    std::array::from_fn(|i| s[i] + u64::from(p.0[i]))
                })
                .map(|s| s / n)
        };
        let means: Vec<_> = (0..4).map(mean).collect();
        for i in 0..4 {
            for j in i + 1..4 {
                assert_ne!(means[i], means[j], "quadrants {i} and {j} look alike");
            }
        }
    }

    #[test]
    fn odd_sizes_round_up_and_preview_is_small() {
        let grid = Grid::new("x", 33);
        assert_eq!(grid.render_grid().dimensions(), (34, 34));
        assert_eq!(grid.render_quadrant(3).dimensions(), (17, 17));
        assert_eq!(grid.render_preview(16).dimensions(), (16, 16));
    }

    #[test]
    #[ignore = "timing probe: cargo test -p atelier-standin -- --ignored --nocapture"]
    fn full_size_timing() {
        let t = std::time::Instant::now();
        let img = Grid::new("a lighthouse at dusk", 2048).render_grid();
        eprintln!("render 2048²: {:?}", t.elapsed());
        let t = std::time::Instant::now();
        let png = crate::codec::png(&img).unwrap_or_default();
        eprintln!("encode: {:?}, {} bytes", t.elapsed(), png.len());
    }
}
