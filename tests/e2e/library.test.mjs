// The library in the real window on a history of thousands of jobs, seeded with real files
// through the core's own store: scroll to the oldest, jump to a month, filter, search, like,
// collect, delete three (to the real trash), undo one, restart: everything as left.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  ROOT,
  closeApp,
  openApp,
  screenshot,
  screenshotEachTest,
  seededHistory,
  startDriver,
  stopAll,
  until,
} from "./harness.mjs";

const JOBS = 3000;
let dataHome;
let media;
let browser;

before(async () => {
  dataHome = seededHistory(JOBS);
  media = join(dataHome, "dev.atelier.app/media");
  await startDriver(dataHome);
  browser = await openApp();
});

screenshotEachTest("library-", () => browser);

after(async () => {
  await browser?.deleteSession().catch(() => {});
  stopAll();
});

const $ = (sel) => browser.$(sel);

/**
 * The count the toolbar shows (its digits ungrouped: "3000 of 3000 jobs") and the cards in
 * view, in order: id, prompt, when, liked, and whether their pictures loaded. One command: the
 * driver serves one at a time.
 */
function view() {
  return browser.execute(() => ({
    count: (document.querySelector('[data-testid="result-count"]')?.textContent ?? "").replace(
      /(\d)[,.\u00a0\u202f](?=\d{3})/g,
      "$1",
    ),
    cards: [...document.querySelectorAll('[data-testid="job"]')].map((card) => ({
      id: Number(card.getAttribute("data-job-id")),
      // On screen, not only in the DOM (rows beyond the edges are rendered too).
      seen: (() => {
        const box = card.getBoundingClientRect();
        const area = card.closest('[data-testid="gallery"]').getBoundingClientRect();
        return box.bottom > area.top && box.top < area.bottom;
      })(),
      prompt: card.querySelector(".prompt")?.textContent ?? "",
      at: Date.parse(card.querySelector("time")?.getAttribute("datetime") ?? ""),
      liked: card.querySelector('[data-testid="like"]')?.getAttribute("aria-pressed") === "true",
      loaded: [...card.querySelectorAll("figure img")].every(
        (img) => img.complete && img.naturalWidth > 0,
      ),
    })),
  }));
}

const cards = async () => (await view()).cards;

const text = async (sel) => {
  const el = await $(sel);
  return (await el.isExisting()) ? el.getText() : "";
};
/** The toolbar's count with its digits ungrouped, as `view` gives it. */
const counted = async () =>
  (await text('[data-testid="result-count"]')).replace(/(\d)[,.\u00a0\u202f](?=\d{3})/g, "$1");

/** How many jobs the Liked view holds, read from its own results; back to All after. */
async function likedCount() {
  await (await $('[data-testid="view-liked"]')).click();
  const { count } = await until(
    browser,
    async () => {
      const v = await view();
      const liked = v.cards.length > 0 && v.cards.every((c) => c.liked);
      return liked && v.count.includes(" of ") && v.count !== `${JOBS} of ${JOBS} jobs` && v;
    },
    "the Liked view",
  );
  await (await $('[data-testid="view-all"]')).click();
  return Number(count.split(" ")[0]);
}
const domSize = () => browser.execute(() => document.getElementsByTagName("*").length);

async function select(sel, value) {
  await (await $(sel)).selectByAttribute("value", value);
}

/**
 * Waits until the count says `fragment`, the cards in view have their pictures and `holds` is
 * true of them (it is how a new query's cards are told from the last one's).
 */
async function settled(fragment, what, holds = () => true) {
  return until(
    browser,
    async () => {
      const { count, cards } = await view();
      const ready = count.includes(fragment) && cards.length > 0 && cards.every((c) => c.loaded);
      return ready && holds(cards) && cards;
    },
    what,
  );
}

/** Paths the run's trash holds that came from the library, relative to it. */
function trashed() {
  const info = join(dataHome, "Trash/info");
  if (!existsSync(info)) return [];
  return readdirSync(info)
    .map((name) => readFileSync(join(info, name), "utf8").match(/^Path=(.*)$/m)?.[1] ?? "")
    .filter((path) => path.startsWith(media))
    .map((path) => path.slice(media.length + 1));
}

