#include <kwfp/base/compensated_sum.h>
#include <kwfp/base/errors.h>
#include <kwfp/fokker_planck/step_linear_solver.h>

#include <deal.II/base/mpi.h>
#include <deal.II/lac/solver_control.h>
#include <deal.II/lac/solver_gmres.h>
#include <deal.II/lac/trilinos_solver.h>

#include <cmath>
#include <sstream>

namespace kwfp
{
  using namespace dealii;

  namespace
  {
    /// GMRES (restart 100, right preconditioning) on A x = b from x; throws
    /// SolverControl::NoConvergence.
    template <class Preconditioner>
    void
    gmres_solve(const TrilinosWrappers::SparseMatrix &A,
                TrilinosWrappers::MPI::Vector        &x,
                const TrilinosWrappers::MPI::Vector  &b,
                const Preconditioner                 &preconditioner,
                SolverControl                        &control)
    {
      SolverGMRES<TrilinosWrappers::MPI::Vector> gmres(
        control,
        SolverGMRES<TrilinosWrappers::MPI::Vector>::AdditionalData(100, true));
      gmres.solve(A, x, b, preconditioner);
    }
  } // namespace

  template <int dim>
  StepLinearSolver<dim>::StepLinearSolver(
    const LinearSolverParameters &parameters,
    const unsigned int            fe_degree,
    ConditionalOStream           &console,
    TimerOutput                  &timer)
    : automatic(parameters.preconditioner == PreconditionerType::automatic)
    , active(automatic ? PreconditionerType::jacobi : parameters.preconditioner)
    , relative_tolerance(parameters.relative_tolerance)
    , max_iterations(parameters.max_iterations)
    , fe_degree(fe_degree)
    , ilu_fill_level(parameters.ilu_fill_level)
    , console(console)
    , timer(timer)
  {
    Assert(relative_tolerance > 0, ExcMessage("the tolerance must be > 0"));
    schedule.set_price(rebuild_price());
    Assert(max_iterations > 0, ExcMessage("GMRES needs iterations"));
  }


  template <int dim>
  void
  StepLinearSolver<dim>::reinit(const KalmanWassersteinOperator<dim> &o,
                                FluxCorrectedTransport<dim> *low_order_step,
                                const MPI_Comm               comm)
  {
    // A new matrix needs a new preconditioner.
    preconditioner.reset();
    step_ilu = nullptr;
    low_order_ilu.reset();
    op           = &o;
    low_order    = low_order_step;
    communicator = comm;
    op->reinit_matrix(system_matrix);
    system_mass_factor = -1;
    system_C           = DenseMatrix();
  }


