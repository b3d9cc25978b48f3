// The real app in a real WebKit window: the Demo provider on a fresh install, accounts with
// tokens in the real keychain, prompts through the stand-in ImagineAPI and AI-Client servers,
// progress, grids and upscales, deleting an account, and a restart with history intact.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  ROOT,
  addAccount as addHarnessAccount,
  clickWhenReady,
  closeApp,
  fileContains,
  filesUnder,
  openApp,
  screenshot,
  screenshotEachTest,
  startDriver,
  startStandin,
  stopAll,
  until,
} from "./harness.mjs";

const TOKEN = "standin-token";
let imagineUrl;
let aiclientUrl;
let dataHome;
let browser;

before(async () => {
  [imagineUrl, aiclientUrl] = await Promise.all([
    startStandin("imagineapi"),
    startStandin("aiclient"),
  ]);
  ({ dataHome } = await startDriver());
});

// A picture of the window after each test, for reading a failure afterwards.
screenshotEachTest("", () => browser);

after(async () => {
  await browser?.deleteSession().catch(() => {});
  stopAll();
});

const $ = (sel) => browser.$(sel);
const $$ = (sel) => browser.$$(sel);

/** Whether a mapped X window has exactly this title. */
function windowTitled(title) {
  try {
    execFileSync("xdotool", ["search", "--onlyvisible", "--name", `^${title}$`]);
    return true;
  } catch {
    return false; // xdotool exits 1 when nothing matches
  }
}

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

const click = (sel) => clickWhenReady(browser, sel);

async function statusSays(fragment, what) {
  return until(
    browser,
    async () => (await text('[data-testid="settings-status"]')).includes(fragment),
    what,
  );
}

/** Each card's status, labels and images, newest first. */
function gallery() {
  return browser.execute(() =>
    [...document.querySelectorAll('[data-testid="job"]')].map((card) => ({
      status: card.getAttribute("data-status"),
      prompt: card.querySelector(".prompt")?.textContent ?? "",
      error: card.querySelector('[data-testid="job-error"]')?.textContent ?? "",
      account: card.querySelector('[data-testid="job-account"]')?.textContent ?? "",
      credits: card.querySelector('[data-testid="job-credits"]')?.textContent ?? "",
      images: [...card.querySelectorAll("figure img")].map((img) => ({
        slot: img.closest("figure").getAttribute("data-testid"),
        loaded: img.complete && img.naturalWidth > 0,
        ratio: img.naturalWidth / img.naturalHeight,
      })),
    })),
  );
}

async function submit(prompt) {
  await setInput('[data-testid="prompt"]', prompt);
  await click('[data-testid="submit"]');
}

/** Waits for the newest card, the one for `prompt`, to finish with a grid and four upscales. */
function newestDone(prompt, what, timeout = 60_000) {
  return until(
    browser,
    async () => {
      const [card] = await gallery();
      const ok = card?.prompt === prompt && card.status === "done" && card.images.length === 5;
      return ok && card.images.every((i) => i.loaded) && card;
    },
    what,
    timeout,
  );
}

function keychainHas(account) {
  try {
    const args = ["lookup", "service", "dev.atelier.app", "username", account];
    return execFileSync("secret-tool", args, { encoding: "utf8" }).trim() || null;
  } catch {
    return null;
  }
}

function addAccount(provider, label, url, token) {
  return addHarnessAccount(browser, provider, label, url, token);
}

test("a fresh install works offline on the Demo provider", async () => {
  browser = await openApp();
  await (await $('[data-testid="prompt"]')).waitForDisplayed({ timeout: 30_000 });
  assert.match(await text('[data-testid="sending-with"]'), /Demo.*offline/);

  const prompt = "a quiet harbour at dawn --ar 16:9";
  await submit(prompt);
  await until(browser, async () => (await gallery())[0]?.status === "running", "demo progress");
  const done = await newestDone(prompt, "the demo job to finish");
  assert.deepEqual(
    done.images.map((i) => i.slot),
    ["image-grid", "image-u1", "image-u2", "image-u3", "image-u4"],
  );
  assert.ok(Math.abs(done.images[0].ratio - 16 / 9) < 0.02, `grid ratio ${done.images[0].ratio}`);
  assert.match(done.account, /Demo · made offline/);
});

