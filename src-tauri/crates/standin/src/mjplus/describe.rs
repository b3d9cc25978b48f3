//! Describe's answer: four numbered prompts, derived from the picture's colour and proportions
//! so that different pictures get different descriptions.

use super::uploads::Upload;

const NUMBERS: [&str; 4] = ["1️⃣", "2️⃣", "3️⃣", "4️⃣"];

/// `1️⃣ … --ar W:H\n\n2️⃣ …` as midjourney-proxy puts it in `properties.finalPrompt`.
pub fn prompts(picture: &Upload) -> String {
    let colour = colour_name(picture.mean);
    let ar = aspect(picture.width, picture.height);
    let lines = [
        format!("a {colour} landscape with rolling hills under a wide sky, soft light --ar {ar}"),
        format!("{colour} mountains at dusk, painterly, muted tones --ar {ar}"),
        format!("an aerial view of {colour} dunes, minimalism, calm --ar {ar}"),
        format!("a {colour} dreamscape, layered silhouettes, atmospheric haze --ar {ar}"),
    ];
    NUMBERS
        .iter()
        .zip(lines)
        .map(|(n, line)| format!("{n} {line}"))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The ratio in lowest terms, as `--ar` takes it.
fn aspect(width: u32, height: u32) -> String {
    fn gcd(a: u32, b: u32) -> u32 {
        if b == 0 {
            a
        } else {
            gcd(b, a % b)
        }
    }
    let g = gcd(width, height).max(1);
    format!("{}:{}", width / g, height / g)
}

fn colour_name([r, g, b]: [u8; 3]) -> &'static str {
    let (max, min) = (r.max(g).max(b), r.min(g).min(b));
    if max < 40 {
        return "black";
    }
    if max - min < 24 {
        return if max > 215 { "white" } else { "grey" };
    }
    match (r == max, g == max) {
        (true, _) if g > b + 40 => "orange",
        (true, _) if b > g + 40 => "magenta",
        (true, _) => "red",
        (_, true) if r > b + 40 => "yellow-green",
        (_, true) => "green",
        _ if r > g + 40 => "violet",
        _ => "blue",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Bytes;

    fn upload(width: u32, height: u32, mean: [u8; 3]) -> Upload {
        Upload {
            bytes: Bytes::new(),
            format: image::ImageFormat::Png,
            width,
            height,
            mean,
            white: 0.0,
        }
    }

    #[test]
    fn four_numbered_prompts_that_follow_the_picture() {
        let red_wide = prompts(&upload(1000, 800, [200, 30, 30]));
        let parts: Vec<_> = red_wide.split("\n\n").collect();
        assert_eq!(parts.len(), 4);
        assert!(parts[0].starts_with("1️⃣ a red landscape"), "{}", parts[0]);
        assert!(parts[3].starts_with("4️⃣ ") && parts[3].ends_with("--ar 5:4"));
        assert_ne!(red_wide, prompts(&upload(512, 512, [20, 40, 200])));
    }
}
