// Making, in the real window on the Demo provider: the composer edits the prompt both ways, a
// permutation of four is confirmed and sent as four jobs of one batch, the last prompt comes
// back with Arrow-Up, and two jobs leave as a .zip through the native save dialog with their
// prompts inside the files (read back with exiftool).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  cardsOn,
  clickWhenReady,
  openApp,
  screenshotEachTest,
  startDriver,
  stopAll,
  until,
} from "./harness.mjs";

let browser;

before(async () => {
  await startDriver();
  browser = await openApp();
  await (await browser.$('[data-testid="prompt"]')).waitForDisplayed({ timeout: 30_000 });
});

screenshotEachTest("making-", () => browser);

after(async () => {
  await browser?.deleteSession().catch(() => {});
  stopAll();
});

const $ = (sel) => browser.$(sel);
const promptText = () =>
  browser.execute(() => document.querySelector('[data-testid="prompt"]').value);

const click = (sel) => clickWhenReady(browser, sel);

async function typeInto(sel, value) {
  const el = await $(sel);
  await el.waitForDisplayed();
  await el.clearValue();
  if (value) await el.setValue(value);
}

const cards = () => cardsOn(browser);

test("the composer and the prompt text edit each other", async () => {
  await typeInto('[data-testid="prompt"]', "a paper boat on a pond --chaos 40");
  await click('[data-testid="toggle-params"]');
  await (await $('[data-testid="composer"]')).waitForDisplayed();
  assert.equal(await (await $('[data-testid="chaos"]')).getValue(), "40", "typed → control");

  await click('[data-testid="ratio-16:9"]');
  await until(
    browser,
    async () => (await promptText()) === "a paper boat on a pond --chaos 40 --ar 16:9",
    "the control to append its parameter",
  );
  await typeInto('[data-testid="chaos"]', "75");
  await until(
    browser,
    async () => (await promptText()) === "a paper boat on a pond --chaos 75 --ar 16:9",
    "the control to rewrite only its own parameter",
  );
  await click('[data-testid="toggle-params"]');
});

test("a permutation of four is confirmed, sent as four jobs of one batch, and recalled", async () => {
  const before = (await cards()).length;
  await typeInto('[data-testid="prompt"]', "a {red, blue} bird --ar {1:1, 16:9}");
  await until(
    browser,
    async () => (await (await $('[data-testid="plan-count"]')).getText()).includes("4"),
    "the count of jobs to pay for",
  );
  await click('[data-testid="submit"]');
  await (await $('[data-testid="confirm-batch"]')).waitForDisplayed();
  const listed = await (await $('[data-testid="batch-prompts"]')).getText();
  for (const p of [
    "a red bird --ar 1:1",
    "a red bird --ar 16:9",
    "a blue bird --ar 1:1",
    "a blue bird --ar 16:9",
  ])
    assert.ok(listed.includes(p), `${p} in ${listed}`);
  assert.match(await (await $('[data-testid="batch-count"]')).getText(), /4 jobs/);
  await click('[data-testid="confirm-batch-send"]');

  const made = await until(
    browser,
    async () => {
      const all = await cards();
      const sent = all.filter((c) => / bird --ar /.test(c.prompt));
      return all.length === before + 4 && sent.every((c) => c.status === "done") && sent;
    },
    "four jobs, done",
    120_000,
  );
  assert.equal(new Set(made.map((c) => c.prompt)).size, 4);

  // The four belong together: one card's menu shows exactly them.
  await click(`[data-job-id="${made[0].id}"] [data-testid="prompt-menu"]`);
  await click('[data-testid="show-batch"]');
  await until(
    browser,
    async () =>
      (await (await $('[data-testid="result-count"]')).getText()).startsWith("4 of ") &&
      (await cards()).length === 4,
    "the library to show the batch",
  );
  await click('[data-testid="batch-filter"] button');

  // Arrow-Up in an empty box brings the last prompt back.
  await typeInto('[data-testid="prompt"]', "");
  await (await $('[data-testid="prompt"]')).click();
  await browser.keys(["ArrowUp"]);
  await until(
    browser,
    async () => / bird --ar /.test(await promptText()),
    "the last prompt to come back",
  );
});

/** Ids of the mapped X windows titled exactly `title`. */
function windowsTitled(title) {
  try {
    const out = execFileSync("xdotool", ["search", "--onlyvisible", "--name", `^${title}$`]);
    return out.toString().trim().split("\n").filter(Boolean);
  } catch {
    return []; // xdotool exits 1 when nothing matches
  }
}

