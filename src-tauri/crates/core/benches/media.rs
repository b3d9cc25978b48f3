//! Prints how long the media pipeline's CPU steps take on a 2048² grid: decoding, making the
//! thumbnail, and composing a grid from four singles. `cargo bench -p atelier-core --bench media`
//!
//! A plain timing loop (median of several runs) keeps the build free of a benchmark framework.

use std::time::{Duration, Instant};

use atelier_core::media::{make_thumbnail, tile, THUMB_EDGE};
use image::{DynamicImage, Rgb, RgbImage};

const RUNS: usize = 15;

fn main() {
    let grid = test_picture(2048, 2048);
    let mut png = Vec::new();
    grid.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("encode");
    println!(
        "input: 2048x2048 PNG, {} KiB; median of {RUNS} runs",
        png.len() / 1024
    );

    report("decode PNG", || {
        image::load_from_memory(&png).expect("decode");
    });
    let decoded = image::load_from_memory(&png).expect("decode");
    report("thumbnail (fast_image_resize, Lanczos3, JPEG q82)", || {
        make_thumbnail(&decoded, THUMB_EDGE).expect("thumbnail");
    });
    report("thumbnail with image's own resize (for comparison)", || {
        let _ = decoded.resize(
            THUMB_EDGE,
            THUMB_EDGE,
            image::imageops::FilterType::Lanczos3,
        );
    });
    let singles: Vec<DynamicImage> = (0..4).map(|_| test_picture(1024, 1024)).collect();
    report("compose 2x2 grid from four 1024² singles", || {
        let _ = tile(&singles);
    });
}

fn report(what: &str, mut f: impl FnMut()) {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "{what}: median {:.1} ms (min {:.1}, max {:.1})",
        ms(times[RUNS / 2]),
        ms(times[0]),
        ms(times[RUNS - 1])
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Smooth gradients with some texture, so PNG compression and decoding do realistic work.
fn test_picture(w: u32, h: u32) -> DynamicImage {
    DynamicImage::ImageRgb8(RgbImage::from_fn(w, h, |x, y| {
        let n = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)) % 17;
        Rgb([
            (x * 255 / w) as u8,
            (y * 255 / h) as u8,
            ((x + y) % 200 + n) as u8,
        ])
    }))
}