test("an ImagineAPI account: wrong token caught, prompt to grid and four upscales", async () => {
  await addAccount("imagineapi", "Stand-in", imagineUrl, "wrong-token");
  await click('[data-testid="test-connection"]');
  await statusSays("rejected the API token", "the wrong token to be caught");

  await setInput('[data-testid="token"]', TOKEN);
  await click('[data-testid="save-token"]');
  await statusSays("Token saved", "the token to be saved");
  assert.equal(keychainHas("account:2"), TOKEN, "the token is in the real secret service");
  await click('[data-testid="test-connection"]');
  await statusSays("healthy", "a healthy connection");
  await click('[data-testid="close-settings"]');
  assert.match(await text('[data-testid="sending-with"]'), /Stand-in \(ImagineAPI\)/);

  const prompt = "a lighthouse at dusk --ar 16:9 --chaos 40";
  await submit(prompt);
  await until(
    browser,
    async () => /imagining \d+%/i.test(await text('[data-testid="job-status"]')),
    "a percentage",
  );
  await until(browser, async () => (await $('[data-testid="progress"]')).isExisting(), "progress");
  // The window's own title (what the taskbar shows), not the page's.
  await until(browser, () => windowTitled("Atelier — 1 imagining"), "the title to count the job");
  const done = await newestDone(prompt, "the ImagineAPI job to finish");
  await until(browser, () => windowTitled("Atelier"), "the title to drop the count");
  assert.match(done.account, /Stand-in · ImagineAPI/);
  assert.ok(Math.abs(done.images[0].ratio - 16 / 9) < 0.02, `grid ratio ${done.images[0].ratio}`);

  await (await $('[data-testid="image-u3"] img')).doubleClick();
  await until(
    browser,
    () =>
      browser.execute(() => {
        const img = document.querySelector('[data-testid="viewer-image"]');
        return !!img && img.complete && img.naturalWidth === 1024;
      }),
    "the viewer to show U3 at full size",
  );
  await click('[data-testid="viewer"] button.close');
  await until(
    browser,
    async () => !(await (await $('[data-testid="viewer"]')).isExisting()),
    "the viewer to close",
  );

  await submit("something not allowed [fail]");
  const failed = await until(
    browser,
    async () => {
      const [card] = await gallery();
      return card?.status === "failed" && card;
    },
    "the refused job to fail",
  );
  assert.match(failed.error, /refused this prompt/);

  // Paid for but one image arrives broken: kept as "Incomplete", with a retry, not a re-run.
  await submit("a cat on a sofa [broken-image]");
  const incomplete = await until(
    browser,
    async () => {
      const [card] = await gallery();
      return card?.status === "download_failed" && card;
    },
    "the job with a broken image to end incomplete",
  );
  assert.match(incomplete.error, /U2/);
  assert.equal(incomplete.images.length, 4, "the images that arrived are shown");
  const [newest] = await $$('[data-testid="job"]');
  assert.equal(await (await newest.$('[data-testid="retry"]')).getText(), "Retry download");
  assert.equal(await (await newest.$('[data-testid="run-again"]')).isExisting(), false);

  mkdirSync(join(ROOT, "target/e2e"), { recursive: true });
  await screenshot(browser, join(ROOT, "target/e2e/gallery.png"));
});

test("an AI-Client account: four singles become a grid, credits shown; deleting it clears the keychain", async () => {
  await addAccount("aiclient", "Client", aiclientUrl, TOKEN);
  await click('[data-testid="test-connection"]');
  await statusSays("Token accepted", "the AI-Client token to be accepted");
  await screenshot(browser, join(ROOT, "target/e2e/accounts.png"));
  await click('[data-testid="close-settings"]');

  const prompt = "cats and dogs with lightsabers --ar 16:9 --v 5";
  await submit(prompt);
  const done = await newestDone(prompt, "the AI-Client job to finish");
  assert.match(done.account, /Client · AI-Client/);
  assert.match(done.credits, /10 credits/);
  assert.ok(Math.abs(done.images[0].ratio - 16 / 9) < 0.02, `grid ratio ${done.images[0].ratio}`);

  assert.equal(keychainHas("account:3"), TOKEN);
  await click('[data-testid="open-settings"]');
  await click('[data-testid="account-row-3"]');
  await click('[data-testid="delete-account"]');
  await click('[data-testid="delete-keep"]');
  await until(
    browser,
    async () => !(await (await $('[data-testid="account-row-3"]')).isExisting()),
    "the account to disappear",
  );
  assert.equal(keychainHas("account:3"), null, "the keychain entry is gone");
  await click('[data-testid="close-settings"]');
  const [kept] = await gallery();
  assert.equal(kept.status, "done", "its history was kept");
  assert.match(kept.account, /Client/);
});

