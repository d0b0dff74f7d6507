import { defineConfig } from "vitest/config"

// vitest 5 targets Node 22; its failure reporter calls Map.groupBy / Object.groupBy, which
// Node 20 lacks. Without these, a failing test is reported as an unhandled error.
const groupBy = <T, K>(items: Iterable<T>, key: (item: T, index: number) => K): Map<K, T[]> => {
  const out = new Map<K, T[]>()
  let i = 0
  for (const item of items) {
    const k = key(item, i++)
    const group = out.get(k)
    if (group) group.push(item)
    else out.set(k, [item])
  }
  return out
}
const MapWithGroupBy = Map as unknown as { groupBy?: typeof groupBy }
MapWithGroupBy.groupBy ??= groupBy
const ObjectWithGroupBy = Object as unknown as { groupBy?: (items: Iterable<unknown>, key: (item: unknown, i: number) => PropertyKey) => object }
ObjectWithGroupBy.groupBy ??= (items, key) => Object.fromEntries(groupBy(items, key))

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ["default", "./test/summary-reporter.ts"]
  }
})
