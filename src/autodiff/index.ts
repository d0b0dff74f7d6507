/** diverge/autodiff: gradients of functions of parameter trees, to any order. */
export { grad, valueAndGrad, vjp, gradients, stopGradient, variable, noGrad, enableGrad, type GradOptions, type ValueAndGradOptions } from "./grad.js"
export { checkGrad, type GradCheckOptions, type GradCheckReport, type GradCheckWorst } from "./checkgrad.js"
export * as Tree from "../tensor/tree.js"
