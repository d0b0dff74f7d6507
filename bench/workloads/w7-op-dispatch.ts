/**
 * W7 op-dispatch: the cost of one tiny op. A unit is a host loop of 10,000 `c = add(a, b)`
 * on 4-element float32 tensors, each result dropped. value = µs per op at the median.
 */
import { add, full, ones, Tensor } from "../../src/tensor/index.js"
import { variable } from "../../src/autodiff/index.js"
import type { Case, Prepared, Summary, Workload } from "../harness/types.js"

export const OPS_PER_BLOCK = 10_000
const plan = { warmup: 5, reps: 30 }
const quick = { warmup: 1, reps: 3 }

const perOp = (s: Summary) => ({ value: (s.ms_median * 1000) / OPS_PER_BLOCK, value_name: "us_per_op" })

const operands = () => ({ a: ones([4]), b: full([4], 2) })

/** Each result is freed right after it is made. */
const addDispose: Case = {
  impl: "diverge-add-dispose",
  params: { ops_per_block: OPS_PER_BLOCK, size: 4 },
  plan,
  quick,
  prepare: (): Prepared => {
    const { a, b } = operands()
    return {
      unit: () => {
        for (let i = 0; i < OPS_PER_BLOCK; i++) add(a, b).dispose()
      },
      report: perOp
    }
  }
}

/** The block runs in `Tensor.local`: its 10,000 results are freed together when it ends. */
const addScoped: Case = {
  impl: "diverge-add-scoped",
  params: { ops_per_block: OPS_PER_BLOCK, size: 4 },
  plan,
  quick,
  prepare: (): Prepared => {
    const { a, b } = operands()
    return {
      unit: () =>
        Tensor.local(() => {
          for (let i = 0; i < OPS_PER_BLOCK; i++) add(a, b)
        }),
      report: perOp
    }
  }
}

/** `a` requires grad, so every add records a graph node, released when `c` is disposed (no backward). */
const addAutograd: Case = {
  impl: "diverge-add-autograd",
  params: { ops_per_block: OPS_PER_BLOCK, size: 4 },
  plan,
  quick,
  prepare: (): Prepared => {
    const { a, b } = operands()
    const leaf = variable(a)
    return {
      unit: () => {
        for (let i = 0; i < OPS_PER_BLOCK; i++) add(leaf, b).dispose()
      },
      report: perOp
    }
  }
}

export const w7OpDispatch: Workload = {
  id: "W7",
  name: "op-dispatch",
  cases: [addDispose, addScoped, addAutograd]
}
