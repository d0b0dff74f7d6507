// Primal network simplex for the transportation problem (Ahuja, Magnanti & Orlin, "Network
// Flows", ch. 11; block-search pricing as in Bonneel et al. 2011).
//
// Graph: supply nodes s (weight a_s > 0), demand nodes N1 + d (weight b_d > 0), and a root R.
// Arcs s → d with cost C_sd and no capacity; the starting basis is the artificial arcs s → R and
// R → d, each of cost M (big enough that no optimum keeps flow on them), carrying a_s and b_d.
// Node potentials π make every tree arc tight: reduced cost c + π_tail − π_head = 0; an arc enters
// when its reduced cost is negative. The tree is stored with parent pointers, a doubly linked
// child list per node, depths and the flow on each node's arc to its parent.
//
// Anti-cycling: the tree stays strongly feasible (every zero-flow tree arc points towards the
// root) by choosing, among the arcs that block the pivot cycle, the last one met when walking
// the cycle in the entering arc's direction from the apex (AMO §11.5).
//
// Zero-weight nodes are left out of the solve; their potentials come afterwards from
// c-transforms, which keeps them feasible and as large as possible.
#include "network_simplex.h"
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include "../core/error.h"

namespace dv::ot {
namespace {

class Simplex {
 public:
  Simplex(const double* cost, int32_t n1, int32_t n2, const std::vector<double>& a, const std::vector<double>& b)
      : C_(cost), n1_(n1), n2_(n2), root_(n1 + n2) {
    const int32_t nodes = n1 + n2 + 1;
    parent_.assign(nodes, -1);
    arc_.assign(nodes, kArtificial);
    up_.assign(nodes, 0);
    flow_.assign(nodes, 0.0);
    depth_.assign(nodes, 1);
    pi_.assign(nodes, 0.0);
    first_.assign(nodes, -1);
    next_.assign(nodes, -1);
    prev_.assign(nodes, -1);
    double cmax = 0;
    const int64_t total = int64_t{n1} * n2;
    for (int64_t k = 0; k < total; ++k) cmax = std::max(cmax, std::fabs(C_[k]));
    big_ = 1.0 + static_cast<double>(nodes) * std::max(cmax, 1e-300);
    // Potentials reach a few times big_; they must stay finite.
    DV_CHECK(big_ < 1e300, ErrorCode::InvalidArgument, "transport: costs up to ", cmax,
             " are too large for the solver; rescale them");
    tol_ = 16 * DBL_EPSILON * big_;
    depth_[root_] = 0;
    for (int32_t v = 0; v < root_; ++v) {
      parent_[v] = root_;
      up_[v] = v < n1;  // s → R for supplies, R → d for demands: positive flows, strongly feasible
      flow_[v] = v < n1 ? a[v] : b[v - n1];
      link(v, root_);
    }
    refresh();
    block_ = std::max<int64_t>(std::min<int64_t>(total, 16), static_cast<int64_t>(std::sqrt(static_cast<double>(total))));
  }

  int64_t run(int64_t max_iterations) {
    int64_t pivots = 0, since_refresh = 0;
    const int64_t refresh_every = std::max<int32_t>(1000, root_);
    for (;;) {
      int32_t s, d;
      double rc;
      if (!price(s, d, rc)) {
        if (since_refresh == 0) break;
        refresh();  // undo the drift of incremental potential updates, then look again
        since_refresh = 0;
        continue;
      }
      if (pivots >= max_iterations)
        fail(ErrorCode::IterationLimit, "network simplex: no optimum after ", max_iterations,
             " pivots; raise maxIterations");
      pivot(s, d, rc);
      ++pivots;
      if (++since_refresh >= refresh_every) {
        refresh();
        since_refresh = 0;
      }
    }
    return pivots;
  }