  template <int dim>
  bool
  StepLinearSolver<dim>::solve(
    const double                         mass_factor,
    const DenseMatrix                   &C,
    const TrilinosWrappers::MPI::Vector &rhs,
    TrilinosWrappers::MPI::Vector       &x,
    const TrilinosWrappers::MPI::Vector &fallback_guess,
    const unsigned int                   step,
    Statistics                          &statistics)
  {
    Assert(op != nullptr, ExcMessage("reinit() was not called"));
    Assert(mass_factor > 0, ExcMessage("the mass factor must be positive"));
    try
      {
        if (use_direct_solver)
          {
            op->step_matrix(mass_factor, C, system_matrix);
            system_mass_factor = -1; // solve_preconditioned must refill
            solve_direct(mass_factor, C, rhs, x);
            statistics.direct = true;
          }
        else if (use_low_order_preconditioner)
          {
            // AMG failed before: go to the low-order preconditioner
            // directly.
            op->step_matrix(mass_factor, C, system_matrix);
            system_mass_factor = -1; // solve_preconditioned must refill
            try
              {
                statistics.iterations +=
                  solve_with_low_order_preconditioner(mass_factor, C, rhs, x);
                statistics.low_order_preconditioned = true;
              }
            catch (const SolverControl::NoConvergence &e)
              {
                throw RunFailure(
                  "GMRES with the low-order preconditioner did not "
                  "converge in " +
                  std::to_string(e.last_step) + " iterations");
              }
          }
        else
          {
            const unsigned int used =
              solve_preconditioned(mass_factor, C, rhs, x);
            statistics.iterations += used;
            // AMG and Jacobi converge slowly on drift-dominated systems,
            // where ILU(0) of the low-order M-matrix (an upwind-like
            // approximation) does well: switch for the rest of the run.
            if (low_order != nullptr && used > 150)
              {
                use_low_order_preconditioner = true;
                console << "kwfp: step " << step << ": GMRES needed " << used
                        << " iterations with the "
                        << preconditioner_selection().name(active)
                        << " preconditioner; later steps precondition "
                           "with ILU(0) of the low-order M-matrix"
                        << std::endl;
              }
          }
        return true;
      }
    catch (const RunFailure &failure)
      {
        if (low_order == nullptr)
          throw;
        statistics.failure = failure.what();
        // The Galerkin matrix is too non-normal for GMRES with AMG (strong
        // drift): precondition it with ILU(0) of the low-order M-matrix
        // instead, and if even that fails solve it directly.
        try
          {
            x = fallback_guess;
            statistics.iterations +=
              solve_with_low_order_preconditioner(mass_factor, C, rhs, x);
            statistics.low_order_preconditioned = true;
            use_low_order_preconditioner        = true;
            return true;
          }
        catch (const SolverControl::NoConvergence &)
          {}
        try
          {
            // A sparse direct solve (KLU) does not care how non-normal the
            // drift makes the matrix.
            solve_direct(mass_factor, C, rhs, x);
            statistics.direct = true;
            use_direct_solver = true;
            console << "kwfp: step " << step
                    << ": GMRES failed; this and later steps use the "
                       "sparse direct solver (Amesos KLU)"
                    << std::endl;
            return true;
          }
        catch (const std::exception &)
          {}
        return false;
      }
  }


  template <int dim>
  unsigned int
  StepLinearSolver<dim>::solve_preconditioned(
    const double                         mass_factor,
    const DenseMatrix                   &C,
    const TrilinosWrappers::MPI::Vector &rhs,
    TrilinosWrappers::MPI::Vector       &x)
  {
    const bool unchanged = mass_factor == system_mass_factor &&
                           system_C.m() == C.m() &&
                           frobenius_distance(system_C, C) == 0;
    if (!unchanged)
      {
        TimerOutput::Scope scope(timer, "operator update");
        op->step_matrix(mass_factor, C, system_matrix);
      }
    // The preconditioner of an earlier matrix stays good while C changes
    // slowly, at the price of more iterations; it is rebuilt when the mass
    // factor changes, or when the iterations it has cost beyond those right
    // after its last rebuild add up to the price of a rebuild. Either way
    // GMRES solves the current matrix to the same tolerance.
    bool rebuild =
      !preconditioner || mass_factor != system_mass_factor || schedule.due();
    system_mass_factor = mass_factor;
    system_C           = C;
    if (rebuild)
      build_preconditioner();

    TimerOutput::Scope scope(timer, "linear solve");
    const double       tolerance = relative_tolerance * rhs.l2_norm();
    // 'auto' climbs Jacobi -> ILU -> AMG, each for the rest of the run, when
    // a solve with a fresh preconditioner needs more than its budget:
    // Jacobi's is 20 iterations (an ILU iteration costs a few Jacobi
    // iterations and a step with it takes 2 to 6: beyond 20, Jacobi costs
    // more), ILU's 60 (long steps on fine meshes, where AMG's iterations
    // stay few).
    if (trial_budget() < max_iterations)
      trial_guess = x; // to start again from (storage kept between steps)
    unsigned int used = 0;
    unsigned int last = 0;
    for (;;)
      {
        const unsigned int budget = trial_budget();
        SolverControl      control(budget, tolerance);
        try
          {
            gmres_solve(system_matrix, x, rhs, *preconditioner, control);
            last = control.last_step();
            used += last;
            break;
          }
        catch (const SolverControl::NoConvergence &e)
          {
            used += e.last_step;
            if (budget == max_iterations)
              throw_no_convergence(e.last_step, e.last_residual, tolerance);
            x = trial_guess;
            if (!rebuild)
              {
                build_preconditioner(); // a fresh one first
                rebuild = true;
                continue;
              }
            const PreconditionerType next =
              active == PreconditionerType::jacobi ? PreconditionerType::ilu :
                                                     PreconditionerType::amg;
            console << "kwfp: " << preconditioner_selection().name(active)
                    << " needs more than " << budget
                    << " GMRES iterations; switching to "
                    << preconditioner_selection().name(next) << std::endl;
            active = next;
            build_preconditioner();
          }
      }
    remove_mass_defect(mass_factor, C, rhs, x);
    schedule.record(last, rebuild);
    return used;
  }


