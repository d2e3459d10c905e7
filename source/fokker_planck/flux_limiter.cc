// The flux limiter of the flux correction (FluxCorrectedTransport,
// doc/numerics.md "Stabilization" step 4): the largest admissible R_i.

#include <kwfp/base/epetra_values.h>
#include <kwfp/fokker_planck/flux_corrected_transport.h>

#include <deal.II/base/mpi.h>

#include <algorithm>
#include <vector>

namespace kwfp
{
  using namespace dealii;

  template <int dim>
  void
  FluxCorrectedTransport<dim>::compute_flux_limiters(
    const double relative_tolerance)
  {
    // Flux limiting: alpha_ij = R_j for f_ij > 0 (it leaves j), R_i for
    // f_ij < 0. Node i keeps a right-hand side >= 0 when
    //   R_i |P_i| <= Q_i + sum_{f_ij > 0} R_j f_ij,   P_i = sum_{f_ij<0} f_ij.
    // The largest admissible R is found from both sides:
    // 1. From R = 1 (no limiting), every node that violates the condition
    //    lowers R_i to the largest value that satisfies it with the current
    //    R_j (R decreases; where the Galerkin step is smooth and positive
    //    nothing is violated and nothing is limited). If that settles in two
    //    passes (isolated violations), done: R = R*, the largest admissible
    //    R. More passes settled in none of the corrected steps measured
    //    (banana 2-D and 3-D, G2), where fluxes cycle through nodes without
    //    budget and R decreases only geometrically, and cost a pass each
    //    (28 ms of a 3-D step); the result of 2. does not depend on them
    //    (below). Where 1. would have settled in a third to tenth pass (a
    //    short chain), the result is now that of 2., which limits a little
    //    more than R*.
    // 2. Otherwise the passes of 1 are an upper bound U of R*. With T(R)_i
    //    = min(1, (Q_i + sum_{f_ij>0} R_j f_ij) / |P_i|), monotone in R,
    //    R* is the greatest fixed point of T, the raising iterates S stay
    //    below it (T(S) <= T(R*) = R*), so the cap U never binds (up to
    //    round-off) and 2. gives the same R for any U >= R*. Zalesak's
    //    R_i = min(U_i, Q_i / |P_i|) is admissible whatever the neighbours
    //    do, and passes R_i = min(U_i, (Q_i + sum_{f_ij>0} R_j f_ij) /
    //    |P_i|) raise it towards R* while staying admissible (what each
    //    node receives only grows). The passes stop when no R rises by
    //    1e-3, or when the last pass raised no right-hand side entry by more
    //    than relative_tolerance times the largest budget (its largest
    //    (R_new - R_old) |P_i|): a heuristic, not a bound on what later
    //    passes would add, set at the scale to which the low-order solve
    //    resolves its right-hand side (relative to |rhs|_2 >= the largest
    //    entry). Every pass is admissible, so stopping early only limits
    //    more. Far from the mass, where budgets are ~0, R rises by large
    //    factors on tiny fluxes; the rule ends those passes early (banana
    //    64^2: 8.3 raising passes per corrected step, was 19.1).
    const int n_rows = static_cast<int>(lumped_mass.size());
    double   *R      = epetra_values(ratio);
    for (int row = 0; row < n_rows; ++row)
      R[row] = 1.;
    const auto incoming_flux = [&](const int row, const double *Rall) {
      double incoming = 0;
      for (std::size_t k = row_start[row]; k < row_start[row + 1]; ++k)
        if (flux[k] > 0)
          incoming += Rall[column_in_ghosted[k]] * flux[k];
      return incoming;
    };
    // The first pass checks every node with outgoing fluxes; a later one
    // only those next to a node whose R the pass before changed (on this
    // process or another): for the others nothing in their condition
    // changed. Same result as checking all, in a fraction of the work.
    rows_to_check.clear();
    for (int row = 0; row < n_rows; ++row)
      if (negative_flux[row] < 0)
        rows_to_check.push_back(row);
    std::fill(last_ratio.begin(), last_ratio.end(), 1.);
    bool settled = false;
    for (unsigned int pass = 0; pass < 2 && !settled; ++pass)
      {
        ghost_exchange.update(ratio, ghosted_ratio);
        const double *Rall = epetra_values(ghosted_ratio);
        if (pass > 0)
          list_rows_next_to_changes(Rall);
        unsigned long long violated = 0;
        for (const int row : rows_to_check)
          {
            const double incoming = incoming_flux(row, Rall);
            if (budget[row] + incoming + R[row] * negative_flux[row] < 0)
              {
                R[row] = std::max(0.,
                                  std::min(R[row],
                                           (budget[row] + incoming) /
                                             -negative_flux[row]));
                ++violated;
              }
          }
        settled = Utilities::MPI::sum(violated, communicator) == 0;
      }
    if (settled)
      return;
    const std::vector<double> upper(R, R + n_rows);
    for (int row = 0; row < n_rows; ++row)
      if (negative_flux[row] < 0)
        R[row] = std::min(upper[row], budget[row] / -negative_flux[row]);
    double largest_budget = 0;
    for (int row = 0; row < n_rows; ++row)
      largest_budget = std::max(largest_budget, budget[row]);
    largest_budget = Utilities::MPI::max(largest_budget, communicator);
    for (unsigned int pass = 0; pass < 20; ++pass)
      {
        ghost_exchange.update(ratio, ghosted_ratio);
        const double *Rall = epetra_values(ghosted_ratio);
        // the largest rise of an R and of an admitted outflow R_i |P_i|
        double change[2] = {0, 0};
        for (int row = 0; row < n_rows; ++row)
          {
            if (!(negative_flux[row] < 0) || R[row] >= upper[row])
              continue;
            const double r = std::min(upper[row],
                                      (budget[row] + incoming_flux(row, Rall)) /
                                        -negative_flux[row]);
            if (r > R[row])
              {
                change[0] = std::max(change[0], r - R[row]);
                change[1] =
                  std::max(change[1], (r - R[row]) * -negative_flux[row]);
                R[row] = r;
              }
          }
        const double local[2] = {change[0], change[1]};
        double       global[2];
        Utilities::MPI::max(make_array_view(local),
                            communicator,
                            make_array_view(global));
        if (global[0] < 1e-3 ||
            global[1] <= relative_tolerance * largest_budget)
          break;
      }
  }


  template <int dim>
  void
  FluxCorrectedTransport<dim>::list_rows_next_to_changes(const double *Rall)
  {
    rows_to_check.clear();
    for (std::size_t c = 0; c < last_ratio.size(); ++c)
      if (Rall[c] != last_ratio[c])
        {
          last_ratio[c] = Rall[c];
          for (std::size_t k = column_start[c]; k < column_start[c + 1]; ++k)
            {
              const int row = rows_of_column[k];
              if (!listed[row] && negative_flux[row] < 0)
                {
                  listed[row] = 1;
                  rows_to_check.push_back(row);
                }
            }
        }
    for (const int row : rows_to_check)
      listed[row] = 0;
  }


#define KWFP_INSTANTIATE(dim)                                           \
  template void FluxCorrectedTransport<dim>::compute_flux_limiters(     \
    const double);                                                      \
  template void FluxCorrectedTransport<dim>::list_rows_next_to_changes( \
    const double *);

  KWFP_INSTANTIATE(1)
  KWFP_INSTANTIATE(2)
  KWFP_INSTANTIATE(3)
#undef KWFP_INSTANTIATE
} // namespace kwfp
