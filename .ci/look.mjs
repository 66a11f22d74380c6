// Looks at rendered documents the way a reader on GitHub sees them: each HTML page (GitHub's
// Markdown, from `cargo run --example gfm`) styled with github-markdown-css, its Mermaid blocks
// drawn by mermaid 11 in headless Chromium, then a full-page screenshot, light and dark.
//
// Usage: node .ci/look.mjs OUT_DIR PAGE.html...
//   PAGE.html is an HTML fragment (the inside of GitHub's `markdown-body`); OUT_DIR receives
//   PAGE.png, PAGE.dark.png and PAGE.labels.json (each quadrant chart's plot area and label
//   boxes, as measured). The browser is $PUPPETEER_EXECUTABLE_PATH (default /usr/bin/chromium).
//
// Fails when a chart does not draw, or when, in any quadrant chart, two point labels' boxes
// (getBBox() of the SVG text elements, in the chart's own coordinates) overlap or a label's box
// leaves the plot area (the union of the four quadrants). It also fails when it found no
// quadrant chart at all, so the check cannot pass vacuously. Reported, not failed: tables wider
// than the page (GitHub scrolls them sideways, cutting them off on a screenshot), and points
// drawn over a quadrant's title.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { createRequire } from "node:module";
import puppeteer from "puppeteer-core";

const require = createRequire(import.meta.url);
const [outDir, ...pages] = process.argv.slice(2);
if (outDir === undefined || pages.length === 0) {
  console.error("usage: node .ci/look.mjs OUT_DIR PAGE.html...");
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });

const mermaidJs = require.resolve("mermaid/dist/mermaid.min.js");
const styles = {
  light: require.resolve("github-markdown-css/github-markdown-light.css"),
  dark: require.resolve("github-markdown-css/github-markdown-dark.css"),
};
// GitHub's page background in each scheme, and the mermaid theme GitHub draws charts with.
const schemes = {
  light: { background: "#ffffff", mermaidTheme: "default", suffix: "" },
  dark: { background: "#0d1117", mermaidTheme: "dark", suffix: ".dark" },
};
// Boxes closer than this (in SVG pixels) count as touching, not overlapping: rounding only.
const EPSILON = 0.01;

/** A page around one document, laid out as GitHub's file view: 980 px wide, 45 px padding. */
function pageHtml(title, fragment, scheme) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>
  body { margin: 0; background: ${schemes[scheme].background}; }
  .markdown-body { box-sizing: border-box; min-width: 200px; max-width: 980px; margin: 0 auto;
    padding: 45px; }
  .markdown-body .mermaid-chart { margin-bottom: 16px; text-align: center; }
