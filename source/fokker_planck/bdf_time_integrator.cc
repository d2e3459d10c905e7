// One time step of the finite-element solver: variable-step BDF2 (BDF1)
// with C extrapolated or iterated, the linear solve, the flux correction.

#include <kwfp/base/errors.h>
#include <kwfp/fokker_planck/bdf_time_integrator.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace kwfp
{
  using namespace dealii;

  template <int dim>
  BdfTimeIntegrator<dim>::BdfTimeIntegrator(
    const FokkerPlanckParameters            &parameters,
    const KalmanWassersteinOperator<dim>    &kw_operator,
    FluxCorrectedTransport<dim>             &flux_correction,
    StepLinearSolver<dim>                   &linear_solver,
    const MomentFunctionals<dim>            &moments,
    const dealii::AffineConstraints<double> &constraints,
    dealii::TimerOutput                     &timer,
    dealii::ConditionalOStream              &console)
    : parameters(parameters)
    , kw_operator(kw_operator)
    , flux_correction(flux_correction)
    , linear_solver(linear_solver)
    , moment_functionals(moments)
    , constraints(constraints)
    , timer(timer)
    , console(console)
  {}


  template <int dim>
  void
  BdfTimeIntegrator<dim>::reinit(const IndexSet &owned_dofs,
                                 const MPI_Comm  communicator)
  {
    bdf_history.reinit(owned_dofs, communicator);
    rhs.reinit(owned_dofs, communicator);
  }


  template <int dim>
  void
  BdfTimeIntegrator<dim>::step(const StepRequest             &request,
                               const DensityHistory          &history,
                               RunSummary                    &summary,
                               TrilinosWrappers::MPI::Vector &next)
  {
    Assert(request.dt > 0 && std::isfinite(request.dt),
           ExcMessage("dt must be positive"));
    AssertDimension(request.C_now.m(), dim);
    AssertDimension(request.C_old.m(), dim);
    Assert(rhs.size() == history.now.size(),
           ExcMessage("BdfTimeIntegrator::reinit() was not called for this "
                      "mesh"));
    const BdfCoefficients bdf(request.omega, request.omega_before);
    assemble_right_hand_side(bdf, request.dt, history, next);
    DenseMatrix C = diffusion_matrix(bdf, request.C_now, request.C_old);
    const bool  low_order_only =
      solve(request.step, request.dt, bdf.alpha, history.now, C, summary, next);
    // Hanging nodes take the values their constraints give them.
    constraints.distribute(next);
    if (parameters.mesh.flux_corrected && !low_order_only)
      correct(request.dt, bdf.alpha, history.now, C, summary, next);
  }


  template <int dim>
  void
  BdfTimeIntegrator<dim>::assemble_right_hand_side(
    const BdfCoefficients         &bdf,
    const double                   dt,
    const DensityHistory          &history,
    TrilinosWrappers::MPI::Vector &next)
  {
    TimerOutput::Scope scope(timer, "right-hand side");
    if (bdf.bdf2)
      {
        bdf_history.equ(bdf.beta_0, history.now);
        bdf_history.add(bdf.beta_1, history.old);
        next.equ(bdf.guess[0], history.now);
        next.add(bdf.guess[1], history.old);
        if (bdf.quadratic_guess)
          next.add(bdf.guess[2], history.older);
      }
    else
      {
        bdf_history = history.now;
        next        = history.now;
      }
    kw_operator.mass_matrix().vmult(rhs, bdf_history);
    rhs /= dt;
  }


  template <int dim>
  DenseMatrix
  BdfTimeIntegrator<dim>::diffusion_matrix(const BdfCoefficients &bdf,
                                           const DenseMatrix     &C_now,
                                           const DenseMatrix     &C_old) const
  {
    if (!bdf.bdf2 ||
        parameters.diffusion_matrix != DiffusionMatrixType::kalman_wasserstein)
      return C_now;
    DenseMatrix extrapolated(C_now);
    extrapolated *= 1 + bdf.omega;
    extrapolated.add(-bdf.omega, C_old);
    try
      {
        cholesky_factor(extrapolated);
        return extrapolated;
      }
    catch (const std::domain_error &)
      {
        // Not SPD (C changes too fast for dt): keep C^n.
        return C_now;
      }
  }
  template <int dim>
  bool
  BdfTimeIntegrator<dim>::solve(const unsigned int                   step,
                                const double                         dt,
                                const double                         alpha,
                                const TrilinosWrappers::MPI::Vector &now,
                                DenseMatrix                         &C,
                                RunSummary                          &summary,
                                TrilinosWrappers::MPI::Vector       &next)
  {
    const auto &ts = parameters.time_stepping;
    const bool  iterate_C =
      ts.implicit_covariance &&
      parameters.diffusion_matrix == DiffusionMatrixType::kalman_wasserstein;
    bool low_order_only = false;
    for (unsigned int iteration = 1;; ++iteration)
      {
        if (parameters.mesh.low_order_scheme)
          {
            take_low_order_step(dt, now, C, summary, next);
            low_order_only = true;
          }
        else if (!solve_galerkin(step, dt, alpha, now, C, summary, next))
          low_order_only = true;
        if (!iterate_C)
          break;
        // The moments weigh the hanging nodes too: give them their values.
        constraints.distribute(next);
        Moments m_next;
        {
          TimerOutput::Scope scope(timer, "moments and C");
          m_next = moment_functionals.compute(next);
        }
        if (!std::isfinite(m_next.mass) || !(m_next.mass > 0))
          throw RunFailure("the density became NaN, infinite or of "
                           "non-positive mass in the C iteration of step " +
                           std::to_string(step));
        // Converged: keep C as it is, the C of the solve that produced
        // `next`, so that the flux correction rebuilds the step from the
        // same operator A(C) (with C(rho^{n+1}) instead, even unlimited
        // fluxes would not give back rho^H).
        const double change = frobenius_distance(m_next.covariance, C);
        if (change <=
            ts.implicit_tolerance * m_next.covariance.frobenius_norm())
          break;
        C = m_next.covariance;
        if (iteration >= ts.max_implicit_iterations)
          {
            std::ostringstream message;
            message << "the fixed-point iteration in C did not converge in "
                    << iteration << " iterations at step " << step
                    << " (last change " << change
                    << "); raise 'Time stepping/Maximum implicit iterations' "
                       "or lower 'Time stepping/Time step'";
            throw RunFailure(message.str());
          }
      }
    return low_order_only;
  }


  template <int dim>
  bool
  BdfTimeIntegrator<dim>::solve_galerkin(
    const unsigned int                   step,
    const double                         dt,
    const double                         alpha,
    const TrilinosWrappers::MPI::Vector &now,
    const DenseMatrix                   &C,
    RunSummary                          &summary,
    TrilinosWrappers::MPI::Vector       &next)
  {
    typename StepLinearSolver<dim>::Statistics solve;
    const bool                                 solved =
      linear_solver.solve(alpha / dt, C, rhs, next, now, step, solve);
    summary.linear_iterations += solve.iterations;
    summary.low_order_preconditioned_steps += solve.low_order_preconditioned;
    summary.direct_steps += solve.direct;
    if (!solve.failure.empty() && solve.low_order_preconditioned &&
        summary.low_order_preconditioned_steps == 1)
      console << "kwfp: step " << step << ": " << solve.failure
              << "; this and such later steps precondition GMRES "
                 "with ILU(0) of the low-order M-matrix"
              << std::endl;
    if (solved)
      return true;
    // Every solver failed (flux correction only): a smaller step when the
    // step is adaptive, else the positive low-order step alone.
    const auto &ts = parameters.time_stepping;
    if (ts.adaptive && dt > ts.minimum_time_step * (1 + 1e-12))
      throw StepSolveFailure(solve.failure);
    take_low_order_step(dt, now, C, summary, next);
    if (summary.low_order_steps == 1)
      console << "kwfp: step " << step << ": " << solve.failure
              << "; this and such later steps use the low-order "
                 "(first-order, positive) scheme"
              << std::endl;
    return false;
  }


  template <int dim>
  void
  BdfTimeIntegrator<dim>::take_low_order_step(
    const double                         dt,
    const TrilinosWrappers::MPI::Vector &now,
    const DenseMatrix                   &C,
    RunSummary                          &summary,
    TrilinosWrappers::MPI::Vector       &next)
  {
    TimerOutput::Scope scope(timer, "flux correction");
    summary.linear_iterations += flux_correction.low_order_step(
      dt,
      now,
      C,
      parameters.linear_solver.relative_tolerance,
      parameters.linear_solver.max_iterations,
      next);
    ++summary.low_order_steps;
  }


  template <int dim>
  void
  BdfTimeIntegrator<dim>::correct(const double                         dt,
                                  const double                         alpha,
                                  const TrilinosWrappers::MPI::Vector &now,
                                  const DenseMatrix                   &C,
                                  RunSummary                          &summary,
                                  TrilinosWrappers::MPI::Vector       &next)
  {
    TimerOutput::Scope scope(timer, "flux correction");
    bdf_history /= dt; // b in rhodot = a rho - b
    const auto statistics =
      flux_correction.correct(dt,
                              alpha / dt,
                              bdf_history,
                              now,
                              C,
                              parameters.linear_solver.relative_tolerance,
                              parameters.linear_solver.max_iterations,
                              next);
    summary.linear_iterations += statistics.iterations;
    summary.corrected_steps += statistics.corrected;
    summary.cutoff_steps += statistics.cut_off;
    summary.max_cutoff_mass =
      std::max(summary.max_cutoff_mass, statistics.cutoff_mass);
    summary.max_limited_nodes =
      std::max(summary.max_limited_nodes, statistics.limited_nodes);
    summary.min_source_scaling =
      std::min(summary.min_source_scaling, statistics.source_scaling);
    summary.max_correction_residual =
      std::max(summary.max_correction_residual, statistics.galerkin_residual);
    constraints.distribute(next);
  }



  template class BdfTimeIntegrator<1>;
  template class BdfTimeIntegrator<2>;
  template class BdfTimeIntegrator<3>;
} // namespace kwfp
