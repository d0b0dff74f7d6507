import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as T from "../src/tensor/index.js"

describe("smoke", () => {
  it.effect("adds in a scope", () =>
    Effect.gen(function* () {
      const before = T.liveCount()
      const v = yield* T.scoped(T.compute(() => T.add(T.tensor([1, 2, 3]), 2).sum().item()))
      expect(v).toBe(12)
      expect(T.liveCount()).toBe(before)
    }))
})