</style></head>
<body><article class="markdown-body">${fragment}</article></body></html>`;
}

/**
 * Runs inside the page: draws every mermaid block in place, then measures each quadrant chart
 * and each table. Returns plain data for the checks below.
 */
async function drawAndMeasure(theme) {
  // eslint-disable-next-line no-undef
  mermaid.initialize({ startOnLoad: false, theme });
  const errors = [];
  const charts = [];
  const blocks = [...document.querySelectorAll('pre[lang="mermaid"]')];
  for (const [index, pre] of blocks.entries()) {
    const holder = document.createElement("div");
    holder.className = "mermaid-chart";
    try {
      // eslint-disable-next-line no-undef
      const { svg } = await mermaid.render(`chart-${index + 1}`, pre.textContent);
      holder.innerHTML = svg;
      pre.replaceWith(holder);
    } catch (error) {
      errors.push(`mermaid block ${index + 1}: ${error?.message ?? error}`);
      continue;
    }
    const svg = holder.querySelector("svg");
    const quadrants = [...svg.querySelectorAll("g.quadrants g.quadrant rect")];
    if (quadrants.length === 0) continue;
    // An element's box in the SVG's own coordinates, through every transform on the way.
    const toSvg = svg.getScreenCTM().inverse();
    const box = (element) => {
      const b = element.getBBox();
      const m = toSvg.multiply(element.getScreenCTM());
      const xs = [];
      const ys = [];
      for (const [x, y] of [[b.x, b.y], [b.x + b.width, b.y], [b.x, b.y + b.height],
        [b.x + b.width, b.y + b.height]]) {
        xs.push(m.a * x + m.c * y + m.e);
        ys.push(m.b * x + m.d * y + m.f);
      }
      return { left: Math.min(...xs), top: Math.min(...ys), right: Math.max(...xs),
        bottom: Math.max(...ys) };
    };
    const plots = quadrants.map(box);
    charts.push({
      block: index + 1,
      plot: {
        left: Math.min(...plots.map((b) => b.left)),
        top: Math.min(...plots.map((b) => b.top)),
        right: Math.max(...plots.map((b) => b.right)),
        bottom: Math.max(...plots.map((b) => b.bottom)),
      },
      labels: [...svg.querySelectorAll("g.data-points g.data-point text")].map((text) => ({
        text: text.textContent,
        box: box(text),
        point: box(text.parentNode.querySelector("circle")),
      })),
      titles: [...svg.querySelectorAll("g.quadrants g.quadrant text")]
        .filter((text) => text.textContent !== "")
        .map((text) => ({ text: text.textContent, box: box(text) })),
    });
  }
  const wideTables = [...document.querySelectorAll(".markdown-body table")]
    .map((table, index) => ({ table: index + 1, needs: table.scrollWidth, has: table.clientWidth }))
    .filter((t) => t.needs > t.has + 1);
  return { errors, charts, wideTables };
}

const fmt = (b) =>
  `[${b.left.toFixed(1)}, ${b.top.toFixed(1)}, ${b.right.toFixed(1)}, ${b.bottom.toFixed(1)}]`;

/** By how much two boxes overlap, or null when they do not. */
function overlap(a, b) {
  const width = Math.min(a.right, b.right) - Math.max(a.left, b.left);
  const height = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
  return width > EPSILON && height > EPSILON ? { width, height } : null;
}

/** Points or labels drawn over a quadrant's title: legible still, but worth a look. */
function titleCollisions(chart) {
  const notes = [];
  for (const title of chart.titles) {
    for (const { text, box, point } of chart.labels) {
      if (overlap(box, title.box) || overlap(point, title.box)) {
        notes.push(`point "${text}" covers the quadrant title "${title.text}"`);
      }
    }
  }
  return notes;
}

/** What is wrong with one quadrant chart's labels, as sentences. */
function labelProblems(chart) {
  const problems = [];
  const { plot, labels } = chart;
  for (const { text, box } of labels) {
    if (box.left < plot.left - EPSILON || box.top < plot.top - EPSILON ||
      box.right > plot.right + EPSILON || box.bottom > plot.bottom + EPSILON) {
      problems.push(`label "${text}" ${fmt(box)} leaves the plot ${fmt(plot)}`);
    }
  }
  for (let i = 0; i < labels.length; i += 1) {
    for (let j = i + 1; j < labels.length; j += 1) {
      const a = labels[i].box;
      const b = labels[j].box;
      const both = overlap(a, b);
      if (both) {
        problems.push(`labels "${labels[i].text}" ${fmt(a)} and "${labels[j].text}" ${fmt(b)} ` +
          `overlap by ${both.width.toFixed(1)} x ${both.height.toFixed(1)} px`);
      }
    }
  }
  return problems;
}

const browser = await puppeteer.launch({
  executablePath: process.env.PUPPETEER_EXECUTABLE_PATH || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
let failed = 0;
let chartsChecked = 0;
let labelsChecked = 0;
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  for (const file of pages) {
    const name = basename(file).replace(/\.html$/, "");
    const fragment = readFileSync(file, "utf8");
    for (const scheme of Object.keys(schemes)) {
      await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: scheme }]);
      await page.setContent(pageHtml(name, fragment, scheme), { waitUntil: "load" });
      await page.addStyleTag({ path: styles[scheme] });
      await page.addScriptTag({ path: mermaidJs });
      const result = await page.evaluate(drawAndMeasure, schemes[scheme].mermaidTheme);
      const png = join(outDir, `${name}${schemes[scheme].suffix}.png`);
      await page.screenshot({ path: png, fullPage: true });
      for (const error of result.errors) {
        failed += 1;
        console.error(`${file} (${scheme}): ${error}`);
      }
      if (scheme !== "light") continue; // the same geometry in both schemes: check it once
      for (const chart of result.charts) {
        chartsChecked += 1;
        labelsChecked += chart.labels.length;
        for (const problem of labelProblems(chart)) {
          failed += 1;
          console.error(`${file}: quadrant chart (mermaid block ${chart.block}): ${problem}`);
        }
        for (const note of titleCollisions(chart)) {
          console.log(`${file}: note: quadrant chart (mermaid block ${chart.block}): ${note}`);
        }
      }
      for (const t of result.wideTables) {
        console.log(`${file}: note: table ${t.table} is wider than the page ` +
          `(${t.needs} px in ${t.has} px): GitHub scrolls it sideways`);
      }
      writeFileSync(join(outDir, `${name}.labels.json`), `${JSON.stringify(result.charts, null, 1)}\n`);
    }
    console.log(`${file}: ${join(outDir, name)}.png, .dark.png`);
  }
} finally {
  await browser.close();
}

if (chartsChecked === 0) {
  console.error(`no quadrant chart in ${pages.length} page(s): no label was checked`);
  process.exit(1);
}
console.log(`quadrant labels: ${labelsChecked} label(s) in ${chartsChecked} chart(s) checked, ` +
  `${failed} problem(s)`);
process.exit(failed === 0 ? 0 : 1);