test("two jobs leave as a .zip through the save dialog, their prompts inside the files", async () => {
  const birds = (await cards()).filter((c) => /^a red bird --ar /.test(c.prompt));
  assert.equal(birds.length, 2, JSON.stringify(await cards()));
  await click(`[data-job-id="${birds[0].id}"]`);
  await browser.performActions([
    { type: "key", id: "keys", actions: [{ type: "keyDown", value: "\uE009" }] },
  ]);
  await click(`[data-job-id="${birds[1].id}"]`);
  await browser.releaseActions();
  await until(
    browser,
    async () => (await (await $('[data-testid="selected-count"]')).getText()) === "2 jobs selected",
    "two jobs selected",
  );
  await (await $('[data-testid="bulk-export"]')).selectByAttribute("value", "zip");

  // The toolkit's own save dialog: the name field takes a whole path.
  const out = mkdtempSync(join(tmpdir(), "atelier-e2e-export-"));
  const zip = join(out, "red birds.zip");
  // Keys sent before GTK has focused the name field are lost: type again until the dialog
  // has taken the path and closed.
  for (let attempt = 1; windowsTitled("Export").length > 0 || attempt === 1; attempt++) {
    assert.ok(attempt <= 5, "the save dialog never took the path");
    const [dialog] = await until(browser, async () => windowsTitled("Export"), "the save dialog");
    await new Promise((r) => setTimeout(r, 500 * attempt));
    execFileSync("xdotool", ["windowfocus", "--sync", dialog]);
    execFileSync("xdotool", ["key", "--clearmodifiers", "ctrl+a"]);
    execFileSync("xdotool", ["type", "--delay", "15", zip]);
    execFileSync("xdotool", ["key", "Return"]);
    await new Promise((r) => setTimeout(r, 1500));
  }
  const toast = await until(
    browser,
    () =>
      browser.execute(
        () =>
          [...document.querySelectorAll(".toast")]
            .map((t) => t.textContent)
            .find((t) => t.includes("Exported")) ?? false,
      ),
    "the export to finish",
    60_000,
  );
  assert.match(toast, /Exported 10 images and 2 descriptions/);
  assert.ok(existsSync(zip), `${zip} written`);

  const unpacked = join(out, "unpacked");
  execFileSync("unzip", ["-q", zip, "-d", unpacked]);
  // The images only: exiftool reads a sidecar's `"error": null` as an error of its own.
  const tags = JSON.parse(
    execFileSync("exiftool", ["-j", "-G1", "-ext", "png", "-r", unpacked], { encoding: "utf8" }),
  );
  const images = tags.filter((t) => /\.png$/.test(t.SourceFile));
  assert.equal(images.length, 10, tags.map((t) => t.SourceFile).join("\n"));
  for (const t of images) {
    assert.match(t["XMP-dc:Description"], /^a red bird --ar (1:1|16:9)$/, t.SourceFile);
    assert.match(t["PNG:Parameters"], /^a red bird --ar .*\nService: Demo/s, t.SourceFile);
  }
  const sidecars = readdirSync(unpacked).filter((name) => name.endsWith(".json"));
  assert.equal(sidecars.length, 2);
});

test("Copy puts the pixels on the clipboard, and Copy file a file that carries its prompt", async () => {
  const [bird] = (await cards()).filter((c) => /^a red bird --ar /.test(c.prompt));
  await (await $(`[data-job-id="${bird.id}"] [data-testid="image-u1"] img`)).doubleClick();
  await click('[data-testid="viewer"] [data-testid="copy-image"]');
  // Another X client asks the clipboard's owner (the app) what it holds.
  const clipboard = (...args) =>
    execFileSync("xclip", ["-selection", "clipboard", "-o", ...args], { encoding: "utf8" });
  await until(
    browser,
    async () => clipboard("-t", "TARGETS").includes("image/png"),
    "the pixels on the clipboard",
  );
  const png = execFileSync("xclip", ["-selection", "clipboard", "-o", "-t", "image/png"]);
  assert.equal(png.subarray(1, 4).toString(), "PNG");

  await click('[data-testid="viewer"] [data-testid="copy-file"]');
  const uri = await until(
    browser,
    async () =>
      clipboard("-t", "TARGETS").includes("text/uri-list") && clipboard("-t", "text/uri-list"),
    "a file on the clipboard",
  );
  const file = decodeURIComponent(new URL(uri.trim().split(/\r?\n/)[0]).pathname);
  assert.match(file, /a red bird U1\.png$/, "named as exports name it");
  const [tags] = JSON.parse(execFileSync("exiftool", ["-j", "-G1", file], { encoding: "utf8" }));
  assert.equal(tags["XMP-dc:Description"], bird.prompt);
  await browser.keys("Escape");
});
