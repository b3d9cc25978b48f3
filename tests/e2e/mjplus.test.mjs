// A midjourney-proxy account in the real window against the stand-in: Midjourney's buttons
// (V2, U1, Zoom Out, Vary Region with a painted mask), Describe, Blend, a library picture as an
// image prompt, and Remix's prompt; each result in the library with its lineage both ways.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { after, before, beforeEach, test } from "node:test";
import { Key } from "webdriverio";
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

const SECRET = "e2e-secret";
/** Short phases, so the file runs in a few minutes. */
const FAST = ["--pending-ms", "300", "--running-ms", "900", "--secret", SECRET];
const PROMPT = "a paper boat on a puddle --ar 1:1";

let browser;
let proxyUrl;
let dataHome;

before(async () => {
  proxyUrl = await startStandin("mjplus", ...FAST);
  ({ dataHome } = await startDriver());
  browser = await openApp();
  await (await browser.$('[data-testid="prompt"]')).waitForDisplayed({ timeout: 30_000 });
  await addAccount(browser, "mjplus", "Proxy", proxyUrl, SECRET);
  await click('[data-testid="close-settings"]');
});

screenshotEachTest("mjplus-", () => browser);

// A test that failed with the viewer or a dialog open must not take the next ones with it.
beforeEach(async () => {
  if (await browser.$('[data-testid="viewer"]').isExisting()) await closeViewer();
  await browser.keys("Escape");
});

after(async () => {
  await browser?.deleteSession().catch(() => {});
  stopAll();
});

const $ = (sel) => browser.$(sel);
const click = (sel) => clickWhenReady(browser, sel);
const cards = () => cardsOn(browser);
const card = (id) => `[data-job-id="${id}"]`;

/** Every job id on screen now, to tell the next new one apart. */
async function seen() {
  return new Set((await cards()).map((c) => c.id));
}

/** The first job not in `known` once it is done with a picture on its card. */
function newDone(known, what, timeout = 60_000) {
  return until(
    browser,
    async () => {
      const fresh = (await cards()).filter((c) => !known.has(c.id));
      const failed = fresh.find((c) => ["failed", "download_failed", "unknown"].includes(c.status));
      if (failed) throw new Error(`${what} ended ${failed.status}`);
      return fresh.find((c) => c.status === "done") ?? false;
    },
    what,
    timeout,
  );
}

/** Presses one of the service's buttons on a job's card. */
async function press(jobId, kind, nth = 0) {
  const buttons = await browser.$$(`${card(jobId)} [data-testid="action"][data-kind="${kind}"]`);
  assert.ok(buttons.length > nth, `job ${jobId} offers no ${kind} button`);
  await buttons[nth].waitForClickable();
  await buttons[nth].click();
}

/** Opens the viewer on a job's first picture (a Describe's card shows its prompts instead:
 * its header opens it). */
async function openViewer(jobId) {
  const picture = await $(`${card(jobId)} figure img`);
  const target = (await picture.isExisting()) ? picture : await $(`${card(jobId)} header`);
  // doubleClick is a pointer action: it does not scroll the card into view on its own.
  await target.scrollIntoView({ block: "center" });
  await target.doubleClick();
  await (await $('[data-testid="viewer"]')).waitForDisplayed();
}

async function closeViewer() {
  await click('[data-testid="viewer"] button.close');
  await until(browser, async () => !(await $('[data-testid="viewer"]').isExisting()), "closed");
}

/** Texts of every element matching `sel` (textContent: getText drops clipped text). */
function textsOf(sel) {
  return browser.execute(
    (s) => [...document.querySelectorAll(s)].map((e) => e.textContent.trim()),
    sel,
  );
}

/**
 * The viewer of `child` says what it was made from (the parent's picture), and the viewer of
 * `parent` lists `label` among what was made of it.
 */
async function linkedBothWays(parent, child, label) {
  await openViewer(child);
  const from = await until(
    browser,
    async () => (await textsOf('[data-testid="made-from"]')).join(" | "),
    `the viewer to say what ${label} was made from`,
  );
  const [line] = await textsOf('[data-testid="made-lineage"]');
  assert.ok(line.startsWith(`${label} · made from`), line);
  assert.match(from, /“|job \d+/, from);
  await closeViewer();
  await openViewer(parent);
  await until(
    browser,
    async () => (await textsOf('[data-testid="made-into"]')).includes(label),
    `the viewer of its source to list ${label} as made of it`,
  );
  await closeViewer();
}

