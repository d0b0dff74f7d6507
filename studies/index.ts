/** The studies shipped with diverge, runnable by name (`diverge run <name>`). */
import type { Study } from "../src/study/study.js"
import { fganGaussian } from "./fgan-gaussian.js"
import { ganGrid25 } from "./gan-grid25.js"
import { meanfieldGaussian } from "./meanfield-gaussian.js"
import { vaeMnist } from "./vae-mnist/index.js"
import { wganLines } from "./wgan-lines/index.js"

export const studies: ReadonlyArray<Study> = [ganGrid25, fganGaussian, wganLines, vaeMnist, meanfieldGaussian]

export const findStudy = (name: string): Study | undefined => studies.find((s) => s.name === name)
