// Exact optimal transport between two discrete measures: the transportation problem
//   min Σ_ij P_ij C_ij  subject to  P ≥ 0, P 1 = a, Pᵀ 1 = b
// solved by the primal network simplex on the bipartite graph (supply i → demand j) with a
// strongly feasible spanning tree and block-search pricing. Inputs are validated by the caller
// (finite, a, b ≥ 0, equal totals); the solver itself only checks its iteration budget.
#pragma once
#include <cstdint>
#include <vector>

namespace dv::ot {

struct TransportResult {
  double cost = 0;           // Σ P_ij C_ij
  std::vector<double> u, v;  // dual potentials: u_i + v_j ≤ C_ij, equality where P_ij > 0
  int64_t iterations = 0;    // pivots
};

// a (n), b (m) with Σa = Σb (up to rounding), cost n × m row-major; the plan is written into
// `plan` (n × m, row-major, which the caller has zeroed). Throws DivergeError(IterationLimit)
// after max_iterations pivots.
TransportResult solve_transport(const double* a, int64_t n, const double* b, int64_t m, const double* cost,
                                double* plan, int64_t max_iterations);

}  // namespace dv::ot