/** The service's id for a job, from the app's own history (read-only). */
function remoteIdOf(jobId) {
  const db = join(dataHome, "dev.atelier.app", "history.sqlite3");
  const sql = `SELECT remote_id FROM jobs WHERE id = ${Number(jobId)}`;
  return execFileSync("sqlite3", ["-readonly", db, sql]).toString().trim();
}

/** The task as the stand-in shows it, asked with the secret. */
async function taskOf(jobId, base = proxyUrl, headers = { "mj-api-secret": SECRET }) {
  const id = remoteIdOf(jobId);
  assert.ok(id, `job ${jobId} has no task id`);
  const reply = await fetch(`${base}/mj/task/${id}/fetch`, { headers });
  assert.equal(reply.status, 200, `the stand-in knows task ${id}`);
  return reply.json();
}

/** Sends a prompt with the account in use and waits for its job. */
async function imagine(prompt) {
  const known = await seen();
  const box = await $('[data-testid="prompt"]');
  await box.setValue(prompt);
  await click('[data-testid="submit"]');
  const job = await newDone(known, `the job of “${prompt}” to finish`);
  assert.equal(job.prompt, prompt);
  return job;
}

let grid;
let variation;
let upscale;

test("imagine, then V2 and U1 of the variation: each in the library, linked both ways", async () => {
  grid = await imagine(PROMPT);
  assert.equal(grid.images, 1, "the grid, as one picture");

  let known = await seen();
  await press(grid.id, "variation", 1);
  variation = await newDone(known, "V2 to finish");
  assert.equal(variation.images, 1);
  assert.equal(variation.lineage, "V2");

  known = await seen();
  await press(variation.id, "upscale", 0);
  upscale = await newDone(known, "U1 of the variation to finish");
  assert.equal(upscale.images, 1);
  assert.equal(upscale.lineage, "U1");
  // A single picture offers its own actions, as icons.
  const kinds = await browser.execute(
    (sel) => [...document.querySelectorAll(sel)].map((b) => b.getAttribute("data-kind")),
    `${card(upscale.id)} [data-testid="action"]`,
  );
  for (const kind of ["vary_region", "zoom_out", "pan_left"]) assert.ok(kinds.includes(kind));

  await linkedBothWays(grid.id, variation.id, "V2");
  await linkedBothWays(variation.id, upscale.id, "U1");
});

test("Zoom Out and Vary Region with a mask painted on the picture", async () => {
  let known = await seen();
  await press(upscale.id, "zoom_out");
  const zoomed = await newDone(known, "Zoom Out to finish");
  assert.equal(zoomed.images, 1);
  assert.match(zoomed.lineage, /Zoom Out/);

  known = await seen();
  await press(upscale.id, "vary_region");
  const canvas = await $('[data-testid="mask-canvas"]');
  await canvas.waitForDisplayed();
  const send = await $('[data-testid="mask-send"]');
  assert.equal(await send.isEnabled(), false, "nothing painted yet, nothing to send");
  // A brush stroke across the middle, as a hand would drag it.
  await browser
    .action("pointer", { parameters: { pointerType: "mouse" } })
    .move({ origin: canvas, x: -60, y: -20 })
    .down()
    .move({ origin: canvas, x: -20, y: 0, duration: 100 })
    .move({ origin: canvas, x: 30, y: 20, duration: 100 })
    .move({ origin: canvas, x: 60, y: 30, duration: 100 })
    .up()
    .perform();
  await browser.releaseActions();
  await (await $('[data-testid="mask-prompt"]')).setValue("a tiny lighthouse on the boat");
  await send.waitForEnabled();
  await send.click();
  const varied = await newDone(known, "Vary (Region) to finish");
  assert.equal(varied.images, 1);
  assert.match(varied.lineage, /Vary \(Region\)/);

  // The stand-in got the painted mask: some of it white, not all.
  const task = await taskOf(varied.id);
  const share = task.properties.maskWhiteShare;
  assert.ok(share > 0 && share < 1, `white share of the mask: ${share}`);
  assert.equal(task.prompt, "a tiny lighthouse on the boat");

  await linkedBothWays(upscale.id, zoomed.id, zoomed.lineage);
  await linkedBothWays(upscale.id, varied.id, "Vary (Region)");
});

