// The layout in the real window, from the smallest size it allows to a large one, after a
// 5,000-character prompt (the kind that once made the page 34,705 px wide): the page never
// scrolls sideways, the search, account, Accounts and Imagine stay in the window with Recent
// or the composer open, a card is seen whole at 720×520, and choosing cards with Shift-click
// and Ctrl+A selects no text. Screenshots of the main screens in target/e2e/layout-*.png.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  LONG_PROMPT,
  ROOT,
  cardsOn,
  clickWhenReady,
  fillPrompt,
  openApp,
  screenshot,
  startDriver,
  stopAll,
  until,
} from "./harness.mjs";

let browser;

const SIZES = [
  [720, 520],
  [1024, 700],
  [1280, 860],
  [1920, 1080],
];
const SHOTS = join(ROOT, "target/e2e");

before(async () => {
  await startDriver();
  browser = await openApp();
  await (await browser.$('[data-testid="prompt"]')).waitForDisplayed({ timeout: 30_000 });
  mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.deleteSession().catch(() => {});
  stopAll();
});

const click = (sel) => clickWhenReady(browser, sel);
const shot = (name) => screenshot(browser, join(SHOTS, `layout-${name}.png`));

async function send(prompt) {
  const before = (await cardsOn(browser)).length;
  await fillPrompt(browser, prompt);
  await click('[data-testid="submit"]');
  await until(
    browser,
    async () => {
      const cards = await cardsOn(browser);
      return cards.length === before + 1 && cards.every((c) => c.status === "done");
    },
    `the job of “${prompt.slice(0, 30)}…” done`,
    120_000,
  );
}

/** Resizes the window and waits until the page has the size it got. */
async function resize(width, height) {
  await browser.setWindowSize(width, height);
  return until(
    browser,
    () =>
      browser.execute(
        (w) =>
          // The page is the window less its menu bar; a size the window manager refused is
          // reported as it is.
          Math.abs(innerWidth - w) <= 40 ? { width: innerWidth, height: innerHeight } : null,
        width,
      ),
    `the window at ${width}×${height}`,
  );
}

/**
 * What is wrong with the page as it is: wider or taller than the window, or one of the
 * controls a person needs not wholly inside it.
 */
function problems() {
  return browser.execute(() => {
    const out = [];
    const page = document.documentElement;
    if (page.scrollWidth > innerWidth)
      out.push(`page ${page.scrollWidth} px wide in ${innerWidth}`);
    if (page.scrollHeight > innerHeight) {
      out.push(`page ${page.scrollHeight} px high in ${innerHeight}`);
    }
    for (const id of ["search", "account-switcher", "open-settings", "submit", "toggle-sidebar"]) {
      const el = document.querySelector(`[data-testid="${id}"]`);
      const box = el?.getBoundingClientRect();
      const inside =
        box &&
        box.width > 0 &&
        box.left >= 0 &&
        box.top >= 0 &&
        box.right <= innerWidth &&
        box.bottom <= innerHeight;
      if (!inside) out.push(`${id} at ${JSON.stringify(box)} in ${innerWidth}×${innerHeight}`);
    }
    return out;
  });
}

/** How many cards are wholly inside the grid's visible area, and the heights that decide it. */
function wholeCards() {
  return browser.execute(() => {
    const height = (sel) => Math.round(document.querySelector(sel)?.getBoundingClientRect().height);
    const area = document.querySelector('[data-testid="gallery"]').getBoundingClientRect();
    const cards = [...document.querySelectorAll('[data-testid="job"]')];
    const whole = cards.filter((card) => {
      const box = card.getBoundingClientRect();
      return (
        box.top >= area.top &&
        box.bottom <= area.bottom &&
        box.left >= area.left &&
        box.right <= area.right
      );
    }).length;
    const heights = ["topbar", "promptbar", "toolbar", "grid-scroll", "card"].map(
      (name) => `${name} ${height(`.${name}`)}`,
    );
    return { whole, heights: heights.join(", ") };
  });
}

async function panel(name, open) {
  const toggle = await browser.$(`[data-testid="toggle-${name}"]`);
  if ((await toggle.getAttribute("aria-expanded")) !== String(open)) await toggle.click();
}

test("a 5,000-character prompt widens nothing, at any size from 720×520 up", async () => {
  await send("an origami crane --ar 3:4");
  await send(LONG_PROMPT);
  assert.ok(LONG_PROMPT.length >= 5_000);
  const seen = [];
  for (const [width, height] of SIZES) {
    const inner = await resize(width, height);
    seen.push(`${width}×${height}: page ${inner.width}×${inner.height}`);
    const at = `${width}×${height}`;

    await panel("recent", true);
    await (await browser.$('[data-testid="recent-prompt"]')).waitForDisplayed();
    assert.deepEqual(await problems(), [], `with Recent open at ${at}`);
    if (width !== 1024) await shot(`${width}x${height}-recent`);
    await panel("recent", false);

    await panel("params", true);
    await (await browser.$('[data-testid="composer"]')).waitForDisplayed();
    assert.deepEqual(await problems(), [], `with the composer open at ${at}`);
    if (width !== 1024) await shot(`${width}x${height}-composer`);
    await panel("params", false);

    if (width !== 1024) await shot(`${width}x${height}-cards`);
    assert.deepEqual(await problems(), [], `at ${at}`);
    const cards = await wholeCards();
    assert.ok(cards.whole >= 1, `a card seen whole at ${at}: ${cards.heights}`);
  }
  console.log(seen.join("\n"));
});

test("in a narrow window the side bar opens over the grid and closes on a choice", async () => {
  await resize(720, 520);
  assert.equal(await (await browser.$('[data-testid="sidebar"]')).isExisting(), false);
  await click('[data-testid="toggle-sidebar"]');
  await (await browser.$('[data-testid="sidebar"]')).waitForDisplayed();
  assert.deepEqual(await problems(), [], "with the side bar open");
  await shot("720x520-sidebar");
  await click('[data-testid="view-liked"]');
  await (await browser.$('[data-testid="sidebar"]')).waitForExist({ reverse: true });
  await click('[data-testid="toggle-sidebar"]');
  await click('[data-testid="view-all"]');
  await (await browser.$('[data-testid="sidebar"]')).waitForExist({ reverse: true });
});

test("Shift-click and Ctrl+A choose cards without selecting text", async () => {
  await resize(1280, 860);
  const [first, second] = await cardsOn(browser);
  await click(`[data-job-id="${first.id}"] .prompt`);
  await browser.performActions([
    { type: "key", id: "keys", actions: [{ type: "keyDown", value: "\uE008" }] },
  ]);
  await click(`[data-job-id="${second.id}"] .prompt`);
  await browser.releaseActions();
  await until(
    browser,
    async () =>
      (await (await browser.$('[data-testid="selected-count"]')).getText()) === "2 jobs selected",
    "two jobs selected",
  );
  assert.equal(await browser.execute(() => getSelection().toString()), "", "after Shift-click");

  await browser.keys(["Control", "a"]);
  await browser.releaseActions();
  assert.equal(await browser.execute(() => getSelection().toString()), "", "after Ctrl+A");
  await shot("1280x860-selection");
  await browser.keys(["Escape"]);

  await click('[data-testid="mode-wall"]');
  await (await browser.$('[data-testid="wall-tile"]')).waitForDisplayed();
  await shot("1280x860-wall");
  await click('[data-testid="mode-cards"]');
});
