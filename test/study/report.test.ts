/** report.html: well-formed, self-contained, escaped, with its images and metrics. */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { encodePng, linePlot, scatterPlot } from "../../src/metrics/plot/index.js"
import { escapeHtml, renderReport, type Report, writeReport } from "../../src/study/report.js"

const VOID = new Set(["meta", "img", "br", "hr", "link", "input"])

/** Checks that every non-void tag is closed in order; returns the count of each opened tag. */
const checkTags = (html: string): Map<string, number> => {
  const stack: string[] = []
  const counts = new Map<string, number>()
  for (const m of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z-]+(?:="[^"<>]*")?)*)\s*(\/?)>/g)) {
    const [, closing, rawName] = m
    const name = rawName!.toLowerCase()
    if (closing) {
      const open = stack.pop()
      if (open !== name) throw new Error(`</${name}> closes <${open}>`)
    } else {
      counts.set(name, (counts.get(name) ?? 0) + 1)
      if (!VOID.has(name)) stack.push(name)
    }
  }
  if (stack.length > 0) throw new Error(`unclosed: ${stack.join(", ")}`)
  // Every '<' starts a tag the pattern accepted (so no raw '<' is left in text or attributes).
  const tags = [...html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z-]+(?:="[^"<>]*")?)*)\s*(\/?)>/g)].length
  const lessThans = [...html.matchAll(/</g)].length - 1 // the doctype
  if (tags !== lessThans) throw new Error(`${lessThans - tags} '<' outside tags`)
  return counts
}

const scatter = encodePng(scatterPlot([0, 0, 1, 1], { width: 120, height: 100 }))
const losses = encodePng(linePlot([{ name: "critic", y: [3, 2, 1] }], { width: 160, height: 90 }))

const report: Report = {
  title: "WGAN-GP <ring of 8> & friends",
  description: "Eight Gaussians on a ring.\n\nSecond paragraph with a \"quote\" and 'apostrophe'.",
  metadata: [["seed", 42], ["device", "cpu"], ["versions", "diverge 0.1.0, node 20"], ["duration", "1:02:05"]],
  metrics: [
    { name: "mode coverage", value: 7, note: "of 8 modes" },
    { name: "W1", value: 0.123456, note: "exact, 512 samples" },
    { name: "<b>test ELBO</b>", value: -Infinity },
    { name: "status", value: "diverged" }
  ],
  sections: [
    { heading: "Samples", text: "Generated points over the modes.", images: [{ png: scatter, caption: "step 5000" }] },
    { heading: "Losses", images: [{ png: losses, caption: "critic", alt: "critic loss over steps" }] },
    { heading: "Notes only", text: "No pictures here." }
  ]
}

describe("renderReport", () => {
  const html = renderReport(report)

  it("is a well-formed document: every tag closed in order, no stray '<'", () => {
    expect(html.startsWith("<!DOCTYPE html>\n")).toBe(true)
    const counts = checkTags(html)
    expect(counts.get("html")).toBe(1)
    expect(counts.get("img")).toBe(2)
    expect(counts.get("figure")).toBe(2)
    expect(counts.get("section")).toBe(5) // run, metrics, three sections
    expect(counts.get("tr")).toBe(4 + 1 + 4) // metadata rows, the metrics header, metric rows
  })

  it("stands alone: styles inline, images as data URIs, nothing fetched", () => {
    expect(html).not.toMatch(/https?:\/\//)
    expect(html).not.toMatch(/<script|<link|@import|url\(/i)
    const sources = [...html.matchAll(/src="([^"]*)"/g)].map((m) => m[1]!)
    expect(sources).toHaveLength(2)
    const decoded = sources.map((s) => {
      expect(s.startsWith("data:image/png;base64,")).toBe(true)
      return new Uint8Array(Buffer.from(s.slice("data:image/png;base64,".length), "base64"))
    })
    expect(decoded).toEqual([scatter, losses])
    expect(html).toContain('width="120" height="100" alt="step 5000"')
    expect(html).toContain('width="160" height="90" alt="critic loss over steps"')
  })

  it("escapes text everywhere", () => {
    expect(html).toContain("<title>WGAN-GP &lt;ring of 8&gt; &amp; friends</title>")
    expect(html).toContain("<h1>WGAN-GP &lt;ring of 8&gt; &amp; friends</h1>")
    expect(html).toContain("with a &quot;quote&quot; and &#39;apostrophe&#39;.")
    expect(html).toContain("<td>&lt;b&gt;test ELBO&lt;/b&gt;</td>")
    expect(html).not.toContain("<b>")
    expect(escapeHtml(`<a href="x">&'`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&#39;")
  })

  it("shows metadata, headed sections and the metrics table with values, full values on hover, notes", () => {
    expect(html).toContain('<tr><th scope="row">seed</th><td>42</td></tr>')
    expect(html).toContain('<tr><td>W1</td><td class="value" title="0.123456">0.1235</td><td class="note">exact, 512 samples</td></tr>')
    expect(html).toContain('<tr><td>mode coverage</td><td class="value" title="7">7</td><td class="note">of 8 modes</td></tr>')
    expect(html).toContain('<td class="value" title="-Infinity">-inf</td>')
    expect(html).toContain('<tr><td>status</td><td class="value">diverged</td><td class="note"></td></tr>')
    expect(html).toContain("<p>Eight Gaussians on a ring.</p>\n<p>Second paragraph")
    for (const h of ["Run", "Final metrics", "Samples", "Losses", "Notes only"]) expect(html).toContain(`<h2>${h}</h2>`)
    expect(html.indexOf("<h2>Samples</h2>")).toBeLessThan(html.indexOf("<h2>Losses</h2>"))
  })

  it("leaves out empty parts and is the same text for the same report", () => {
    const bare = renderReport({ title: "t" })
    checkTags(bare)
    expect(bare).not.toContain("<section")
    expect(renderReport(report)).toBe(html)
  })

  it("refuses an image that is not a PNG", () => {
    expect(() => renderReport({ title: "t", sections: [{ heading: "Bad", images: [{ png: new Uint8Array(40) }] }] })).toThrow(/"Bad" is not a PNG/)
  })
})

describe("writeReport", () => {
  it.effect("writes the rendered file (creating its folder) and leaves no temporary file", () =>
    Effect.gen(function* () {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "diverge-report-"))
      const file = path.join(dir, "runs", "x", "report.html")
      yield* writeReport(file, report)
      expect(fs.readFileSync(file, "utf8")).toBe(renderReport(report))
      expect(fs.readdirSync(path.dirname(file))).toEqual(["report.html"])
    }))

  it.effect("bad images and unwritable places are ReportErrors", () =>
    Effect.gen(function* () {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "diverge-report-"))
      const bad = yield* Effect.flip(writeReport(path.join(dir, "r.html"), { title: "t", sections: [{ heading: "B", images: [{ png: new Uint8Array(3) }] }] }))
      expect(bad._tag).toBe("ReportError")
      fs.writeFileSync(path.join(dir, "file"), "x")
      const blocked = yield* Effect.flip(writeReport(path.join(dir, "file", "r.html"), { title: "t" }))
      expect(blocked._tag).toBe("ReportError")
      expect(blocked.message).toMatch(/cannot write/)
    }))
})
