import { alternate, boost, earlyStop, reuseBatch, startCounters, total } from "../src/train/index.js"

const wgan = alternate({ critic: 5, generator: 1 }).pipe(
  boost({ player: "critic", count: 100, whilePlayer: "generator", below: 25, every: 500 }),
  total("generator", 10_000)
)
console.log(wgan.description)
const at = (g: number) => ({ ...startCounters(["critic", "generator"]), steps: { critic: 0, generator: g } })
console.log(wgan.iteration(at(0)).length, wgan.iteration(at(30)).length, wgan.iteration(at(500)).length) // 101 6 101
console.log(wgan.done(at(10_000), []))                                                              // true
const vae = alternate({ model: 1 }).pipe(earlyStop({ metric: "testElbo", mode: "max", patience: 3 }))
const reuse = alternate({ critic: 2, generator: 1 }).pipe(reuseBatch("critic"))
console.log(reuse.iteration(at(0)).map((s) => `${s.player}:${s.batch}`).join(" "))
console.log(vae.description)