  // Positive flows on real arcs, as (s, d, flow) through the callback.
  template <class F>
  void each_flow(F&& f) const {
    for (int32_t v = 0; v < root_; ++v)
      if (arc_[v] != kArtificial && flow_[v] > 0) f(static_cast<int32_t>(arc_[v] / n2_), static_cast<int32_t>(arc_[v] % n2_), flow_[v]);
  }
  double potential(int32_t node) const { return pi_[node]; }
  // Mass still routed through the root (zero at an optimum, up to rounding).
  double artificial_flow() const {
    double f = 0;
    for (int32_t v = 0; v < root_; ++v)
      if (arc_[v] == kArtificial) f += flow_[v];
    return f;
  }

 private:
  static constexpr int64_t kArtificial = -1;

  double arc_cost(int32_t v) const { return arc_[v] == kArtificial ? big_ : C_[arc_[v]]; }

  void link(int32_t c, int32_t p) {
    prev_[c] = -1;
    next_[c] = first_[p];
    if (first_[p] >= 0) prev_[first_[p]] = c;
    first_[p] = c;
  }
  void unlink(int32_t c, int32_t p) {
    if (prev_[c] >= 0) next_[prev_[c]] = next_[c];
    else first_[p] = next_[c];
    if (next_[c] >= 0) prev_[next_[c]] = prev_[c];
  }

  // Preorder walk of the subtree below q (q excluded), without a stack.
  template <class F>
  void below(int32_t q, F&& f) {
    int32_t v = q;
    for (;;) {
      if (first_[v] >= 0) {
        v = first_[v];
      } else {
        while (v != q && next_[v] < 0) v = parent_[v];
        if (v == q) return;
        v = next_[v];
      }
      f(v);
    }
  }

  // Potentials and depths recomputed from the root along the tree arcs.
  void refresh() {
    pi_[root_] = 0;
    below(root_, [&](int32_t v) {
      const int32_t p = parent_[v];
      depth_[v] = depth_[p] + 1;
      pi_[v] = up_[v] ? pi_[p] - arc_cost(v) : pi_[p] + arc_cost(v);
    });
  }

  // min_j (row[j] − pd[j]) over len entries, with vector min instructions where the compiler
  // has GCC vector types (a compare-and-branch loop does not vectorise).
  static double segment_min(const double* row, const double* pd, int32_t len) {
    const double inf = std::numeric_limits<double>::infinity();
    double out = inf;
    int32_t j = 0;
#if defined(__GNUC__)
    typedef double v4d __attribute__((vector_size(32)));
    v4d m0 = {inf, inf, inf, inf}, m1 = m0;
    for (; j + 8 <= len; j += 8) {
      v4d r0, p0, r1, p1;
      std::memcpy(&r0, row + j, sizeof r0);
      std::memcpy(&p0, pd + j, sizeof p0);
      std::memcpy(&r1, row + j + 4, sizeof r1);
      std::memcpy(&p1, pd + j + 4, sizeof p1);
      r0 -= p0;
      r1 -= p1;
      m0 = r0 < m0 ? r0 : m0;
      m1 = r1 < m1 ? r1 : m1;
    }
    m0 = m1 < m0 ? m1 : m0;
    for (int l = 0; l < 4; ++l) out = m0[l] < out ? m0[l] : out;
#endif
    for (; j < len; ++j) {
      const double r = row[j] - pd[j];
      out = r < out ? r : out;
    }
    return out;
  }

