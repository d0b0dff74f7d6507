/**
 * Validation of optimizer hyper-parameters. A bad value is an `InvalidArgument` (a tensor
 * error, so inside `Tensor.compute` it lands in the error channel rather than as a defect),
 * with a message naming the optimizer, the parameter and the value.
 */
import { InvalidArgument } from "../native/errors.js"

export const invalidConfig = (where: string, message: string): InvalidArgument =>
  new InvalidArgument({ message: `${where}: ${message}` })

const show = (v: unknown): string => (typeof v === "number" ? String(v) : typeof v)

const finite = (where: string, name: string, v: unknown): number => {
  if (typeof v !== "number" || !Number.isFinite(v)) throw invalidConfig(where, `${name} must be a finite number, got ${show(v)}`)
  return v
}

/** v ≥ 0. */
export const nonNegative = (where: string, name: string, v: unknown): number => {
  const x = finite(where, name, v)
  if (x < 0) throw invalidConfig(where, `${name} must be >= 0, got ${x}`)
  return x
}

/** v > 0. */
export const positive = (where: string, name: string, v: unknown): number => {
  const x = finite(where, name, v)
  if (x <= 0) throw invalidConfig(where, `${name} must be > 0, got ${x}`)
  return x
}

/** 0 ≤ v < 1 (decay rates such as Adam's betas). */
export const decayRate = (where: string, name: string, v: unknown): number => {
  const x = finite(where, name, v)
  if (x < 0 || x >= 1) throw invalidConfig(where, `${name} must be in [0, 1), got ${x}`)
  return x
}

/** 0 ≤ v ≤ 1. */
export const fraction = (where: string, name: string, v: unknown): number => {
  const x = finite(where, name, v)
  if (x < 0 || x > 1) throw invalidConfig(where, `${name} must be in [0, 1], got ${x}`)
  return x
}

/** A non-negative integer (step counts). */
export const count = (where: string, name: string, v: unknown): number => {
  const x = finite(where, name, v)
  if (!Number.isInteger(x) || x < 0) throw invalidConfig(where, `${name} must be a non-negative integer, got ${x}`)
  return x
}

export const flag = (where: string, name: string, v: unknown): boolean => {
  if (typeof v !== "boolean") throw invalidConfig(where, `${name} must be a boolean, got ${show(v)}`)
  return v
}
