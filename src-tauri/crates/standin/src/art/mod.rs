//! Deterministic pictures for stand-in jobs: a 2×2 grid of small landscapes, one hue per
//! quadrant, derived from the prompt, at any width and height. Pixels are a pure function of their grid coordinates, so
//! an upscale rendered on its own is bit-identical to the matching quadrant of the grid.

mod palette;
mod scene;

use image::{imageops, RgbImage};

use palette::{fnv1a, to_bytes, SplitMix};
use scene::Scene;

/// The four scenes of one job, in U1..U4 order (top-left, top-right, bottom-left, bottom-right).
#[derive(Clone, Debug)]
pub struct Grid {
    width: u32,
    height: u32,
    scenes: [Scene; 4],
}

/// Where a quadrant's pixels fall in scene coordinates. One scene unit is the quadrant's shorter
/// side and the unit square sits centred along the longer one, so scenes keep their proportions
/// at any aspect; for a square grid this is exactly `pixel / half`.
#[derive(Clone, Copy, Debug)]
struct Frame {
    unit: f32,
    off_x: f32,
    off_y: f32,
}

impl Frame {
    fn u(self, lx: f32) -> f32 {
        (lx - self.off_x) / self.unit
    }

    fn v(self, ly: f32) -> f32 {
        (ly - self.off_y) / self.unit
    }
}

impl Grid {
    /// Both sides are rounded up to even numbers so the quadrants tile exactly.
    pub fn new(prompt: &str, width: u32, height: u32) -> Grid {
        let mut rng = SplitMix(fnv1a(prompt.as_bytes()));
        let base_hue = rng.unit();
        let scenes = std::array::from_fn(|q| Scene::new(base_hue + q as f32 * 0.25, &mut rng));
        let even = |n: u32| n.max(2).saturating_add(1) & !1;
        Grid {
            width: even(width),
            height: even(height),
            scenes,
        }
    }

    /// The size of one quadrant, which is also the size of each upscale.
    pub fn quadrant_dimensions(&self) -> (u32, u32) {
        (self.width / 2, self.height / 2)
    }

    /// Renders the whole grid at full size.
    pub fn render_grid(&self) -> RgbImage {
        self.render_region(0, 0, self.width, self.height)
    }

    /// Renders quadrant `index` (0..4, U1..U4 order) at full size.
    pub fn render_quadrant(&self, index: usize) -> RgbImage {
        let (hw, hh) = self.quadrant_dimensions();
        let (x0, y0) = ((index as u32 % 2) * hw, (index as u32 / 2 % 2) * hh);
        self.render_region(x0, y0, hw, hh)
    }

    /// A small, soft, dim rendering of the grid, like Midjourney's partial previews, with its
    /// long side `edge` (at most the grid's) and the grid's aspect.
    pub fn render_preview(&self, edge: u32) -> RgbImage {
        let long = self.width.max(self.height);
        let edge = edge.clamp(1, long);
        let scaled = |side: u32| {
            let exact = f64::from(side) * f64::from(edge) / f64::from(long);
            (exact.round() as u32).clamp(1, edge)
        };
        let (pw, ph) = (scaled(self.width), scaled(self.height));
        let (hw, hh) = (self.width as f32 / 2.0, self.height as f32 / 2.0);
        let (sx, sy) = (
            self.width as f32 / pw as f32,
            self.height as f32 / ph as f32,
        );
        let frame = self.frame();
        let px = sx.max(sy) / frame.unit;
        let sharp = RgbImage::from_fn(pw, ph, |x, y| {
            let (gx, gy) = ((x as f32 + 0.5) * sx, (y as f32 + 0.5) * sy);
            let (right, bottom) = (gx >= hw, gy >= hh);
            let scene = &self.scenes[usize::from(right) + 2 * usize::from(bottom)];
            let u = frame.u(gx - if right { hw } else { 0.0 });
            let v = frame.v(gy - if bottom { hh } else { 0.0 });
            let sky = scene.sky(v);
            image::Rgb(scene.pixel(u, v, scene.crests(u), (sky, to_bytes(sky)), px))
        });
        let mut soft = imageops::blur(&sharp, pw.max(ph) as f32 / 64.0);
        for p in soft.pixels_mut() {
            p.0 = p.0.map(|c| (f32::from(c) * 0.7) as u8);
        }
        soft
    }