test("a plain http:// address on another machine needs the person's word; another server needs the token again", async () => {
  await click('[data-testid="open-settings"]');
  await click('[data-testid="add-account"]');
  await (await $('[data-testid="new-provider"]')).selectByAttribute("value", "imagineapi");
  await setInput('[data-testid="new-label"]', "Office LAN");
  await setInput('[data-testid="new-url"]', "http://192.0.2.7:8080");
  await setInput('[data-testid="new-token"]', TOKEN);
  await click('[data-testid="create-account"]');
  const ask = await $('[data-testid="confirm-unencrypted"]');
  await ask.waitForDisplayed();
  assert.match(await ask.getText(), /http:\/\/192\.0\.2\.7:8080 is not encrypted/);
  assert.equal(keychainHas("account:4"), null, "no token kept before the answer");
  await click('[data-testid="allow-unencrypted"]');
  await until(
    browser,
    async () => (await text('[data-testid="account-editor"] h3')).includes("Office LAN"),
    "the confirmed account to be added",
  );
  assert.match(await text('[data-testid="unencrypted-note"]'), /not encrypted \(you allowed it\)/);
  assert.equal(keychainHas("account:4"), TOKEN);

  await setInput('[data-testid="acct-url"]', "https://mj.example.com");
  assert.match(await text('[data-testid="token-again"]'), /another server/);
  assert.equal(await (await $('[data-testid="save-account"]')).isEnabled(), false);

  await click('[data-testid="delete-account"]');
  await click('[data-testid="delete-keep"]');
  await until(
    browser,
    async () => !(await (await $('[data-testid="account-row-4"]')).isExisting()),
    "the account to disappear",
  );
  await click('[data-testid="close-settings"]');
});

test("in-flight work resumes and history is still there after a restart", async () => {
  await (await $('[data-testid="account-switcher"]')).selectByAttribute("value", "2");
  await until(
    browser,
    async () => (await text('[data-testid="sending-with"]')).includes("Stand-in"),
    "switch back to the ImagineAPI account",
  );
  await submit("northern lights over a fjord");
  await until(
    browser,
    async () => {
      const [card] = await gallery();
      return card?.prompt.includes("northern") && ["queued", "running"].includes(card.status);
    },
    "the job to be in flight",
  );
  await closeApp(browser);

  browser = await openApp();
  const list = await until(
    browser,
    async () => {
      const cards = await gallery();
      const settled = cards.length === 6 && cards[0].status === "done";
      return settled && cards.every((c) => c.images.every((i) => i.loaded)) && cards;
    },
    "the resumed job to finish and history to load",
  );
  assert.deepEqual(
    list.map((c) => c.status),
    ["done", "done", "download_failed", "failed", "done", "done"],
  );
  assert.match(list[3].error, /refused this prompt/);
  assert.match(await text('[data-testid="sending-with"]'), /Stand-in/);

  const files = filesUnder(dataHome);
  assert.ok(
    files.some((f) => f.endsWith("history.sqlite3")),
    "history is a real SQLite file",
  );
  const leaks = files.filter((f) => fileContains(f, TOKEN));
  assert.deepEqual(leaks, [], "the token must never be written to the app's files");

  // The log keeps what went wrong (the wrong token caught above), and the scan above covered
  // it: the log folder is inside the data folder on Linux.
  const logs = files.filter((f) => /\/logs\/atelier\.[\d-]+\.log$/.test(f));
  const logged = (text) => logs.some((f) => fileContains(f, text));
  assert.ok(logged("Atelier started"), `the launch is logged (log files: ${logs})`);
  assert.ok(logged("rejected the API token"), "a failed command is logged");

  // The history is its owner's alone: the folder, the database and every picture.
  const folder = join(dataHome, "dev.atelier.app");
  const mode = (path) => (statSync(path).mode & 0o777).toString(8);
  assert.equal(mode(folder), "700", "the data folder is owner-only");
  const ours = files.filter((f) => /history\.sqlite3|\/media\/jobs\//.test(f));
  assert.ok(ours.length > 10, `the history and the pictures are there (${ours.length} files)`);
  const open = ours.filter((f) => mode(f) !== "600").map((f) => `${f} ${mode(f)}`);
  assert.deepEqual(open, [], "the database and the pictures are owner-only");

  await setInput('[data-testid="search"]', "lighthouse");
  await until(browser, async () => (await gallery()).length === 1, "search to narrow the gallery");
  assert.match((await gallery())[0].prompt, /lighthouse/);
});