  template <int dim>
  void
  StepLinearSolver<dim>::remove_mass_defect(
    const double                         mass_factor,
    const DenseMatrix                   &C,
    const TrilinosWrappers::MPI::Vector &rhs,
    TrilinosWrappers::MPI::Vector       &x) const
  {
    // GMRES leaves a residual r = b - S x of relative size 'Relative
    // tolerance'; its sum 1^T r is a mass defect that would accumulate over
    // the steps. Scaling x by 1 + 1^T r / 1^T S x (a relative change of the
    // order of the tolerance) makes 1^T S x = 1^T b hold to round-off. With
    // the zero column sums of A(C) that is the discrete mass balance
    // alpha/dt 1^T M x = 1^T b; an operator that did not conserve mass
    // would still show it in diagnostics.csv. 1^T S x = (S^T 1)^T x comes
    // from the column sums of the pieces of S, not from a product with S.
    double local[2];
    local[0] = compensated_sum(rhs.begin(), rhs.locally_owned_size());
    local[1] = op->local_total_of_product(mass_factor, C, x);
    double global[2];
    Utilities::MPI::sum(local, communicator, global);
    if (global[1] != 0 && std::isfinite(global[1]))
      x *= 1 + (global[0] - global[1]) / global[1];
  }


  template <int dim>
  unsigned int
  StepLinearSolver<dim>::solve_with_low_order_preconditioner(
    const double                         mass_factor,
    const DenseMatrix                   &C,
    const TrilinosWrappers::MPI::Vector &rhs,
    TrilinosWrappers::MPI::Vector       &x)
  {
    Assert(low_order != nullptr, ExcMessage("no low-order operator"));
    TimerOutput::Scope scope(timer, "linear solve");
    // system_matrix holds mass_factor M + A(C). The low-order matrix keeps
    // its pattern on a mesh: the ordering and fill are analysed once.
    const TrilinosWrappers::SparseMatrix &L =
      low_order->low_order_matrix(mass_factor, C);
    if (low_order_ilu.is_for(L))
      low_order_ilu.refactor();
    else
      low_order_ilu.initialize(L, ilu_fill_level);
    SolverControl control(max_iterations, relative_tolerance * rhs.l2_norm());
    gmres_solve(system_matrix, x, rhs, low_order_ilu, control);
    remove_mass_defect(mass_factor, C, rhs, x);
    return control.last_step();
  }


  template <int dim>
  void
  StepLinearSolver<dim>::solve_direct(const double       mass_factor,
                                      const DenseMatrix &C,
                                      const TrilinosWrappers::MPI::Vector &rhs,
                                      TrilinosWrappers::MPI::Vector       &x)
  {
    TimerOutput::Scope scope(timer, "linear solve");
    // system_matrix holds the step matrix.
    SolverControl                  control(1, 0);
    TrilinosWrappers::SolverDirect direct(
      control,
      TrilinosWrappers::SolverDirect::AdditionalData(false, "Amesos_Klu"));
    direct.solve(system_matrix, x, rhs);
    remove_mass_defect(mass_factor, C, rhs, x);
  }