test("Describe of a library picture: one of its prompts goes into the prompt box", async () => {
  const known = await seen();
  await openViewer(variation.id);
  await click('[data-testid="viewer"] [data-testid="describe"]');
  await closeViewer();
  const described = await until(
    browser,
    async () => {
      const fresh = (await cards()).find((c) => !known.has(c.id) && c.status === "done");
      if (!fresh) return false;
      const uses = await browser.$$(`${card(fresh.id)} [data-testid="use-described"]`);
      return uses.length === 4 && fresh;
    },
    "the Describe to answer with four prompts",
  );
  assert.equal(described.lineage, "Describe");
  const prompts = await textsOf(`${card(described.id)} .described-text`);
  const [, second] = await browser.$$(`${card(described.id)} [data-testid="use-described"]`);
  await second.click();
  await until(
    browser,
    async () => (await (await $('[data-testid="prompt"]')).getValue()) === prompts[1],
    "the second prompt in the prompt box",
  );
  await linkedBothWays(variation.id, described.id, "Describe");
  await (await $('[data-testid="prompt"]')).clearValue();
});

/** Ctrl+click on a card's prompt: adds the job to the selection, as a person picks a second. */
async function ctrlClick(jobId) {
  const target = await $(`${card(jobId)} .prompt`);
  await target.scrollIntoView({ block: "center" });
  await browser.releaseActions();
  const keys = browser.action("key").down(Key.Ctrl).pause(0).pause(0).pause(0).up(Key.Ctrl);
  // Where it is on screen, as a person's pointer goes there.
  const [x, y] = await browser.execute((el) => {
    const r = el.getBoundingClientRect();
    return [Math.round(r.left + 20), Math.round(r.top + r.height / 2)];
  }, target);
  const mouse = browser.action("pointer").pause(0).move({ x, y }).down().up().pause(0);
  await browser.actions([keys, mouse]);
  await browser.releaseActions();
}

test("Blend of two library pictures makes one new grid made from both", async () => {
  const known = await seen();
  await (await $(`${card(grid.id)} .prompt`)).click();
  await ctrlClick(upscale.id);
  await until(
    browser,
    async () => (await $('[data-testid="selected-count"]').getText()).startsWith("2 "),
    "two jobs selected",
  );
  await click('[data-testid="bulk-blend"]');
  await click('[data-testid="blend-landscape"]');
  await click('[data-testid="blend-send"]');
  const blended = await newDone(known, "the Blend to finish");
  assert.equal(blended.images, 1);
  assert.equal(blended.lineage, "Blend");
  const task = await taskOf(blended.id);
  assert.equal(task.properties.imageCount, 2);
  assert.equal(task.properties.dimensions, "LANDSCAPE");
  if (await $('[data-testid="clear-selection"]').isExisting())
    await click('[data-testid="clear-selection"]');

  await openViewer(blended.id);
  await until(
    browser,
    async () => (await textsOf('[data-testid="made-from"]')).length === 2,
    "the Blend to be made from both pictures",
  );
  await closeViewer();
  await linkedBothWays(grid.id, blended.id, "Blend");
  await linkedBothWays(upscale.id, blended.id, "Blend");
});

test("a library picture as image prompt: a chip in the composer, sent with the prompt", async () => {
  await openViewer(upscale.id);
  const imageId = await (await $(`${card(upscale.id)} figure`)).getAttribute("data-image-id");
  await click('[data-testid="viewer"] [data-testid="use-as"]');
  await click('[data-testid="viewer"] [data-testid="use-as-image_prompt"]');
  await closeViewer();
  await (await $(`[data-testid="reference-${imageId}"]`)).waitForDisplayed();
  const job = await imagine("the same boat at night --ar 1:1");
  const task = await taskOf(job.id);
  assert.equal(task.properties.imageCount, 1, "the picture went with the prompt as data");
  assert.ok(!(await $(`[data-testid="reference-${imageId}"]`).isExisting()), "chip spent");
});

test("Remix: a variation waits for its prompt, which the dialog sends", async () => {
  const remixUrl = await startStandin("mjplus", ...FAST, "--remix", "true", "--auth", "bearer");
  await addAccount(browser, "mjplus", "Remix proxy", remixUrl, SECRET, { auth: "bearer" });
  await click('[data-testid="close-settings"]');
  const source = await imagine("a kite over dunes --ar 3:2");

  const known = await seen();
  await press(source.id, "variation", 0);
  const dialog = await $('[data-testid="action-prompt"]');
  await dialog.waitForDisplayed({ timeout: 30_000 });
  const text = await $('[data-testid="action-prompt-text"]');
  assert.match(await text.getValue(), /a kite over dunes/);
  await text.clearValue();
  await text.setValue("a red kite over dunes at dawn --ar 3:2");
  await click('[data-testid="action-prompt-send"]');
  const remixed = await newDone(known, "the remixed variation to finish");
  assert.equal(remixed.images, 1);
  assert.equal(remixed.lineage, "V1");
  const task = await taskOf(remixed.id, remixUrl, { authorization: `Bearer ${SECRET}` });
  assert.match(task.prompt, /a red kite over dunes at dawn/);
});
