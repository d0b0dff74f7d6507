/**
 * Learning-rate schedules: pure functions from the step index (0 for the first update) to a
 * value. Every `lr` argument of this module accepts a number or a schedule. Constructors
 * validate their arguments; `join` and `warmup` compose schedules.
 */
import { count, fraction, invalidConfig, nonNegative, positive } from "./config.js"

export type Schedule = (step: number) => number

/** A learning rate: a constant or a schedule of the step index. */
export type LearningRate = number | Schedule

export const constant = (value: number): Schedule => {
  const v = nonNegative("constant", "value", value)
  return () => v
}

/**
 * Linear interpolation from `init` to `end` over `steps` steps starting at `begin`; `init`
 * before, `end` after.
 */
export const linear = (init: number, end: number, steps: number, begin = 0): Schedule => {
  const a = nonNegative("linear", "init", init), b = nonNegative("linear", "end", end)
  const n = positive("linear", "steps", steps), s0 = count("linear", "begin", begin)
  return (step) => {
    const frac = Math.min(Math.max((step - s0) / n, 0), 1)
    return a + (b - a) * frac
  }
}

/**
 * init · rate^(step / steps) (PyTorch's ExponentialLR for steps = 1); with `staircase` the
 * exponent is floored, so the value drops once every `steps` steps.
 */
export const exponentialDecay = (init: number, rate: number, steps = 1, options: { readonly staircase?: boolean } = {}): Schedule => {
  const a = nonNegative("exponentialDecay", "init", init)
  const r = positive("exponentialDecay", "rate", rate)
  const n = positive("exponentialDecay", "steps", steps)
  const staircase = options.staircase === true
  return (step) => {
    const e = Math.max(step, 0) / n
    return a * Math.pow(r, staircase ? Math.floor(e) : e)
  }
}

/**
 * Cosine decay from `init` to `init · alpha` over `steps` steps, constant after:
 * init · ((1 − alpha) · ½(1 + cos(π · min(step, steps) / steps)) + alpha)
 * (PyTorch's CosineAnnealingLR with eta_min = alpha · init, before any restart).
 */
export const cosineDecay = (init: number, steps: number, alpha = 0): Schedule => {
  const a = nonNegative("cosineDecay", "init", init), n = positive("cosineDecay", "steps", steps)
  const floor = fraction("cosineDecay", "alpha", alpha)
  return (step) => {
    const t = Math.min(Math.max(step, 0), n) / n
    return a * ((1 - floor) * 0.5 * (1 + Math.cos(Math.PI * t)) + floor)
  }
}

/**
 * values[i] for steps in [boundaries[i − 1], boundaries[i]): `values` has one more entry
 * than `boundaries`, which must increase strictly.
 */
export const piecewiseConstant = (boundaries: readonly number[], values: readonly number[]): Schedule => {
  if (!Array.isArray(boundaries) || !Array.isArray(values) || values.length !== boundaries.length + 1)
    throw invalidConfig("piecewiseConstant", "needs one more value than boundaries")
  boundaries.forEach((b, i) => {
    count("piecewiseConstant", `boundaries[${i}]`, b)
    if (i > 0 && b <= boundaries[i - 1]!) throw invalidConfig("piecewiseConstant", "boundaries must increase strictly")
  })
  const vs = values.map((v, i) => nonNegative("piecewiseConstant", `values[${i}]`, v))
  return (step) => {
    let i = 0
    while (i < boundaries.length && step >= boundaries[i]!) i++
    return vs[i]!
  }
}

/**
 * Runs schedules one after another (optax's join_schedules): schedules[i] is used from
 * boundaries[i − 1] on and sees the step counted from that boundary.
 */
export const join = (schedules: readonly Schedule[], boundaries: readonly number[]): Schedule => {
  if (!Array.isArray(schedules) || !Array.isArray(boundaries) || schedules.length !== boundaries.length + 1)
    throw invalidConfig("join", "needs one more schedule than boundaries")
  schedules.forEach((s, i) => {
    if (typeof s !== "function") throw invalidConfig("join", `schedules[${i}] is not a function`)
  })
  boundaries.forEach((b, i) => {
    count("join", `boundaries[${i}]`, b)
    if (i > 0 && b <= boundaries[i - 1]!) throw invalidConfig("join", "boundaries must increase strictly")
  })
  return (step) => {
    let i = 0
    while (i < boundaries.length && step >= boundaries[i]!) i++
    return schedules[i]!(i === 0 ? step : step - boundaries[i - 1]!)
  }
}

/**
 * A linear warm-up over `steps` steps from `init` to where `then` starts (then(0)), followed by
 * `then` (counted from the end of the warm-up).
 */
export const warmup = (steps: number, then: LearningRate, init = 0): Schedule => {
  const n = positive("warmup", "steps", steps)
  if (!Number.isInteger(n)) throw invalidConfig("warmup", `steps must be an integer, got ${n}`)
  const after = asSchedule(then, "warmup")
  return join([linear(init, after(0), n), after], [n])
}

/** The schedule of a learning rate, checked when built and checked again at every step. */
export const asSchedule = (lr: LearningRate, where: string): Schedule => {
  if (typeof lr === "number") return constant(nonNegative(where, "learning rate", lr))
  if (typeof lr !== "function") throw invalidConfig(where, "the learning rate must be a number or a schedule")
  return (step) => {
    const v = lr(step)
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0)
      throw invalidConfig(where, `the learning-rate schedule gave ${String(v)} at step ${step}; it must be finite and >= 0`)
    return v
  }
}