  // Block search: scan `block_` arcs from the cursor, take the most negative reduced cost of the
  // block; move on to the next block when none is negative. False after a full round without one.
  bool price(int32_t& s_out, int32_t& d_out, double& rc_out) {
    const int64_t total = int64_t{n1_} * n2_;
    const double* pd = pi_.data() + n1_;
    int64_t scanned = 0;
    double best = -tol_;
    int32_t bs = -1, bd = -1;
    while (scanned < total) {
      int64_t budget = block_;
      while (budget > 0 && scanned < total) {
        const int32_t len = static_cast<int32_t>(std::min<int64_t>({n2_ - cj_, budget, total - scanned}));
        const double* row = C_ + int64_t{ci_} * n2_;
        const double ps = pi_[ci_];
        double bound = best - ps;  // rc < best  ⇔  C − π_d < best − π_s
        int32_t found = -1;
        // Chunks of 64: a vector minimum each, and a scalar search only in a chunk that improves.
        for (int32_t c = cj_; c < cj_ + len; c += 64) {
          const int32_t width = std::min(64, cj_ + len - c);
          const double lo = segment_min(row + c, pd + c, width);
          if (lo < bound) {
            bound = lo;
            for (int32_t j = c;; ++j)
              if (row[j] - pd[j] == lo) {
                found = j;
                break;
              }
          }
        }
        if (found >= 0) {
          best = bound + ps;
          bs = ci_;
          bd = found;
        }
        cj_ += len;
        budget -= len;
        scanned += len;
        if (cj_ == n2_) {
          cj_ = 0;
          ci_ = ci_ + 1 == n1_ ? 0 : ci_ + 1;
        }
      }
      if (bs >= 0) {
        s_out = bs;
        d_out = bd;
        rc_out = C_[int64_t{bs} * n2_ + bd] + pi_[bs] - pd[bd];
        return true;
      }
    }
    return false;
  }

  void pivot(int32_t s, int32_t d, double rc) {
    const int32_t t = n1_ + d;
    // Walk both ends up to the apex. Blocking arcs are those the cycle s → t → … → apex → … → s
    // traverses against their direction; ties go to the last one met from the apex (see top).
    double ds = std::numeric_limits<double>::infinity(), dt = ds;
    int32_t leave_s = -1, leave_t = -1;
    int32_t x = s, y = t;
    while (x != y) {
      if (depth_[x] >= depth_[y]) {
        if (up_[x] && flow_[x] < ds) {
          ds = flow_[x];
          leave_s = x;
        }
        x = parent_[x];
      } else {
        if (!up_[y] && flow_[y] <= dt) {
          dt = flow_[y];
          leave_t = y;
        }
        y = parent_[y];
      }
    }
    const int32_t apex = x;
    const bool t_side = leave_t >= 0 && dt <= ds;
    if (!t_side && leave_s < 0) fail(ErrorCode::Internal, "network simplex: unbounded pivot cycle");
    const double delta = t_side ? dt : ds;
    const int32_t leave = t_side ? leave_t : leave_s;
    if (delta > 0) {
      for (int32_t v = s; v != apex; v = parent_[v]) flow_[v] += up_[v] ? -delta : delta;
      for (int32_t v = t; v != apex; v = parent_[v]) flow_[v] += up_[v] ? delta : -delta;
    }
    // The subtree cut off by the leaving arc hangs from the entering arc at q (t or s): reverse
    // the parent pointers on the path q … leave, then shift its potentials by ±rc.
    const int32_t q = t_side ? t : s;
    int32_t new_parent = t_side ? s : t;
    int64_t new_arc = int64_t{s} * n2_ + d;
    uint8_t new_up = t_side ? 0 : 1;
    double new_flow = delta;
    for (int32_t v = q;;) {
      const int32_t old_parent = parent_[v];
      const int64_t old_arc = arc_[v];
      const uint8_t old_up = up_[v];
      const double old_flow = flow_[v];
      unlink(v, old_parent);
      parent_[v] = new_parent;
      arc_[v] = new_arc;
      up_[v] = new_up;
      flow_[v] = new_flow;
      link(v, new_parent);
      if (v == leave) break;
      new_parent = v;
      new_arc = old_arc;
      new_up = !old_up;
      new_flow = old_flow;
      v = old_parent;
    }
    const double shift = t_side ? rc : -rc;
    depth_[q] = depth_[parent_[q]] + 1;
    pi_[q] += shift;
    below(q, [&](int32_t v) {
      depth_[v] = depth_[parent_[v]] + 1;
      pi_[v] += shift;
    });
  }