test("every job of a long history is one scroll or one jump away", async () => {
  const first = await settled(`${JOBS} of ${JOBS} jobs`, "the newest jobs");
  // As a person reads it: grouped as their locale groups digits (en-US in the C locale).
  assert.equal(await text('[data-testid="result-count"]'), "3,000 of 3,000 jobs");
  assert.ok((await domSize()) < 1500, "a bounded DOM");
  const newest = first[0];
  await screenshot(browser, join(ROOT, "target/e2e/library.png"));

  // The wall: single images, no grid beside its own upscales.
  await (await $('[data-testid="mode-wall"]')).click();
  await until(
    browser,
    () =>
      browser.execute(() => {
        const tiles = [...document.querySelectorAll('[data-testid="wall-tile"] img')];
        return tiles.length > 10 && tiles.every((i) => i.complete && i.naturalWidth > 0);
      }),
    "the wall's pictures",
  );
  assert.match(await counted(), / of \d+ images/);
  // Every tile fits beside the date rail, which comes with the summary after the first page.
  const overflow = await browser.execute(() => {
    const area = document.querySelector('[data-testid="gallery"]').getBoundingClientRect();
    const tiles = [...document.querySelectorAll('[data-testid="wall-tile"]')];
    return Math.max(...tiles.map((t) => t.getBoundingClientRect().right - area.right));
  });
  assert.ok(overflow <= 0, `the wall overflows its area by ${overflow} px`);
  await screenshot(browser, join(ROOT, "target/e2e/library-wall.png"));
  await (await $('[data-testid="mode-cards"]')).click();
  await settled(`${JOBS} of ${JOBS} jobs`, "the cards again");

  // The oldest job (seeded first) is at the end.
  await (await $('[data-testid="job"]')).click();
  await browser.keys(["End"]);
  const oldest = await until(
    browser,
    async () => {
      const list = await cards();
      const last = list.find((c) => c.id === 1);
      return last?.loaded && last;
    },
    "the oldest job to show with its pictures",
  );
  assert.ok(oldest.at < newest.at);
  assert.ok((await domSize()) < 1500, "still bounded at the far end");

  // Jump to a month from the rail: its jobs are in view.
  const months = await browser.execute(() =>
    [...document.querySelectorAll('[data-testid^="month-"]')].map((m) =>
      m.getAttribute("data-testid"),
    ),
  );
  assert.ok(months.length > 12, `a rail of months (${months.length})`);
  const pick = months[Math.floor(months.length / 2)];
  await (await $(`[data-testid="${pick}"]`)).click();
  const [year, month] = pick.replace("month-", "").split("-").map(Number);
  const inMonth = (c) => {
    const d = new Date(c.at);
    return d.getFullYear() === year && d.getMonth() + 1 === month;
  };
  await until(
    browser,
    async () => (await cards()).some((c) => c.seen && c.loaded && inMonth(c)),
    `the jobs of ${pick} on screen with their pictures`,
  );
});

