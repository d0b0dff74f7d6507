/** Method forms of the common ops: `a.add(b).matmul(w).sum()`. Each calls the plain function. */
import type { DeviceId } from "./device.js"
import type { DType } from "./dtype.js"
import * as E from "./ops/elementwise.js"
import { matmul } from "./ops/linalg.js"
import * as R from "./ops/reduce.js"
import * as S from "./ops/shape.js"
import { type Shape, Tensor, type TensorLike } from "./tensor.js"

declare module "./tensor.js" {
  interface Tensor {
    add(b: TensorLike): Tensor
    sub(b: TensorLike): Tensor
    mul(b: TensorLike): Tensor
    div(b: TensorLike): Tensor
    pow(b: TensorLike): Tensor
    maximum(b: TensorLike): Tensor
    minimum(b: TensorLike): Tensor
    eq(b: TensorLike): Tensor
    lt(b: TensorLike): Tensor
    gt(b: TensorLike): Tensor
    neg(): Tensor
    exp(): Tensor
    log(): Tensor
    sqrt(): Tensor
    abs(): Tensor
    tanh(): Tensor
    sigmoid(): Tensor
    relu(): Tensor
    square(): Tensor
    clamp(lo: number, hi: number): Tensor
    matmul(b: Tensor): Tensor
    sum(axes?: R.Axes, keepdims?: boolean): Tensor
    mean(axes?: R.Axes, keepdims?: boolean): Tensor
    max(axes?: R.Axes, keepdims?: boolean): Tensor
    min(axes?: R.Axes, keepdims?: boolean): Tensor
    argmax(axes?: R.Axes, keepdims?: boolean): Tensor
    logsumexp(axes?: R.Axes, keepdims?: boolean): Tensor
    reshape(shape: Shape): Tensor
    transpose(a?: number, b?: number): Tensor
    permute(perm: readonly number[]): Tensor
    expand(shape: Shape): Tensor
    unsqueeze(axis: number): Tensor
    squeeze(axis?: number): Tensor
    flatten(start?: number, end?: number): Tensor
    slice(axis: number, start: number, stop?: number, step?: number): Tensor
    cast(dtype: DType): Tensor
    contiguous(): Tensor
    toDevice(device: DeviceId): Tensor
    toCpu(): Tensor
  }
}

const p = Tensor.prototype
p.add = function (b) { return E.add(this, b) }
p.sub = function (b) { return E.sub(this, b) }
p.mul = function (b) { return E.mul(this, b) }
p.div = function (b) { return E.div(this, b) }
p.pow = function (b) { return E.pow(this, b) }
p.maximum = function (b) { return E.maximum(this, b) }
p.minimum = function (b) { return E.minimum(this, b) }
p.eq = function (b) { return E.eq(this, b) }
p.lt = function (b) { return E.lt(this, b) }
p.gt = function (b) { return E.gt(this, b) }
p.neg = function () { return E.neg(this) }
p.exp = function () { return E.exp(this) }
p.log = function () { return E.log(this) }
p.sqrt = function () { return E.sqrt(this) }
p.abs = function () { return E.abs(this) }
p.tanh = function () { return E.tanh(this) }
p.sigmoid = function () { return E.sigmoid(this) }
p.relu = function () { return E.relu(this) }
p.square = function () { return E.square(this) }
p.clamp = function (lo, hi) { return E.clamp(this, lo, hi) }
p.matmul = function (b) { return matmul(this, b) }
p.sum = function (axes, keepdims) { return R.sum(this, axes, keepdims) }
p.mean = function (axes, keepdims) { return R.mean(this, axes, keepdims) }
p.max = function (axes, keepdims) { return R.max(this, axes, keepdims) }
p.min = function (axes, keepdims) { return R.min(this, axes, keepdims) }
p.argmax = function (axes, keepdims) { return R.argmax(this, axes, keepdims) }
p.logsumexp = function (axes, keepdims) { return R.logsumexp(this, axes, keepdims) }
p.reshape = function (shape) { return S.reshape(this, shape) }
p.transpose = function (a, b) { return S.transpose(this, a, b) }
p.permute = function (perm) { return S.permute(this, perm) }
p.expand = function (shape) { return S.expand(this, shape) }
p.unsqueeze = function (axis) { return S.unsqueeze(this, axis) }
p.squeeze = function (axis) { return S.squeeze(this, axis) }
p.flatten = function (start, end) { return S.flatten(this, start, end) }
p.slice = function (axis, start, stop, step) { return S.slice(this, axis, start, stop, step) }
p.cast = function (dtype) { return S.cast(this, dtype) }
p.contiguous = function () { return S.contiguous(this) }
p.toDevice = function (device) { return S.toDevice(this, device) }
p.toCpu = function () { return S.toCpu(this) }
