/**
 * A study's report.html: one self-contained file (styles inline, images as base64 data URIs, no
 * scripts, no external resources) with the title, a description, the run's metadata, the final
 * metrics and sections of captioned pictures. `renderReport` is pure; `writeReport` writes the
 * file atomically (a temporary file renamed into place), so a report is never half written.
 */
import { Data, Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { formatMetric } from "../metrics/format.js"
import { pngSummaryImage } from "../metrics/tfevents.js"

export class ReportError extends Data.TaggedError("ReportError")<{ readonly message: string; readonly cause?: unknown }> {}

export interface ReportImage {
  readonly png: Uint8Array
  readonly caption?: string
  /** Text for readers who cannot see the image (default: the caption, else the section heading). */
  readonly alt?: string
}

export interface ReportSection {
  readonly heading: string
  readonly text?: string
  readonly images?: ReadonlyArray<ReportImage>
}

export interface ReportMetric {
  readonly name: string
  /** A number is shown with four significant digits (the full value on hover). */
  readonly value: number | string
  readonly note?: string
}

export interface Report {
  readonly title: string
  /** Plain text; blank lines separate paragraphs. */
  readonly description?: string
  /** Seed, device, versions, duration, ...: shown in the order given. */
  readonly metadata?: ReadonlyArray<readonly [string, string | number]>
  readonly metrics?: ReadonlyArray<ReportMetric>
  readonly sections?: ReadonlyArray<ReportSection>
}

const ENTITIES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }

/** Text made safe for HTML content and attribute values. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ENTITIES[c]!)

const paragraphs = (text: string): string =>
  text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`)
    .join("\n")

const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f5f6f8; color: #1d2330; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 28px 24px 40px; }
header h1 { margin: 0 0 6px; font-size: 26px; letter-spacing: -0.01em; }
header p { margin: 4px 0; color: #404858; max-width: 80ch; }
section { background: #fff; border: 1px solid #e1e4ea; border-radius: 8px; padding: 16px 20px; margin-top: 18px; }
h2 { margin: 0 0 10px; font-size: 18px; }
section > p { margin: 4px 0 12px; color: #404858; max-width: 80ch; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #eceef2; vertical-align: top; }
th { font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; color: #5d6575; }
tbody tr:nth-child(even) { background: #fafbfc; }
td.value { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: nowrap; }
td.note { color: #5d6575; }
table.meta th { width: 14em; text-transform: none; letter-spacing: 0; font-size: 14px; color: #404858; font-weight: 600; }
table.meta td { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; word-break: break-all; }
.figures { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
figure { margin: 0; max-width: 100%; }
figure img { display: block; max-width: 100%; height: auto; image-rendering: pixelated; border: 1px solid #eceef2; }
figcaption { font-size: 13px; color: #5d6575; margin-top: 4px; }
footer { margin-top: 24px; font-size: 12px; color: #8a91a0; }
`

const image = (img: ReportImage, heading: string): string => {
  const info = pngSummaryImage(img.png)
  if (typeof info === "string") throw new ReportError({ message: `an image in "${heading}" is ${info}` })
  const alt = escapeHtml(img.alt ?? img.caption ?? heading)
  const src = `data:image/png;base64,${Buffer.from(img.png.buffer, img.png.byteOffset, img.png.byteLength).toString("base64")}`
  const caption = img.caption !== undefined ? `\n<figcaption>${escapeHtml(img.caption)}</figcaption>` : ""
  return `<figure><img src="${src}" width="${info.width}" height="${info.height}" alt="${alt}">${caption}</figure>`
}

const metricRow = (m: ReportMetric): string => {
  const value =
    typeof m.value === "number"
      ? `<td class="value" title="${escapeHtml(String(m.value))}">${escapeHtml(formatMetric(m.value))}</td>`
      : `<td class="value">${escapeHtml(m.value)}</td>`
  return `<tr><td>${escapeHtml(m.name)}</td>${value}<td class="note">${escapeHtml(m.note ?? "")}</td></tr>`
}

/** The report as one HTML document. Throws a ReportError when an image is not a PNG. */
export const renderReport = (report: Report): string => {
  const parts: string[] = []
  parts.push(`<header>\n<h1>${escapeHtml(report.title)}</h1>`)
  if (report.description) parts.push(paragraphs(report.description))
  parts.push("</header>")
  if (report.metadata && report.metadata.length > 0) {
    const rows = report.metadata.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(String(v))}</td></tr>`)
    parts.push(`<section class="run">\n<h2>Run</h2>\n<table class="meta">\n<tbody>\n${rows.join("\n")}\n</tbody>\n</table>\n</section>`)
  }
  if (report.metrics && report.metrics.length > 0) {
    parts.push(
      `<section class="metrics">\n<h2>Final metrics</h2>\n<table>\n<thead><tr><th>Metric</th><th>Value</th><th>Note</th></tr></thead>\n<tbody>\n${report.metrics.map(metricRow).join("\n")}\n</tbody>\n</table>\n</section>`
    )
  }
  for (const s of report.sections ?? []) {
    const text = s.text ? `\n${paragraphs(s.text)}` : ""
    const images = s.images && s.images.length > 0 ? `\n<div class="figures">\n${s.images.map((i) => image(i, s.heading)).join("\n")}\n</div>` : ""
    parts.push(`<section>\n<h2>${escapeHtml(s.heading)}</h2>${text}${images}\n</section>`)
  }
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(report.title)}</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    "<main>",
    ...parts,
    "<footer>Written by diverge.</footer>",
    "</main>",
    "</body>",
    "</html>",
    ""
  ].join("\n")
}

/** Renders the report and writes it to `file` (its folder is created). */
export const writeReport = (file: string, report: Report): Effect.Effect<void, ReportError> =>
  Effect.gen(function* () {
    const html = yield* Effect.try({
      try: () => renderReport(report),
      catch: (cause) => (cause instanceof ReportError ? cause : new ReportError({ message: String(cause), cause }))
    })
    yield* Effect.try({
      try: () => {
        fs.mkdirSync(path.dirname(file), { recursive: true })
        const temporary = `${file}.${process.pid}.tmp`
        fs.writeFileSync(temporary, html)
        fs.renameSync(temporary, file)
      },
      catch: (cause) => new ReportError({ message: `cannot write ${file}: ${cause instanceof Error ? cause.message : String(cause)}`, cause })
    })
  })
