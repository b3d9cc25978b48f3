// Atelier as a desktop citizen, with the app started as a person would (no WebDriver where it
// is not needed): a second launch hands over to the first, a history another process holds
// gets a dialog instead of a second engine, and the window comes back at the size it was left.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { APP, openApp, startDriver, stopAll, until } from "./harness.mjs";

const started = [];
const groups = [];
after(() => {
  for (const child of started) child.kill("SIGKILL");
  for (const pid of groups) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {} // already gone
  }
  stopAll();
});

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

/** A fresh home for one run: data and config folders of its own. */
function freshHome() {
  const home = mkdtempSync(join(tmpdir(), "atelier-e2e-desktop-"));
  return { XDG_DATA_HOME: home, XDG_CONFIG_HOME: join(home, "config") };
}

/** Starts the debug app directly; `stderr` collects what it says. */
function launch(env) {
  const child = spawn(APP, [], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderrText = "";
  child.stderr.on("data", (d) => (child.stderrText += d));
  child.exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  started.push(child);
  return child;
}

/** Ids of the mapped X windows whose title matches `name` exactly. */
function windows(name) {
  try {
    const out = execFileSync("xdotool", ["search", "--onlyvisible", "--name", `^${name}$`]);
    return out.toString().trim().split("\n").filter(Boolean);
  } catch {
    return []; // xdotool exits 1 when nothing matches
  }
}

async function windowAppears(name, child, timeout = 60_000) {
  for (let t = 0; t < timeout; t += 250) {
    const ids = windows(name);
    if (ids.length) return ids;
    if (child.exitCode !== null)
      assert.fail(
        `the app exited (${child.exitCode}) before "${name}" showed:\n${child.stderrText}`,
      );
    await wait(250);
  }
  assert.fail(`no window "${name}" within ${timeout / 1000} s:\n${child.stderrText}`);
}

async function exitsWithin(child, ms) {
  const code = await Promise.race([child.exited, wait(ms).then(() => "still running")]);
  return code;
}

test("a second launch hands over to the running window and exits", async () => {
  const env = freshHome();
  const first = launch(env);
  await windowAppears("Atelier", first);

  const second = launch(env);
  assert.equal(
    await exitsWithin(second, 20_000),
    0,
    `the second launch kept running:\n${second.stderrText}`,
  );
  assert.equal(first.exitCode, null, "the first instance is still running");
  assert.equal(windows("Atelier").length, 1, "one window");

  first.kill("SIGKILL");
  await first.exited;
});

test("a history another process is using gets a dialog, and no engine starts on it", async () => {
  const env = freshHome();
  const folder = join(env.XDG_DATA_HOME, "dev.atelier.app");
  mkdirSync(folder, { recursive: true });
  // flock(1) takes the same kind of lock (flock(2)) the app does.
  const holder = spawn("flock", ["--nonblock", join(folder, "atelier.lock"), "sleep", "300"], {
    stdio: "ignore",
    detached: true, // its own group, so its `sleep` (which holds the lock too) goes with it
  });
  groups.push(holder.pid);
  const release = () => process.kill(-holder.pid, "SIGKILL");
  await wait(300);
  assert.equal(holder.exitCode, null, "flock holds the lock");

  const app = launch(env);
  const [dialog] = await windowAppears("Atelier cannot start", app);
  assert.match(
    app.stderrText,
    /Another Atelier is already using the history in .*dev\.atelier\.app/,
  );
  assert.deepEqual(windows("Atelier"), [], "the main window stays hidden");
  // Nothing was opened in the folder: no database was created behind the other's back.
  assert.throws(() => statSync(join(folder, "history.sqlite3")), /ENOENT/);

  // Closing the dialog ends the app, with a failure status.
  execFileSync("xdotool", ["windowfocus", "--sync", dialog]);
  execFileSync("xdotool", ["key", "Return"]);
  assert.equal(
    await exitsWithin(app, 15_000),
    1,
    `the app did not end after the dialog:\n${app.stderrText}`,
  );
  release();
});

test("the window comes back at the size it was left at", async () => {
  const { dataHome } = await startDriver();
  let browser = await openApp();
  const [id] = await windowAppears("Atelier", { exitCode: null, stderrText: "" });
  execFileSync("xdotool", ["windowsize", "--sync", id, "1010", "690"]);
  await until(
    browser,
    async () => (await browser.execute(() => window.innerWidth)) === 1010,
    "the resize",
  );
  // The app writes the state once the window has been still for a moment, so that a window
  // closed any way at all (here WebDriver's close, which skips the app's exit) remembers it.
  await wait(1500);
  await browser.closeWindow().catch(() => {}); // WebdriverIO ends the session with the window
  await wait(1500);

  browser = await openApp();
  const size = await until(
    browser,
    () =>
      browser.execute(() =>
        document.readyState === "complete" ? [innerWidth, innerHeight] : null,
      ),
    "the window",
  );
  assert.deepEqual(
    size,
    [1010, 690],
    `the window opened at ${size} (default 1280×860), data in ${dataHome}`,
  );
  await browser.deleteSession();
});