    fn frame(&self) -> Frame {
        let (hw, hh) = self.quadrant_dimensions();
        let unit = hw.min(hh);
        Frame {
            unit: unit as f32,
            off_x: (hw - unit) as f32 / 2.0,
            off_y: (hh - unit) as f32 / 2.0,
        }
    }

    /// Renders the `w` × `h` rectangle of grid pixels from (x0, y0).
    fn render_region(&self, x0: u32, y0: u32, w: u32, h: u32) -> RgbImage {
        let (hw, hh) = self.quadrant_dimensions();
        let frame = self.frame();
        let px = 1.0 / frame.unit; // one pixel in scene units, for anti-aliased edges
                                   // Crests depend only on the column and the sky only on the row: work them out once.
        let crests: Vec<Vec<[f32; 3]>> = self
            .scenes
            .iter()
            .map(|s| (0..hw).map(|lx| s.crests(frame.u(lx as f32))).collect())
            .collect();
        let mut raw = Vec::with_capacity(w as usize * h as usize * 3);
        for gy in y0..y0 + h {
            let (ly, row_scenes) = (gy % hh, if gy >= hh { 2 } else { 0 });
            let v = frame.v(ly as f32);
            let skies = [0, 1].map(|side| {
                let sky = self.scenes[row_scenes + side].sky(v);
                (sky, to_bytes(sky))
            });
            for gx in x0..x0 + w {
                let (lx, side) = (gx % hw, usize::from(gx >= hw));
                let q = row_scenes + side;
                let crest = crests[q][lx as usize];
                let rgb = self.scenes[q].pixel(frame.u(lx as f32), v, crest, skies[side], px);
                raw.extend_from_slice(&rgb);
            }
        }
        RgbImage::from_raw(w, h, raw).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_quadrants_match(grid: &Grid) {
        let full = grid.render_grid();
        let (hw, hh) = grid.quadrant_dimensions();
        for q in 0..4 {
            let quad = grid.render_quadrant(q);
            let (x0, y0) = ((q as u32 % 2) * hw, (q as u32 / 2) * hh);
            let crop = imageops::crop_imm(&full, x0, y0, hw, hh).to_image();
            assert!(quad == crop, "quadrant {q}");
        }
    }

    #[test]
    fn quadrants_match_the_grid() {
        assert_quadrants_match(&Grid::new("a lighthouse at dusk", 64, 64));
    }

    #[test]
    fn quadrants_match_a_wide_and_a_tall_grid() {
        let wide = Grid::new("a lighthouse at dusk", 96, 54);
        assert_eq!(wide.render_grid().dimensions(), (96, 54));
        assert_eq!(wide.render_quadrant(2).dimensions(), (48, 27));
        assert_quadrants_match(&wide);
        let tall = Grid::new("a lighthouse at dusk", 28, 64);
        assert_eq!(tall.render_quadrant(1).dimensions(), (14, 32));
        assert_quadrants_match(&tall);
    }

    #[test]
    fn same_prompt_same_picture_and_quadrants_differ() {
        let a = Grid::new("fox", 32, 32).render_grid();
        assert_eq!(a, Grid::new("fox", 32, 32).render_grid());
        assert_ne!(a, Grid::new("owl", 32, 32).render_grid());
        let mean = |q: usize| {
            let img = Grid::new("fox", 32, 32).render_quadrant(q);
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
        let grid = Grid::new("x", 33, 33);
        assert_eq!(grid.render_grid().dimensions(), (34, 34));
        assert_eq!(grid.render_quadrant(3).dimensions(), (17, 17));
        assert_eq!(grid.render_preview(16).dimensions(), (16, 16));
        let wide = Grid::new("x", 256, 144);
        assert_eq!(wide.render_preview(64).dimensions(), (64, 36));
        assert_eq!(wide.render_preview(1000).dimensions(), (256, 144));
    }

    #[test]
    #[ignore = "timing probe: cargo test -p atelier-standin -- --ignored --nocapture"]
    fn full_size_timing() {
        let t = std::time::Instant::now();
        let img = Grid::new("a lighthouse at dusk", 2048, 2048).render_grid();
        eprintln!("render 2048²: {:?}", t.elapsed());
        let t = std::time::Instant::now();
        let png = crate::codec::png(&img).unwrap_or_default();
        eprintln!("encode: {:?}, {} bytes", t.elapsed(), png.len());
    }
}
