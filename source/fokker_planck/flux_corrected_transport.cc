#include <kwfp/base/epetra_values.h>
#include <kwfp/base/errors.h>
#include <kwfp/fokker_planck/flux_corrected_transport.h>
#include <kwfp/fokker_planck/mesh_parameters.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/patterns.h>
#include <deal.II/lac/solver_control.h>
#include <deal.II/lac/solver_gmres.h>
#include <deal.II/lac/trilinos_solver.h>

#include <Epetra_CrsMatrix.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace kwfp
{
  using namespace dealii;

  namespace
  {
    /**
     * Round-off negatives of rho^n count as 0 in the right-hand side
     * M_L max(rho^n, 0) / dt of the low-order solve, which adds their
     * magnitude to the mass. Scale @p solution (which satisfies 1^T S x =
     * 1^T @p rhs) so that its mass is that of rho^n with its negatives:
     * 1^T M_L rho^n = dt (1^T rhs + @p clipped), @p clipped = sum m_i
     * min(rho^n_i, 0) / dt <= 0. A relative change of round-off size that
     * keeps the signs; without it, steps kept uncorrected (with negatives
     * down to -1e-12 of the maximum) and then corrected gain mass.
     */
    void
    restore_clipped_mass(const double                         clipped,
                         const TrilinosWrappers::MPI::Vector &rhs,
                         TrilinosWrappers::MPI::Vector       &solution,
                         const MPI_Comm                       communicator)
    {
      double local[2] = {clipped, 0};
      for (const double v : rhs)
        local[1] += v;
      double global[2];
      Utilities::MPI::sum(local, communicator, global);
      if (global[0] < 0 && global[1] > 0)
        solution *= 1 + global[0] / global[1];
    }

    /**
     * Throws RunFailure ("flux correction: WHAT m (largest M); REMEDY") when
     * the smallest entry of @p v, min over the processes of
     * @p local_smallest, is below -@p relative max |v|.
     */
    void
    require_nonnegative(const double                         local_smallest,
                        const TrilinosWrappers::MPI::Vector &v,
                        const double                         relative,
                        const char                          *what,
                        const char                          *remedy,
                        const MPI_Comm                       communicator)
    {
      const double smallest = Utilities::MPI::min(local_smallest, communicator);
      const double largest  = v.linfty_norm();
      if (smallest >= -relative * largest)
        return;
      std::ostringstream message;
      message << "flux correction: " << what << " " << smallest << " (largest "
              << largest << "); " << remedy;
      throw RunFailure(message.str());
    }
  } // namespace


  template <int dim>
  typename FluxCorrectedTransport<dim>::Statistics
  FluxCorrectedTransport<dim>::correct(
    const double                         dt,
    const double                         a,
    const TrilinosWrappers::MPI::Vector &b,
    const TrilinosWrappers::MPI::Vector &previous,
    const DenseMatrix                   &C,
    const double                         relative_tolerance,
    const unsigned int                   max_iterations,
    TrilinosWrappers::MPI::Vector       &solution)
  {
    Statistics statistics;
    Assert(op != nullptr, ExcMessage("reinit() was not called"));
    Assert(dt > 0 && a > 0, ExcMessage("dt and a = alpha/dt must be positive"));
    AssertDimension(solution.locally_owned_size(), lumped_mass.size());
    AssertDimension(previous.locally_owned_size(), lumped_mass.size());
    AssertDimension(b.locally_owned_size(), lumped_mass.size());
    AssertDimension(C.m(), dim);

    // A Galerkin step that is non-negative to round-off (no value below
    // -1e-12 of the largest: the positivity requirement) is kept: the
    // correction exists for positivity, and where none is lost it would only
    // add the low-order scheme's diffusion. Also on meshes with hanging
    // nodes: the condensed Galerkin step conserves the mass there too
    // (AdaptiveMesh.StepsConserveMassWithHangingNodes: within 1e-12 over 100
    // Q2 steps, measured 5.5e-14).
    if (skip_unlimited)
      {
        const Undershoot undershoot = relative_undershoot(solution, previous);
        if (undershoot.nodal <= 1e-12)
          return statistics;
        // The cutoff (Lu, Huang & Van Vleck 2013): at every node where the
        // exact density is >= 0, |max(rho^H_i, 0) - rho_i| <= |rho^H_i -
        // rho_i|, so setting negatives to 0 raises no nodal error; the
        // scaling to the mass of rho^n changes every value by the relative
        // mass cut (at most the tolerance).
        if (undershoot.mass <= cutoff_tolerance)
          {
            cut_off(undershoot, solution);
            statistics.cut_off     = true;
            statistics.cutoff_mass = undershoot.mass;
            return statistics;
          }
      }

    // The corrected step in increments of rho^H: with S = M_L/dt + L,
    //   S rho = S rho^H + (s' - s) + sum_j (alpha_ij - 1) f_ij,
    // which is (M_L/dt + L) rho = M_L rho^n/dt + s' + sum_j alpha_ij f_ij
    // up to the Galerkin step's residual. Only the rows that the limiting
    // reaches need their fluxes.
    build();
    step_C = C;
    update_edge_matrix(C);
    fill_low_order_matrix(1 / dt);
    const StepScales scales =
      start_right_hand_side(dt, a, b, previous, solution, relative_tolerance);
    if (!skip_unlimited)
      for (int row = 0; row < static_cast<int>(lumped_mass.size()); ++row)
        compute_row_fluxes(row);
    compute_flux_limiters(scales, relative_tolerance);
    const unsigned long long limited = add_limited_fluxes();
    statistics.limited_nodes         = limited;
    statistics.source_scaling        = scales.positive_factor;
    {
      const double local[2] = {residual_and_scale[0], residual_and_scale[1]};
      double       global[2];
      Utilities::MPI::max(make_array_view(local),
                          communicator,
                          make_array_view(global));
      statistics.galerkin_residual = global[1] > 0 ? global[0] / global[1] : 0;
    }
    if (skip_unlimited && limited == 0 && scales.positive_factor == 1)
      {
        // Nothing limited: rho = rho^H, whose right-hand side is >= -tau;
        // its negatives (>= -relative_tolerance g max rho^n) are set to 0.
        clip_negatives_to_mass(scales.previous_mass, solution);
        return statistics;
      }
    statistics.corrected = true;
    statistics.iterations =
      solve_low_order(dt, relative_tolerance, max_iterations, solution);
    // As the rows of S sum to M_L/dt (exactly the mass of rho^n, as
    // the right-hand side M_L rho^n/dt + s' + sum_j alpha_ij f_ij has),
    // not that of rho^H, which carries the Galerkin solve's round-off.
    clip_negatives_to_mass(scales.previous_mass, solution);
    return statistics;
  }


  template <int dim>
  typename FluxCorrectedTransport<dim>::Undershoot
  FluxCorrectedTransport<dim>::relative_undershoot(
    const TrilinosWrappers::MPI::Vector &solution,
    const TrilinosWrappers::MPI::Vector &previous) const
  {
    // Hanging nodes are left out: distribute() sets them after the step
    // (Q2's weights -1/8 can make them negative where every unknown is not).
    // Five scalar accumulators (an indexed local_sum[v < 0] += ... chains
    // every row through a store and a load); each gets the same terms in
    // the same order as before, the other one a +0.
    const int     n_rows     = static_cast<int>(lumped_mass.size());
    const double *values     = epetra_values(solution);
    const double *old_values = epetra_values(previous);
    double        max_rho = 0, max_minus_rho = 0; // max rho, max -rho
    double        positive = 0, negative = 0, old_mass = 0;
    for (int row = 0; row < n_rows; ++row)
      if (!constrained[row])
        {
          const double v    = values[row];
          const double mass = lumped_mass[row] * std::abs(v);
          max_rho           = std::max(max_rho, v);
          max_minus_rho     = std::max(max_minus_rho, -v);
          positive += v < 0 ? 0. : mass;
          negative += v < 0 ? mass : 0.;
          old_mass += lumped_mass[row] * old_values[row];
        }
    const double local_max[2] = {max_rho, max_minus_rho};
    const double local_sum[3] = {positive, negative, old_mass};
    double       maxima[2], sums[3];
    Utilities::MPI::max(ArrayView<const double>(local_max, 2),
                        communicator,
                        make_array_view(maxima));
    Utilities::MPI::sum(local_sum, communicator, sums);
    const double infinite = std::numeric_limits<double>::infinity();
    Undershoot   u;
    u.nodal =
      maxima[0] > 0 ? maxima[1] / maxima[0] : (maxima[1] > 0 ? infinite : 0.);
    u.mass = sums[0] > 0 ? sums[1] / sums[0] : (sums[1] > 0 ? infinite : 0.);
    u.positive_mass = sums[0];
    u.previous_mass = sums[2];
    return u;
  }


  template <int dim>
  void
  FluxCorrectedTransport<dim>::cut_off(
    const Undershoot              &undershoot,
    TrilinosWrappers::MPI::Vector &solution) const
  {
    // The positive mass is what clip_negatives_to_mass() would sum after
    // the clipping (the same terms in the same order: the negatives add 0).
    const double factor =
      undershoot.positive_mass > 0 && undershoot.previous_mass > 0 ?
        undershoot.previous_mass / undershoot.positive_mass :
        1.;
    double *x = epetra_values(solution);
    for (std::size_t row = 0; row < lumped_mass.size(); ++row)
      x[row] = (constrained[row] ? x[row] : std::max(x[row], 0.)) * factor;
  }


  template <int dim>
  typename FluxCorrectedTransport<dim>::StepScales
  FluxCorrectedTransport<dim>::start_right_hand_side(
    const double                         dt,
    const double                         a,
    const TrilinosWrappers::MPI::Vector &b,
    const TrilinosWrappers::MPI::Vector &previous,
    const TrilinosWrappers::MPI::Vector &solution,
    const double                         relative_tolerance)
  {
    const int n_rows = static_cast<int>(lumped_mass.size());
    // rhodot = a rho^H - b, and both with ghosts.
    ghost_exchange.update(solution, ghosted_solution);
    rhs.equ(a, solution);
    rhs.add(-1., b);
    ghost_exchange.update(rhs, ghosted_rate);
    const double *rho     = epetra_values(ghosted_solution);
    const double *rate    = epetra_values(ghosted_rate);
    const double *rho_old = epetra_values(previous);

    // The source s_i = m_i ((rho^H_i - rho^n_i)/dt - rhodot_i) (0 for
    // BDF1); its negative parts limited by what the node holds, m_i rho^n_i
    // / dt (round-off negatives of rho^n count as 0).
    source.resize(n_rows);
    source_factor.assign(n_rows, 1.);
    // sum of s_i > 0, sum of the limited s_i < 0, max rho^n, largest budget,
    // min rho^n (not hanging nodes)
    // and the mass of rho^n
    double local_sums[3] = {0, 0, 0};
    double local_max[3]  = {0, 0, 0};
    for (int row = 0; row < n_rows; ++row)
      {
        const int    i     = row_in_ghosted[row];
        const double m_i   = lumped_mass[row];
        const double stock = m_i * std::max(0., rho_old[row]) / dt;
        source[row]        = constrained[row] ?
                               0. :
                               m_i * ((rho[i] - rho_old[row]) / dt - rate[i]);
        if (source[row] > 0)
          local_sums[0] += source[row];
        else if (source[row] < 0)
          {
            if (-source[row] > stock)
              source_factor[row] = stock / -source[row];
            local_sums[1] += source_factor[row] * source[row];
          }
        local_max[0] = std::max(local_max[0], rho_old[row]);
        local_max[1] = std::max(local_max[1], stock);
        if (!constrained[row])
          {
            local_max[2] = std::max(local_max[2], -rho_old[row]);
            local_sums[2] += m_i * rho_old[row];
          }
      }
    double sums[3], maxima[3];
    Utilities::MPI::sum(local_sums, communicator, sums);
    Utilities::MPI::max(ArrayView<const double>(local_max, 3),
                        communicator,
                        make_array_view(maxima));
    if (maxima[2] > 1e-10 * maxima[0])
      {
        std::ostringstream message;
        message << "flux correction: the density of the previous step has a "
                   "negative value "
                << -maxima[2] << " (largest " << maxima[0]
                << "); the correction needs rho^n >= 0";
        throw RunFailure(message.str());
      }

    // Positive source parts scaled so that the limited source sums to 0:
    // one factor for all nodes, a conservative choice that keeps rho >= 0
    // (positive parts only shrink), but a cut anywhere lowers the BDF2
    // source everywhere (doc/numerics.md, "Stabilization" 4.).
    StepScales scales;
    scales.positive_factor =
      sums[0] > 0 ? std::min(1., -sums[1] / sums[0]) : 1.;
    scales.tolerance_per_mass = relative_tolerance * maxima[0] / dt;
    scales.largest_budget     = maxima[1];
    scales.previous_mass      = sums[2];

    // rhs = S rho^H + s' - s: the right-hand side with every alpha_ij = 1.
    low_order.vmult(rhs, solution);
    double *r = epetra_values(rhs);
    for (int row = 0; row < n_rows; ++row)
      {
        // Hanging nodes: 0 (decoupled rows of S; distribute() sets them
        // after the step), as rho^H can be negative there.
        const double s = source[row];
        r[row]         = constrained[row] ?
                           0. :
                           r[row] + (s > 0 ? (scales.positive_factor - 1) * s :
                                             (source_factor[row] - 1) * s);
      }
    fluxes_computed.assign(n_rows, 0);
    computed_rows.clear();
    negative_flux.assign(n_rows, 0.);
    budget.assign(n_rows, 0.);
    residual_and_scale[0] = residual_and_scale[1] = 0;
    step_a                                        = a;
    return scales;
  }


  template <int dim>
  void
  FluxCorrectedTransport<dim>::compute_row_fluxes(const int row)
  {
    if (fluxes_computed[row])
      return;
    fluxes_computed[row] = 1;
    computed_rows.push_back(row);
    const std::size_t first = row_start[row], last = row_start[row + 1];
    row_A.resize(last - first);
    row_A_transposed.resize(last - first);
    op->operator_values(
      step_C, first, last, row_A.data(), row_A_transposed.data());
    const std::vector<double> &M    = op->mass_values();
    const double              *rho  = epetra_values(ghosted_solution);
    const double              *rate = epetra_values(ghosted_rate);
    const int                  i    = row_in_ghosted[row];
    // f_ij = M_ij (rhodot_i - rhodot_j) + E_ij rho_j - E_ji rho_i, E = L - A,
    // L_ij = -w B(Phi_i - Phi_j), L_ji = -w B(Phi_j - Phi_i); and the
    // residual of the Galerkin step, (M rhodot + A(C) rho^H)_i.
    double      sum = 0, residual = 0;
    std::size_t positive = first; // next free place in positive_flux
    for (std::size_t k = first; k < last; ++k)
      {
        const int    j = column_in_ghosted[k];
        const double A = row_A[k - first];
        residual += M[k] * rate[j] + A * rho[j];
        if (k == diagonal_entry[row])
          {
            flux[k] = 0;
            continue;
          }
        const double w    = std::max(0., -K[k]);
        const double E_ij = -w * bernoulli_in[k] - A;
        const double E_ji = -w * bernoulli_out[k] - row_A_transposed[k - first];
        // grouped so that row j computes exactly -f_ij (M, K symmetric):
        // the limited fluxes then add nothing to the mass
        const double f =
          M[k] * (rate[i] - rate[j]) + (E_ij * rho[j] - E_ji * rho[i]);
        flux[k] = f;
        negative_flux[row] += std::min(0., f);
        sum += f;
        if (f > 0)
          {
            positive_flux[positive]   = f;
            positive_column[positive] = j;
            ++positive;
          }
      }
    positive_end[row] = positive;
    // Q_i: what the node has for its outgoing fluxes, the right-hand side
    // at alpha = 1 less the fluxes (= M_L rho^n/dt + s' up to the residual).
    budget[row] = epetra_values(rhs)[row] - sum;
    if (!constrained[row])
      {
        residual_and_scale[0] =
          std::max(residual_and_scale[0], std::abs(residual));
        residual_and_scale[1] =
          std::max(residual_and_scale[1],
                   step_a * lumped_mass[row] * std::abs(rho[i]));
      }
  }


  template <int dim>
  unsigned long long
  FluxCorrectedTransport<dim>::add_limited_fluxes()
  {
    ghost_exchange.update(ratio, ghosted_ratio);
    const double      *Rall    = epetra_values(ghosted_ratio);
    double            *r       = epetra_values(rhs);
    unsigned long long limited = 0;
    for (const int row : computed_rows)
      {
        const int i = row_in_ghosted[row];
        for (std::size_t k = row_start[row]; k < row_start[row + 1]; ++k)
          {
            const double f = flux[k];
            if (f == 0)
              continue;
            const double alpha = f > 0 ? Rall[column_in_ghosted[k]] : Rall[i];
            r[row] += (alpha - 1) * f;
          }
        limited += Rall[i] < 1;
      }
    for (std::size_t row = 0; row < lumped_mass.size(); ++row)
      limited += source_factor[row] < 1 && !(Rall[row_in_ghosted[row]] < 1);
    return Utilities::MPI::sum(limited, communicator);
  }


  template <int dim>
  void
  FluxCorrectedTransport<dim>::clip_negatives_to_mass(
    const double                   mass,
    TrilinosWrappers::MPI::Vector &solution) const
  {
    double *x     = epetra_values(solution);
    double  local = 0; // 1^T M_L x after the clipping
    for (std::size_t row = 0; row < lumped_mass.size(); ++row)
      if (!constrained[row]) // set by distribute() after the step
        {
          x[row] = std::max(x[row], 0.);
          local += lumped_mass[row] * x[row];
        }
    const double clipped = Utilities::MPI::sum(local, communicator);
    if (clipped > 0 && mass > 0)
      solution *= mass / clipped;
  }


  template <int dim>
  unsigned int
  FluxCorrectedTransport<dim>::solve_low_order(
    const double                   dt,
    const double                   relative_tolerance,
    const unsigned int             max_iterations,
    TrilinosWrappers::MPI::Vector &solution)
  {
    const double mass_factor = 1 / dt;
    // rho^H is an excellent initial guess (the two systems differ only
    // where fluxes were limited), and ILU(0) of an M-matrix exists and is
    // stable; ML's non-symmetric AMG was tried and gave a preconditioner
    // under which GMRES's residual estimate drifted from the true residual.
    const bool rebuild = !low_order_ilu.is_for(low_order) || ilu_schedule.due();
    if (rebuild)
      {
        if (low_order_ilu.is_for(low_order))
          low_order_ilu.refactor();
        else
          low_order_ilu.initialize(low_order);
        ilu_mass_factor = mass_factor;
        ilu_C           = K_for_C;
      }
    SolverControl control(max_iterations, relative_tolerance * rhs.l2_norm());
    SolverGMRES<TrilinosWrappers::MPI::Vector> gmres(
      control,
      SolverGMRES<TrilinosWrappers::MPI::Vector>::AdditionalData(100, true));
    unsigned int iterations = 0;
    try
      {
        gmres.solve(low_order, solution, rhs, low_order_ilu);
        iterations = control.last_step();
      }
    catch (const SolverControl::NoConvergence &e)
      {
        // Large dt/h^2 on fine meshes (e.g. 1-D, dt = 0.2, h = 0.01) makes
        // ILU(0)-GMRES stagnate; the sparse direct solver (Amesos KLU) is
        // exact for this M-matrix.
        try
          {
            SolverControl                  direct_control(1, 0);
            TrilinosWrappers::SolverDirect direct(
              direct_control,
              TrilinosWrappers::SolverDirect::AdditionalData(false,
                                                             "Amesos_Klu"));
            direct.solve(low_order, solution, rhs);
            iterations = e.last_step;
          }
        catch (const std::exception &)
          {
            std::ostringstream message;
            message << "flux correction: GMRES did not converge in "
                    << e.last_step << " iterations (residual "
                    << e.last_residual << ", target " << control.tolerance()
                    << ") and the direct solver failed; raise 'Linear "
                       "solver/Maximum iterations' or lower 'Time "
                       "stepping/Time step'";
            throw RunFailure(message.str());
          }
      }

    ilu_schedule.record(iterations, rebuild);

    // The exact solution is >= 0; GMRES leaves errors of the order of its
    // tolerance, which are set to 0 here (their mass is restored below).
    {
      double local_min = 0;
      for (const double v : solution)
        local_min = std::min(local_min, v);
      require_nonnegative(local_min,
                          solution,
                          1e-6,
                          "the low-order solve left a negative density",
                          "lower 'Linear solver/Relative tolerance'",
                          communicator);
      for (auto &v : solution)
        v = std::max(v, 0.);
    }

    // As in the Galerkin step: remove the mass defect 1^T (rhs - S x) of the
    // GMRES residual by a scaling, which keeps the signs.
    low_order.vmult(ratio, solution);
    {
      double local[2] = {0, 0};
      for (const double v : rhs)
        local[0] += v;
      for (const double v : ratio)
        local[1] += v;
      double global[2];
      Utilities::MPI::sum(local, communicator, global);
      if (global[1] != 0 && std::isfinite(global[1]))
        solution *= 1 + (global[0] - global[1]) / global[1];
    }
    return iterations;
  }


  template <int dim>
  unsigned int
  FluxCorrectedTransport<dim>::low_order_step(
    const double                         dt,
    const TrilinosWrappers::MPI::Vector &previous,
    const DenseMatrix                   &C,
    const double                         relative_tolerance,
    const unsigned int                   max_iterations,
    TrilinosWrappers::MPI::Vector       &solution)
  {
    Assert(dt > 0, ExcMessage("dt must be positive"));
    AssertDimension(previous.locally_owned_size(), lumped_mass.size());
    build();
    update_edge_matrix(C);
    const double *rho_old = epetra_values(previous);
    double       *r       = epetra_values(rhs);
    double        clipped = 0;
    for (std::size_t row = 0; row < lumped_mass.size(); ++row)
      {
        r[row] = lumped_mass[row] * std::max(0., rho_old[row]) / dt;
        if (!constrained[row])
          clipped += lumped_mass[row] * std::min(0., rho_old[row]) / dt;
      }
    solution = previous;
    fill_low_order_matrix(1 / dt);
    const unsigned int iterations =
      solve_low_order(dt, relative_tolerance, max_iterations, solution);
    restore_clipped_mass(clipped, rhs, solution, communicator);
    return iterations;
  }


  template <int dim>
  void
  FluxCorrectedTransport<dim>::restore()
  {
    if (ilu_mass_factor < 0)
      return;
    build();
    update_edge_matrix(ilu_C);
    fill_low_order_matrix(ilu_mass_factor);
    low_order_ilu.initialize(low_order);
  }


  template <int dim>
  void
  FluxCorrectedTransport<dim>::set_skip_unlimited_steps(const bool skip)
  {
    skip_unlimited = skip;
  }


  template <int dim>
  void
  FluxCorrectedTransport<dim>::set_cutoff_tolerance(const double tolerance)
  {
    AssertThrow(tolerance >= 0 && tolerance <= max_cutoff_tolerance,
                ExcMessage("the cutoff tolerance must be in [0, " +
                           Patterns::Tools::to_string(max_cutoff_tolerance) +
                           "]"));
    cutoff_tolerance = tolerance;
  }


  template <int dim>
  void
  FluxCorrectedTransport<dim>::fill_low_order_matrix(const double mass_factor)
  {
    Epetra_CrsMatrix &e =
      const_cast<Epetra_CrsMatrix &>(low_order.trilinos_matrix());
    for (int row = 0; row < e.NumMyRows(); ++row)
      {
        int     n;
        double *values;
        e.ExtractMyRowView(row, n, values);
        double            diagonal = mass_factor * lumped_mass[row];
        const std::size_t first    = row_start[row];
        for (int k = 0; k < n; ++k)
          {
            const std::size_t s = first + k;
            if (s == diagonal_entry[row])
              continue;
            const double w = std::max(0., -K[s]);
            values[k]      = -w * bernoulli_in[s];
            diagonal += w * bernoulli_out[s];
          }
        values[diagonal_entry[row] - first] = diagonal;
      }
  }


  template <int dim>
  const TrilinosWrappers::SparseMatrix &
  FluxCorrectedTransport<dim>::low_order_matrix(const double       mass_factor,
                                                const DenseMatrix &C)
  {
    build();
    update_edge_matrix(C);
    fill_low_order_matrix(mass_factor);
    return low_order;
  }


  template <int dim>
  void
  FluxCorrectedTransport<dim>::update_edge_matrix(const DenseMatrix &C)
  {
    if (K_for_C == C) // same size and entries (K_for_C is 0 x 0 at first)
      return;
    if (use_edge_diffusion)
      edge_diffusion.values(C, K);
    else
      op->diffusion_values(C, K);
    K_for_C = C;
  }


  template class FluxCorrectedTransport<1>;
  template class FluxCorrectedTransport<2>;
  template class FluxCorrectedTransport<3>;
} // namespace kwfp
