/**
 * diverge/random: splittable counter-based random keys (Philox4x32-10) and draws. Every draw
 * takes an explicit Key; there is no global seed. The same key gives the same values on every
 * device and for every thread count.
 */
export { Key, type Keys, key, split, fold, isKey, keyFromJSON } from "./key.js"
export { philox4x32_10, type Words } from "./philox.js"
export { bits, uniform, normal, randint, type DrawOptions } from "./draws.js"
export { truncatedNormal, bernoulli, permutation } from "./composite.js"
