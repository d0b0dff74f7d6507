/**
 * Whether ops record autograd graph nodes (a native, thread-local switch; on by default).
 * `noGrad` runs a forward pass that records nothing, as optimizer steps and a frozen
 * network's forward pass do; `enableGrad` forces recording (grad and vjp use it).
 */
import { native } from "../native/addon.js"

const withGradMode = <A>(enabled: boolean, f: () => A): A => {
  const previous = native.setGradEnabled(enabled)
  try {
    return f()
  } finally {
    native.setGradEnabled(previous)
  }
}

/** Runs f without recording any graph (a "no-grad" forward pass). */
export const noGrad = <A>(f: () => A): A => withGradMode(false, f)

/** Runs f recording graphs, even inside noGrad. */
export const enableGrad = <A>(f: () => A): A => withGradMode(true, f)
