/**
 * A short W7 run for instruction counting (reproducible, unlike wall time):
 *
 *   valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.1 node --import tsx bench/tools/w7-callgrind.ts 1
 *   valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.4 node --import tsx bench/tools/w7-callgrind.ts 4
 *
 * (total of run 4 − total of run 1) / 30,000 = instructions per add, start-up cancelled out;
 * callgrind_annotate on both files, differenced per function, shows where they go.
 */
import { Effect } from "effect"
import { add, full, ones, setNumThreads, Tensor } from "../../src/tensor/index.js"

setNumThreads(1)
const blocks = Number(process.argv[2] ?? 1)
Effect.runSync(
  Tensor.scoped(
    Tensor.compute(() => {
      const a = ones([4]), b = full([4], 2)
      for (let k = 0; k < blocks; k++) for (let i = 0; i < 10_000; i++) add(a, b).dispose()
    })
  )
)
