// Lighthouse (pinned in package.json) over the given URLs, in Debian's Chromium with
// Lighthouse's default mobile emulation and simulated slow-4G throttling. One browser
// for every URL; one JSON line per URL on stdout: the four category scores and, for each
// category, the audits that cost points (id, score, title).
//
//   node tests/e2e/lighthouse_gate.mjs URL [URL ...]
//
// Run by tests/e2e/test_quality_gate.py, which holds the thresholds.
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"];
const urls = process.argv.slice(2);
if (urls.length === 0) {
  console.error("usage: lighthouse_gate.mjs URL [URL ...]");
  process.exit(2);
}

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH || "/usr/bin/chromium",
  // The flags of a closed network: no background connections, no component updates.
  chromeFlags: [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
try {
  for (const url of urls) {
    const runner = await lighthouse(url, {
      port: chrome.port,
      output: "json",
      logLevel: "error",
      onlyCategories: CATEGORIES,
      // Not scored, and each costs seconds: the back/forward-cache probe navigates
      // away and back, the screenshots encode images.
      skipAudits: ["bf-cache", "screenshot-thumbnails", "final-screenshot"],
      disableFullPageScreenshot: true,
      // Pages without scripts are quiet at once: a quarter second of quiet is enough
      // (Lighthouse waits a second for each by default, in real time).
      pauseAfterFcpMs: 250,
      pauseAfterLoadMs: 250,
      networkQuietThresholdMs: 250,
      cpuQuietThresholdMs: 250,
    });
    const { lhr } = runner;
    const scores = {};
    const failing = {};
    for (const id of CATEGORIES) {
      const category = lhr.categories[id];
      scores[id] = category.score;
      failing[id] = category.auditRefs
        .filter((ref) => ref.weight > 0)
        .map((ref) => lhr.audits[ref.id])
        .filter((audit) => audit.score !== null && audit.score < 1)
        .map((audit) => ({ id: audit.id, score: audit.score, title: audit.title }));
    }
    const errors = lhr.runtimeError ? lhr.runtimeError.message : null;
    process.stdout.write(
      JSON.stringify({ url, finalUrl: lhr.finalDisplayedUrl, scores, failing, errors }) + "\n",
    );
  }
} finally {
  await chrome.kill();
}
