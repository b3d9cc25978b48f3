// What an ImagineAPI account offers beyond prompts, in the real window against the stand-in:
// Enhance of an upscale as a job of its own, its lineage both ways, and the account's past
// images imported into the library with a progress bar.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  addAccount,
  cardsOn,
  clickWhenReady,
  openApp,
  screenshotEachTest,
  startDriver,
  startStandin,
  stopAll,
  until,
} from "./harness.mjs";

const PAST = 12;
let browser;
let imagineUrl;

before(async () => {
  imagineUrl = await startStandin("imagineapi", "--past", String(PAST));
  await startDriver();
  browser = await openApp();
  await (await browser.$('[data-testid="prompt"]')).waitForDisplayed({ timeout: 30_000 });
  await addAccount(browser, "imagineapi", "Stand-in", imagineUrl, "standin-token");
  await click('[data-testid="close-settings"]');
});

screenshotEachTest("imagineapi-", () => browser);

after(async () => {
  await browser?.deleteSession().catch(() => {});
  stopAll();
});

const $ = (sel) => browser.$(sel);

/** The element's text, or "" while it is not there. */
async function textOf(sel) {
  const el = await $(sel);
  return (await el.isExisting()) ? el.getText() : "";
}

/**
 * The import's summary once its state says it is done, or false. Both are read in one step:
 * read one after the other, a summary from the middle of the run could meet the state of its
 * end, a moment later.
 */
async function finished(summary) {
  const [state, text] = await browser.execute(() =>
    ["import-state", "import-summary"].map(
      (id) => document.querySelector(`[data-testid="${id}"]`)?.textContent ?? "",
    ),
  );
  return state.startsWith("Done.") && summary.test(text) && text;
}

const click = (sel) => clickWhenReady(browser, sel);

const cards = () => cardsOn(browser);

async function viewerShows(slot) {
  await (await $(`[data-testid="image-${slot}"] img`)).doubleClick();
  await (await $('[data-testid="viewer"]')).waitForDisplayed();
}

async function closeViewer() {
  await click('[data-testid="viewer"] button.close');
  await until(browser, async () => !(await $('[data-testid="viewer"]').isExisting()), "closed");
}

test("an upscale enhanced 2× becomes a job of its own, linked both ways", async () => {
  const prompt = "a harbour at noon --ar 1:1";
  await (await $('[data-testid="prompt"]')).setValue(prompt);
  await click('[data-testid="submit"]');
  const source = await until(
    browser,
    async () => {
      const [card] = await cards();
      return card?.prompt === prompt && card.status === "done" && card.images === 5 && card;
    },
    "the prompt's job to finish",
    60_000,
  );

  await viewerShows("u2");
  await click('[data-testid="enhance"]');
  await click('[data-testid="enhance-2x"]');
  await closeViewer();
  const enhanced = await until(
    browser,
    async () => {
      const [card] = await cards();
      return card?.id !== source.id && card.status === "done" && card;
    },
    "the Enhance job to finish",
    60_000,
  );
  assert.equal(enhanced.images, 1, "one picture, the enhanced upscale");
  assert.equal(enhanced.lineage, "Enhance 2× of U2");

  // Back from the source: its U2 lists what was made of it.
  const [, sourceCard] = await cards();
  assert.equal(sourceCard.id, source.id);
  assert.match(sourceCard.lineage, /1 enhanced/);
  await (await $(`[data-job-id="${source.id}"] [data-testid="image-u2"] img`)).doubleClick();
  // textContent: WebKitWebDriver's getText drops text inside a box that clips ("…").
  await until(
    browser,
    async () =>
      (await browser.execute(
        () => document.querySelector('[data-testid="enhanced-into"]')?.textContent,
      )) === "2×",
    "the viewer to list the enhancement",
  );
  await closeViewer();
});

test("the account's past images are imported with a progress bar, once", async () => {
  // The toolbar (with its count) shows when nothing is selected.
  if (await $('[data-testid="clear-selection"]').isExisting())
    await click('[data-testid="clear-selection"]');
  const total = async () => Number((await textOf('[data-testid="result-count"]')).split(" of ")[0]);
  const before = await total();
  await click('[data-testid="open-settings"]');
  await (await $('[data-testid="import-past"]')).waitForDisplayed();
  await click('[data-testid="start-import"]');
  const summary = await until(
    browser,
    () => finished(/Imported \d+/),
    "the import to finish",
    90_000,
  );
  const imported = Number(summary.match(/Imported (\d+)/)[1]);
  assert.ok(imported > 0 && imported < PAST, summary);
  await click('[data-testid="close-settings"]');
  let now;
  await until(
    browser,
    async () => (now = await total()) === before + imported,
    `${imported} more jobs in the library`,
  ).catch((e) => assert.fail(`${e.message}: ${before} before, ${now} now`));

  // Again: everything is already here.
  await click('[data-testid="open-settings"]');
  await click('[data-testid="start-import"]');
  const again = await until(
    browser,
    () => finished(/Imported 0\b/),
    "the second import to find nothing new",
    60_000,
  );
  // Skipped: what the first run brought home, and what was already here then (the jobs this
  // library sent are in the service's list too).
  const skippedBefore = Number(summary.match(/(\d+) skipped/)?.[1] ?? 0);
  assert.match(again, new RegExp(`${imported + skippedBefore} skipped`));
  await click('[data-testid="close-settings"]');
});