  const double* C_;
  int32_t n1_, n2_, root_;
  std::vector<int32_t> parent_, depth_, first_, next_, prev_;
  std::vector<int64_t> arc_;
  std::vector<uint8_t> up_;
  std::vector<double> flow_, pi_;
  double big_ = 1, tol_ = 0;
  int64_t block_ = 1;
  int32_t ci_ = 0, cj_ = 0;
};

}  // namespace

TransportResult solve_transport(const double* a, int64_t n, const double* b, int64_t m, const double* cost,
                                double* plan, int64_t max_iterations) {
  DV_CHECK(n > 0 && m > 0 && n + m < (int64_t{1} << 30), ErrorCode::InvalidArgument,
           "transport: need 1 ≤ n, m and n + m < 2^30, got ", n, " and ", m);
  TransportResult out;
  out.u.assign(static_cast<size_t>(n), 0.0);
  out.v.assign(static_cast<size_t>(m), 0.0);
  std::vector<int32_t> rows, cols;
  std::vector<double> ra, cb;
  for (int64_t i = 0; i < n; ++i)
    if (a[i] > 0) rows.push_back(static_cast<int32_t>(i)), ra.push_back(a[i]);
  for (int64_t j = 0; j < m; ++j)
    if (b[j] > 0) cols.push_back(static_cast<int32_t>(j)), cb.push_back(b[j]);
  const int32_t n1 = static_cast<int32_t>(rows.size()), n2 = static_cast<int32_t>(cols.size());
  std::vector<bool> has_u(static_cast<size_t>(n), false), has_v(static_cast<size_t>(m), false);
  if (n1 > 0 && n2 > 0) {
    // The solver prices rows of a dense matrix: gather one when some nodes were left out.
    std::vector<double> compact;
    const double* c = cost;
    if (n1 < n || n2 < m) {
      compact.resize(static_cast<size_t>(int64_t{n1} * n2));
      for (int32_t s = 0; s < n1; ++s)
        for (int32_t d = 0; d < n2; ++d) compact[int64_t{s} * n2 + d] = cost[int64_t{rows[s]} * m + cols[d]];
      c = compact.data();
    }
    Simplex simplex(c, n1, n2, ra, cb);
    out.iterations = simplex.run(max_iterations);
    double mass = 0;
    for (double w : ra) mass += w;
    DV_CHECK(simplex.artificial_flow() <= 1e-9 * mass, ErrorCode::Internal,
             "transport: the solve ended with mass on artificial arcs (", simplex.artificial_flow(), ")");
    simplex.each_flow([&](int32_t s, int32_t d, double f) {
      const int64_t k = int64_t{rows[s]} * m + cols[d];
      plan[k] += f;
      out.cost += f * cost[k];
    });
    for (int32_t s = 0; s < n1; ++s) out.u[rows[s]] = -simplex.potential(s), has_u[rows[s]] = true;
    for (int32_t d = 0; d < n2; ++d) out.v[cols[d]] = simplex.potential(n1 + d), has_v[cols[d]] = true;
  }
  // Zero-weight nodes: v_j = min_i (C_ij − u_i) over solved rows, then u_i = min_j (C_ij − v_j).
  const double inf = std::numeric_limits<double>::infinity();
  for (int64_t j = 0; j < m; ++j) {
    if (has_v[j]) continue;
    double best = inf;
    for (int64_t i = 0; i < n; ++i)
      if (has_u[i] || n1 == 0) best = std::min(best, cost[i * m + j] - out.u[i]);
    out.v[j] = best;
  }
  for (int64_t i = 0; i < n; ++i) {
    if (has_u[i] || n1 == 0) continue;
    double best = inf;
    for (int64_t j = 0; j < m; ++j) best = std::min(best, cost[i * m + j] - out.v[j]);
    out.u[i] = best;
  }
  // Potentials are defined up to u + c, v − c; pick c so that Σ a u = Σ b v.
  double au = 0, bv = 0, mass = 0;
  for (int64_t i = 0; i < n; ++i) au += a[i] * out.u[i], mass += a[i];
  for (int64_t j = 0; j < m; ++j) bv += b[j] * out.v[j], mass += b[j];
  if (mass > 0) {
    const double c = (bv - au) / mass;
    for (double& x : out.u) x += c;
    for (double& x : out.v) x -= c;
  }
  return out;
}

}  // namespace dv::ot
