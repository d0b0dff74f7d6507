// Builds the native addon with cmake-js, offline (Node-API headers come from node-api-headers).
// DIVERGE_CUDA=OFF skips the CUDA backend; DIVERGE_CUDA=ON requires it.
import { spawnSync } from "node:child_process"
import { availableParallelism } from "node:os"
import { createRequire } from "node:module"

const require = createRequire(import.meta.url)
const cmakeJs = require.resolve("cmake-js/bin/cmake-js")
const cuda = process.env.DIVERGE_CUDA ?? "AUTO"
const jobs = String(Math.max(1, availableParallelism()))
const args = [cmakeJs, "compile", "--parallel", jobs, `--CDDIVERGE_CUDA=${cuda}`]
const run = spawnSync(process.execPath, args, { stdio: "inherit", env: { ...process.env, CMAKE_BUILD_PARALLEL_LEVEL: jobs } })
process.exit(run.status ?? 1)