test("filter, search, like and collect", async () => {
  await (await $('[data-testid="view-all"]')).click();
  await select('[data-testid="filter-aspect"]', "16:9");
  const wide = await settled(" of 3000 jobs", "the 16:9 jobs");
  assert.ok(
    wide.every((c) => c.prompt.includes("--ar 16:9")),
    "only 16:9 prompts",
  );
  assert.ok(wide.length > 0);
  const wideCount = Number((await counted()).split(" ")[0]);
  assert.ok(wideCount > 100 && wideCount < JOBS, `${wideCount} of them`);
  await select('[data-testid="filter-aspect"]', "");

  const search = await $('[data-testid="search"]');
  await search.setValue("lighthouse");
  await settled(" of 3000 jobs", "the lighthouse jobs", (list) =>
    list.every((c) => c.prompt.includes("lighthouse")),
  );
  await search.clearValue();
  await search.setValue(" ");
  await settled(`${JOBS} of ${JOBS}`, "the whole library again");

  // Like a job: it joins the Liked view.
  const likedBefore = await likedCount();
  const target = (
    await settled(`${JOBS} of ${JOBS}`, "the whole library", (l) => l.some((c) => !c.liked))
  ).find((c) => !c.liked);
  await (await $(`[data-job-id="${target.id}"] [data-testid="like"]`)).click();
  await until(
    browser,
    async () => (await cards()).some((c) => c.id === target.id && c.liked),
    "the heart to fill",
  );
  await (await $('[data-testid="view-liked"]')).click();
  const liked = await settled(`${likedBefore + 1} of ${JOBS}`, "the Liked view");
  assert.ok(
    liked.some((c) => c.id === target.id && c.liked),
    `${target.id} in ${JSON.stringify(liked.map((c) => [c.id, c.liked]))}`,
  );
  await (await $('[data-testid="view-all"]')).click();
  await settled(`${JOBS} of ${JOBS}`, "the whole library");

  // Two jobs into a new collection.
  const [a, b] = await cards();
  await (await $(`[data-job-id="${a.id}"]`)).click();
  await browser.performActions([
    { type: "key", id: "keys", actions: [{ type: "keyDown", value: "\uE009" }] },
  ]);
  await (await $(`[data-job-id="${b.id}"]`)).click();
  await browser.releaseActions();
  assert.equal(await text('[data-testid="selected-count"]'), "2 jobs selected");
  await select('[data-testid="bulk-collect"]', "new");
  await (await $('[data-testid="bulk-collection-name"]')).setValue("Keepers");
  await browser.keys(["Enter"]);
  // Its text, not WebDriver's idea of the visible text: the name is in a box that clips long
  // ones with "…", which WebKitWebDriver's getText reads as hidden. The collection shows as
  // soon as it is made, its count a moment later, once the two jobs are in it.
  const keepers = await until(
    browser,
    () =>
      browser.execute(() =>
        [...document.querySelectorAll('[data-testid^="collection-"]')]
          .find((el) => /^Keepers\s*2$/.test(el.textContent.trim()))
          ?.getAttribute("data-testid"),
      ),
    "the Keepers collection with its 2 jobs",
  );
  await (await $(`[data-testid="${keepers}"]`)).click();
  const collected = await settled(`2 of ${JOBS}`, "the collection's jobs");
  assert.deepEqual(collected.map((c) => c.id).sort(), [a.id, b.id].sort());
  await (await $('[data-testid="view-all"]')).click();
  await settled(`${JOBS} of ${JOBS}`, "the whole library");
});

test("delete three to the trash, undo one, and a restart keeps it all as left", async () => {
  const list = await cards();
  const victims = list.slice(3, 6).map((c) => c.id);
  for (const [n, id] of victims.entries()) {
    await (await $(`[data-job-id="${id}"]`)).click();
    await browser.keys(["Delete"]);
    // The question names the job by its prompt.
    const words = list.find((c) => c.id === id).prompt.split(" --")[0];
    const asked = await text('[data-testid="confirm-delete"] h2');
    assert.ok(asked.startsWith(`Delete “${words.slice(0, 20)}`), asked);
    await (await $('[data-testid="confirm-delete-yes"]')).click();
    await until(browser, async () => !existsSync(join(media, `jobs/${id}`)), `job ${id} to leave`);
    // The cards after it move up a place: the next click waits for them to be there.
    const left = JOBS - n - 1;
    await settled(`${left} of ${left} jobs`, `job ${id} gone from the grid`, (cards) =>
      cards.every((c) => c.id !== id),
    );
  }
  for (const id of victims) {
    assert.ok(trashed().includes(`jobs/${id}`), `job ${id} is in the trash`);
  }
  assert.ok(!(await cards()).some((c) => victims.includes(c.id)));

  // Each deletion has its Undo: the last one brings its job back, files and all.
  const undos = await browser.$$('[data-testid="toast-action"]');
  assert.equal(undos.length, 3);
  await undos[2].click();
  const back = victims[2];
  await settled(`${JOBS - 2} of ${JOBS - 2} jobs`, "the undone job back");
  assert.ok(existsSync(join(media, `jobs/${back}/grid.png`)), "its files are back");
  assert.ok(!trashed().includes(`jobs/${back}`), "and out of the trash");
  const liked = await likedCount();
  await settled(`${JOBS - 2} of ${JOBS - 2} jobs`, "the whole library");

  await closeApp(browser);
  browser = await openApp();
  const after = await settled(`${JOBS - 2} of ${JOBS - 2} jobs`, "the library after a restart");
  const ids = after.map((c) => c.id);
  assert.ok(ids.includes(back), "the undone job stays");
  assert.ok(!ids.includes(victims[0]) && !ids.includes(victims[1]), "the deleted ones stay gone");
  assert.equal(await likedCount(), liked, "likes are kept");
  assert.match(
    await browser.execute(() =>
      [...document.querySelectorAll('[data-testid^="collection-"]')]
        .map((el) => el.textContent)
        .join("|"),
    ),
    /Keepers\s*2/,
    "the collection is kept",
  );
});
