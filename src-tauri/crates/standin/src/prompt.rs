//! What a prompt asks of a stand-in: Midjourney's `--ar` aspect ratio, and the bracketed
//! markers end-to-end tests write into prompts to script a job from the app's UI.

/// A picture's proportions, width to height, as written after `--ar`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Aspect {
    pub width: u32,
    pub height: u32,
}

impl Aspect {
    pub const SQUARE: Aspect = Aspect {
        width: 1,
        height: 1,
    };

    /// `--ar W:H` or `--aspect W:H` with whole numbers; the last one given decides, and one that
    /// cannot be read counts as square, which is Midjourney's default.
    pub fn of(prompt: &str) -> Aspect {
        let mut found = Aspect::SQUARE;
        let mut words = prompt.split_whitespace();
        while let Some(word) = words.next() {
            if word.eq_ignore_ascii_case("--ar") || word.eq_ignore_ascii_case("--aspect") {
                found = words
                    .next()
                    .and_then(Aspect::parse)
                    .unwrap_or(Aspect::SQUARE);
            }
        }
        found
    }

    fn parse(text: &str) -> Option<Aspect> {
        let (w, h) = text.split_once(':')?;
        let whole = |s: &str| {
            let digits = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
            s.parse::<u32>().ok().filter(|&n| digits && n > 0)
        };
        Some(Aspect {
            width: whole(w)?,
            height: whole(h)?,
        })
    }

    /// Width and height of a picture of this aspect whose long side is `long`. The long side
    /// is rounded up and the short side to the nearest even number, so quadrants tile exactly.
    pub fn fit(self, long: u32) -> (u32, u32) {
        // Rounds up to even without overflowing at u32::MAX.
        let long = long.max(2).saturating_add(1) & !1;
        let (w, h) = (f64::from(self.width), f64::from(self.height));
        let exact = f64::from(long) * w.min(h) / w.max(h);
        let short = (((exact / 2.0).round() as u32) * 2).clamp(2, long);
        if self.width >= self.height {
            (long, short)
        } else {
            (short, long)
        }
    }
}

/// Behaviour that end-to-end tests trigger from the app's UI by writing markers in the prompt.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Script {
    /// `[fail]`: the job fails once it leaves the queue.
    pub fail: bool,
    /// `[slow]`: every phase lasts ten times as long.
    pub slow: bool,
    /// `[broken-image]`: the second upscale is served cut short.
    pub broken_image: bool,
    /// `[no-credits]`: the submission is refused for lack of credits (AI-Client only).
    pub no_credits: bool,
    /// `[enhance-fail]`: the job itself completes, but every Enhance of its upscales fails
    /// once it leaves the queue (ImagineAPI only).
    pub enhance_fail: bool,
}

impl Script {
    pub fn from_prompt(prompt: &str) -> Script {
        Script {
            fail: prompt.contains("[fail]"),
            slow: prompt.contains("[slow]"),
            broken_image: prompt.contains("[broken-image]"),
            no_credits: prompt.contains("[no-credits]"),
            enhance_fail: prompt.contains("[enhance-fail]"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ar(w: u32, h: u32) -> Aspect {
        Aspect {
            width: w,
            height: h,
        }
    }

    #[test]
    fn reads_ar_and_aspect() {
        assert_eq!(Aspect::of("cats --ar 16:9 --v 5"), ar(16, 9));
        assert_eq!(Aspect::of("tall --aspect 9:21"), ar(9, 21));
        assert_eq!(Aspect::of("--AR 3:2 then --ar 2:3"), ar(2, 3));
        assert_eq!(Aspect::of("a cat"), Aspect::SQUARE);
    }

    #[test]
    fn unreadable_ratios_are_square() {
        for prompt in [
            "x --ar",
            "x --ar 16x9",
            "x --ar 1.5:1",
            "x --ar 0:3",
            "x --ar -2:1",
            "x --ar +2:1",
            "x --ar 16:",
            "x --ar 99999999999:1",
            "x --ar16:9",
        ] {
            assert_eq!(Aspect::of(prompt), Aspect::SQUARE, "{prompt}");
        }
    }

    #[test]
    fn fit_keeps_the_long_side_and_rounds_to_even() {
        assert_eq!(Aspect::SQUARE.fit(2048), (2048, 2048));
        assert_eq!(Aspect::SQUARE.fit(33), (34, 34));
        assert_eq!(ar(16, 9).fit(2048), (2048, 1152));
        assert_eq!(ar(16, 9).fit(256), (256, 144));
        assert_eq!(ar(9, 21).fit(2048), (878, 2048));
        assert_eq!(ar(3, 2).fit(100), (100, 66));
        assert_eq!(ar(1000, 1).fit(64), (64, 2));
        assert_eq!(ar(2, 1).fit(0), (2, 2));
        assert_eq!(Aspect::SQUARE.fit(u32::MAX).0 % 2, 0);
    }

    #[test]
    fn markers() {
        let s = Script::from_prompt("x [slow] [broken-image] [no-credits]");
        assert!(s.slow && s.broken_image && s.no_credits && !s.fail && !s.enhance_fail);
        let e = Script::from_prompt("x [enhance-fail]");
        assert!(e.enhance_fail && !e.fail, "the job itself completes");
        assert_eq!(Script::from_prompt("fail"), Script::default());
    }
}
