// The real app in a real WebKit window: token into the keychain, a prompt through the stand-in
// ImagineAPI, progress, the grid and four upscales, then a restart with history intact.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { after, before, test } from "node:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import {
  ROOT,
  fileContains,
  filesUnder,
  openApp,
  startDriver,
  startStandin,
  stopAll,
  until,
} from "./harness.mjs";

const TOKEN = "standin-token";
let standinUrl;
let dataHome;
let browser;

before(async () => {
  standinUrl = await startStandin();
  ({ dataHome } = await startDriver());
});

after(async () => {
  await browser?.deleteSession().catch(() => {});
  stopAll();
});

const $ = (sel) => browser.$(sel);
const cards = () => browser.$$('[data-testid="job"]');

async function text(sel) {
  const el = await $(sel);
  return (await el.isExisting()) ? el.getText() : "";
}

async function setInput(sel, value) {
  const el = await $(sel);
  await el.waitForDisplayed();
  await el.clearValue();
  await el.setValue(value);
}

/** Each card's status and which image slots it shows, newest first. */
function gallery() {
  return browser.execute(() =>
    [...document.querySelectorAll('[data-testid="job"]')].map((card) => ({
      status: card.getAttribute("data-status"),
      prompt: card.querySelector(".prompt")?.textContent ?? "",
      error: card.querySelector('[data-testid="job-error"]')?.textContent ?? "",
      images: [...card.querySelectorAll("figure img")].map((img) => ({
        slot: img.closest("figure").getAttribute("data-testid"),
        loaded: img.complete && img.naturalWidth > 0,
      })),
    })),
  );
}

function keychainToken() {
  try {
    const args = ["lookup", "service", "dev.atelier.app", "username", "imagineapi:default"];
    return execFileSync("secret-tool", args, { encoding: "utf8" }).trim();
  } catch {
    return null;
  }
}

test("first run: token into the keychain, a prompt becomes a grid and four upscales", async () => {
  browser = await openApp();
  await (await $('[data-testid="open-settings"]')).waitForClickable({ timeout: 30_000 });
  assert.match(await text('[data-testid="open-settings"]'), /no token/);

  await (await $('[data-testid="open-settings"]')).click();
  await setInput('[data-testid="base-url"]', standinUrl);
  await (await $('[data-testid="save-url"]')).click();
  await until(
    browser,
    async () => (await text('[data-testid="settings-status"]')).includes("Address saved"),
    "address saved",
  );

  // A wrong token is stored, then caught by Test connection before any job is sent.
  await setInput('[data-testid="token"]', "wrong-token");
  await (await $('[data-testid="save-token"]')).click();
  await until(
    browser,
    async () =>
      (await text('[data-testid="token-state"]')).includes("saved in your system keychain"),
    "token state",
  );
  await (await $('[data-testid="test-connection"]')).click();
  const rejected = await until(
    browser,
    () => text('[data-testid="settings-status"]').then((t) => t.includes("rejected") && t),
    "wrong token message",
  );
  assert.match(rejected, /rejected the API token/);

  await setInput('[data-testid="token"]', TOKEN);
  await (await $('[data-testid="save-token"]')).click();
  await until(
    browser,
    async () => (await text('[data-testid="settings-status"]')).includes("Token saved"),
    "token saved",
  );
  assert.equal(keychainToken(), TOKEN, "the token is in the real secret service");
  await (await $('[data-testid="test-connection"]')).click();
  await until(
    browser,
    async () => (await text('[data-testid="settings-status"]')).includes("healthy"),
    "connection healthy",
  );
  await (await $('[data-testid="close-settings"]')).click();

  await setInput('[data-testid="prompt"]', "a lighthouse at dusk --ar 16:9 --chaos 40");
  await (await $('[data-testid="submit"]')).click();

  const running = await until(
    browser,
    async () => {
      const [card] = await gallery();
      return card?.status === "running" && card;
    },
    "the job to run",
  );
  assert.match(running.prompt, /lighthouse/);
  await until(
    browser,
    async () => (await $('[data-testid="progress"]')).isExisting(),
    "a progress bar",
  );
  await until(
    browser,
    async () => /\d+%/.test(await text('[data-testid="job-status"]')),
    "a percentage",
  );

  const done = await until(
    browser,
    async () => {
      const [card] = await gallery();
      return (
        card?.status === "done" &&
        card.images.length === 5 &&
        card.images.every((i) => i.loaded) &&
        card
      );
    },
    "grid and four upscales to load",
    60_000,
  );
  assert.deepEqual(
    done.images.map((i) => i.slot),
    ["image-grid", "image-u1", "image-u2", "image-u3", "image-u4"],
  );

  // The large view opens on click and shows the full image.
  await (await $('[data-testid="image-u3"] img')).click();
  await until(
    browser,
    () =>
      browser.execute(() => {
        const img = document.querySelector('[data-testid="viewer-image"]');
        return !!img && img.complete && img.naturalWidth === 1024;
      }),
    "the viewer to show U3 at full size",
  );
  await browser.keys("Escape");

  // A prompt the service refuses ends in a failed card with the service's reason.
  await setInput('[data-testid="prompt"]', "something not allowed [fail]");
  await (await $('[data-testid="submit"]')).click();
  const failed = await until(
    browser,
    async () => {
      const [card] = await gallery();
      return card?.status === "failed" && card;
    },
    "the refused job to fail",
    30_000,
  );
  assert.match(failed.error, /refused this prompt/);

  mkdirSync(join(ROOT, "target/e2e"), { recursive: true });
  await browser.saveScreenshot(join(ROOT, "target/e2e/gallery.png"));

  const files = filesUnder(dataHome);
  assert.ok(
    files.some((f) => f.endsWith("history.sqlite3")),
    "history is a real SQLite file",
  );
  const leaks = files.filter((f) => fileContains(f, TOKEN));
  assert.deepEqual(leaks, [], "the token must never be written to the app's files");
});

test("in-flight work resumes and history is still there after a restart", async () => {
  await setInput('[data-testid="prompt"]', "northern lights over a fjord");
  await (await $('[data-testid="submit"]')).click();
  await until(
    browser,
    async () => {
      const [card] = await gallery();
      return card?.prompt.includes("northern") && ["queued", "running"].includes(card.status);
    },
    "the third job to be in flight",
  );
  await browser.deleteSession();

  browser = await openApp();
  const after = await until(
    browser,
    async () => {
      const list = await gallery();
      return (
        list.length === 3 &&
        list[0].status === "done" &&
        list.every((c) => c.images.every((i) => i.loaded)) &&
        list
      );
    },
    "the resumed job to finish and history to load",
    60_000,
  );
  assert.deepEqual(
    after.map((c) => c.status),
    ["done", "failed", "done"],
  );
  assert.equal(after[2].images.length, 5);
  assert.match(after[1].error, /refused this prompt/);
  assert.doesNotMatch(await text('[data-testid="open-settings"]'), /no token/);

  await setInput('[data-testid="search"]', "lighthouse");
  await until(browser, async () => (await cards()).length === 1, "search to narrow the gallery");
  assert.match((await gallery())[0].prompt, /lighthouse/);
});
