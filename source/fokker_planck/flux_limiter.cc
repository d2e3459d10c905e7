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
    const StepScales &scales,
    const double      relative_tolerance)
  {
    // Flux limiting: alpha_ij = R_j for f_ij > 0 (it leaves j), R_i for
    // f_ij < 0. Node i keeps a right-hand side >= -tau_i when
    //   R_i |P_i| <= Q_i + tau_i + sum_{f_ij > 0} R_j f_ij,
    // P_i = sum_{f_ij<0} f_ij, Q_i = budget (compute_row_fluxes()), tau_i =
    // tolerance_per_mass m_i = relative_tolerance m_i max rho^n / dt.
    // tau is below what the low-order solve resolves (its residual is
    // relative_tolerance |rhs|_2, and |rhs|_2 >= max_i m_i rho^n_i / dt),
    // and a right-hand side >= -tau gives rho >= -relative_tolerance
    // max rho^n g, g = (M_L/dt + L)^{-1} M_L 1 / dt (one low-order step of
    // the density 1, about 1), which the solve's clipping sets to 0. With
    // tau = 0 the Galerkin step's round-off dips in the far field
    // (right-hand sides of -1e-20 of the largest) made half of the nodes of
    // a banana step violate.
    // With T(R)_i = min(1, (Q_i + tau_i + sum_{f_ij>0} R_j f_ij) / |P_i|),
    // monotone in R, the largest admissible R is the greatest fixed point
    // R* of T. It is approached from below, by admissible iterates only,
    // and only where something must be limited:
    // 1. The cascade. From R = 1, a node that violates the condition joins
    //    the limited set with the largest R_i admissible given its
    //    neighbours' R; that lowers what its neighbours receive, so the
    //    nodes next to it are checked again, until no node violates. A node
    //    that violates again (a neighbour lowered its R) is lowered again,
    //    and the fifth time gets Zalesak's R_i = max(0, (Q_i + tau_i) /
    //    |P_i|), admissible whatever its neighbours do, so each node changes
    //    at most five times (lowering alone falls only geometrically where
    //    fluxes cycle through nodes without budget). The others keep R_i = 1
    //    and satisfy the condition (the first round checks every node, a later
    //    one every node next to a change). Only the rows checked get their
    //    fluxes.
    // 2. Raising. Passes R_i = T(R)_i over the limited set raise R towards
    //    R* (what each node receives only grows, so every pass stays
    //    admissible). They stop when no R rises by 1e-3, or when the last
    //    pass raised no admitted outflow R_i |P_i| by more than
    //    relative_tolerance times the largest budget: a heuristic, not a
    //    bound on what later passes would add, set at the scale to which
    //    the low-order solve resolves its right-hand side. Stopping early
    //    only limits more.
    // Where the Galerkin step dips below zero in a few places (the tails of
    // a curved density), the work follows the limited set, not the mesh.
    const double tolerance_per_mass = scales.tolerance_per_mass;
    const int    n_rows             = static_cast<int>(lumped_mass.size());
    double      *R                  = epetra_values(ratio);
    for (int row = 0; row < n_rows; ++row)
      R[row] = 1.;
    const auto violates = [&](const int row, const double incoming) {
      return budget[row] + tolerance_per_mass * lumped_mass[row] + incoming +
               R[row] * negative_flux[row] <
             0;
    };

    // 1. The cascade; its first round from the right-hand side at R = 1.
    limited_rows.clear();
    in_limited_set.assign(n_rows, 0);
    rows_to_check.clear();
    const double *r = epetra_values(rhs);
    for (int row = 0; row < n_rows; ++row)
      if (!constrained[row] &&
          r[row] + tolerance_per_mass * lumped_mass[row] < 0)
        {
          compute_row_fluxes(row);
          if (negative_flux[row] < 0)
            rows_to_check.push_back(row);
        }
    std::fill(last_ratio.begin(), last_ratio.end(), 1.);
    // in_limited_set: how often the node's R was lowered (the last time
    // to Zalesak's R, after `lowerings` lowerings)
    // Four lowerings (each continuous in the data) before Zalesak's R (a
    // jump): with one, the solver's round-off decided whether a node
    // jumped, and the 2-D correlated drift test lost its symmetry in the
    // mean (2.1e-8 against 1e-8 allowed); with four, 1e-8 holds.
    const unsigned char lowerings = 4;
    for (bool first = true;; first = false)
      {
        ghost_exchange.update(ratio, ghosted_ratio);
        const double *Rall = epetra_values(ghosted_ratio);
        if (!first)
          list_rows_next_to_changes(Rall);
        unsigned long long changed = 0;
        for (const int row : rows_to_check)
          {
            if (in_limited_set[row] > lowerings)
              continue; // Zalesak's R: admissible whatever
            const double incoming = incoming_flux(row, Rall);
            if (!violates(row, incoming))
              continue;
            const double own =
              budget[row] + tolerance_per_mass * lumped_mass[row];
            if (in_limited_set[row] == 0)
              limited_rows.push_back(row);
            if (in_limited_set[row] < lowerings)
              // the largest R_i admissible with the neighbours' R as they
              // are (a continuous function of the data)
              R[row] = std::max(0., (own + incoming) / -negative_flux[row]);
            else
              // lowered again and again by its neighbours: Zalesak's R,
              // so that it never violates again
              R[row] = std::max(0., own / -negative_flux[row]);
            ++in_limited_set[row];
            ++changed;
          }
        if (Utilities::MPI::sum(changed, communicator) == 0)
          break;
      }

    raise_flux_limiters(scales, relative_tolerance);
  }


  template <int dim>
  double
  FluxCorrectedTransport<dim>::incoming_flux(const int     row,
                                             const double *Rall) const
  {
    // The positive f_ij in storage order (compute_row_fluxes()), so the
    // same sum as over the whole row with f_ij > 0.
    Assert(fluxes_computed[row], ExcMessage("the row has no fluxes yet"));
    double incoming = 0;
    for (std::size_t k = row_start[row]; k < positive_end[row]; ++k)
      incoming += Rall[positive_column[k]] * positive_flux[k];
    return incoming;
  }


  template <int dim>
  void
  FluxCorrectedTransport<dim>::raise_flux_limiters(
    const StepScales &scales,
    const double      relative_tolerance)
  {
    // Step 2. of compute_flux_limiters().
    const double tolerance_per_mass = scales.tolerance_per_mass;
    double      *R                  = epetra_values(ratio);
    for (unsigned int pass = 0; pass < 20; ++pass)
      {
        ghost_exchange.update(ratio, ghosted_ratio);
        const double *Rall = epetra_values(ghosted_ratio);
        // the largest rise of an R and of an admitted outflow R_i |P_i|
        double change[2] = {0, 0};
        for (const int row : limited_rows)
          {
            const double raised =
              std::min(1.,
                       (budget[row] + tolerance_per_mass * lumped_mass[row] +
                        incoming_flux(row, Rall)) /
                         -negative_flux[row]);
            if (raised > R[row])
              {
                change[0] = std::max(change[0], raised - R[row]);
                change[1] =
                  std::max(change[1], (raised - R[row]) * -negative_flux[row]);
                R[row] = raised;
              }
          }
        const double local[2] = {change[0], change[1]};
        double       global[2];
        Utilities::MPI::max(make_array_view(local),
                            communicator,
                            make_array_view(global));
        if (global[0] < 1e-3 ||
            global[1] <= relative_tolerance * scales.largest_budget)
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
              if (listed[row] || constrained[row])
                continue;
              compute_row_fluxes(row);
              if (negative_flux[row] < 0)
                {
                  listed[row] = 1;
                  rows_to_check.push_back(row);
                }
            }
        }
    for (const int row : rows_to_check)
      listed[row] = 0;
  }


#define KWFP_INSTANTIATE(dim)                                                \
  template void FluxCorrectedTransport<dim>::compute_flux_limiters(          \
    const typename FluxCorrectedTransport<dim>::StepScales &, const double); \
  template void FluxCorrectedTransport<dim>::raise_flux_limiters(            \
    const typename FluxCorrectedTransport<dim>::StepScales &, const double); \
  template double FluxCorrectedTransport<dim>::incoming_flux(const int,      \
                                                             const double *) \
    const;                                                                   \
  template void FluxCorrectedTransport<dim>::list_rows_next_to_changes(      \
    const double *);

  KWFP_INSTANTIATE(1)
  KWFP_INSTANTIATE(2)
  KWFP_INSTANTIATE(3)
#undef KWFP_INSTANTIATE
} // namespace kwfp