  template <int dim>
  void
  StepLinearSolver<dim>::throw_no_convergence(const unsigned int steps,
                                              const double       residual,
                                              const double       target) const
  {
    std::ostringstream message;
    message << "GMRES did not converge in " << steps << " iterations (residual "
            << residual << ", target " << target << ") with the "
            << preconditioner_selection().name(active)
            << " preconditioner; raise 'Linear solver/Maximum iterations', "
               "choose another 'Linear solver/Preconditioner' or a smaller "
               "'Time stepping/Time step'";
    throw RunFailure(message.str());
  }


  template <int dim>
  void
  StepLinearSolver<dim>::build_preconditioner()
  {
    TimerOutput::Scope scope(timer, "preconditioner");
    preconditioner_mass_factor = system_mass_factor;
    preconditioner_C           = system_C;
    schedule.set_price(rebuild_price());
    if (active != PreconditionerType::ilu)
      step_ilu = nullptr;
    if (active == PreconditionerType::amg)
      {
        auto amg = std::make_unique<TrilinosWrappers::PreconditionAMG>();
        TrilinosWrappers::PreconditionAMG::AdditionalData data;
        data.elliptic              = true;
        data.higher_order_elements = fe_degree > 1;
        data.smoother_sweeps       = 2;
        data.aggregation_threshold = 0.02;
        amg->initialize(system_matrix, data);
        preconditioner = std::move(amg);
      }
    else if (active == PreconditionerType::ilu)
      {
        // The pattern of system_matrix is that of the mesh: its ordering and
        // fill are analysed once, the factors computed anew.
        if (step_ilu != nullptr && step_ilu->is_for(system_matrix))
          {
            step_ilu->refactor();
            return;
          }
        auto ilu = std::make_unique<ReorderedIlu>();
        ilu->initialize(system_matrix, ilu_fill_level);
        step_ilu       = ilu.get();
        preconditioner = std::move(ilu);
        return;
      }
    else
      {
        auto jacobi = std::make_unique<TrilinosWrappers::PreconditionJacobi>();
        jacobi->initialize(system_matrix);
        preconditioner = std::move(jacobi);
      }
  }


  template <int dim>
  unsigned int
  StepLinearSolver<dim>::trial_budget() const
  {
    if (automatic && active == PreconditionerType::jacobi)
      return std::min(20u, max_iterations);
    if (automatic && active == PreconditionerType::ilu)
      return std::min(60u, max_iterations);
    return max_iterations;
  }


  template <int dim>
  double
  StepLinearSolver<dim>::rebuild_price() const
  {
    switch (active)
      {
        case PreconditionerType::amg:
          return 15;
        case PreconditionerType::ilu:
          return 15;
        default:
          return 0.5; // Jacobi: any iteration more pays for a rebuild
      }
  }


  template <int dim>
  bool
  StepLinearSolver<dim>::has_preconditioner() const
  {
    return static_cast<bool>(preconditioner);
  }


  template <int dim>
  void
  StepLinearSolver<dim>::restore(const bool with_preconditioner)
  {
    Assert(op != nullptr, ExcMessage("reinit() was not called"));
    // The preconditioner built from the same matrix, and the system matrix
    // of the last step.
    const double      mass_factor = system_mass_factor;
    const DenseMatrix C           = system_C;
    if (with_preconditioner)
      {
        op->step_matrix(preconditioner_mass_factor,
                        preconditioner_C,
                        system_matrix);
        system_mass_factor = preconditioner_mass_factor;
        system_C           = preconditioner_C;
        build_preconditioner();
      }
    system_mass_factor = mass_factor;
    system_C           = C;
    if (mass_factor >= 0)
      op->step_matrix(mass_factor, C, system_matrix);
  }


  template class StepLinearSolver<1>;
  template class StepLinearSolver<2>;
  template class StepLinearSolver<3>;
} // namespace kwfp
