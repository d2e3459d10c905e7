#ifndef kwfp_fokker_planck_step_linear_solver_h
#define kwfp_fokker_planck_step_linear_solver_h

#include <kwfp/base/dense_algebra.h>
#include <kwfp/base/errors.h>
#include <kwfp/fokker_planck/flux_corrected_transport.h>
#include <kwfp/fokker_planck/kalman_wasserstein_operator.h>
#include <kwfp/fokker_planck/linear_solver_parameters.h>
#include <kwfp/fokker_planck/preconditioner_type.h>
#include <kwfp/fokker_planck/rebuild_schedule.h>
#include <kwfp/fokker_planck/reordered_ilu.h>

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/timer.h>
#include <deal.II/lac/trilinos_precondition.h>
#include <deal.II/lac/trilinos_sparse_matrix.h>
#include <deal.II/lac/trilinos_vector.h>

#include <memory>
#include <string>

namespace kwfp
{
  /// A step whose linear systems could not be solved at this dt (the
  /// adaptive time step retries it with a smaller one).
  class StepSolveFailure : public RunFailure
  {
  public:
    using RunFailure::RunFailure;
  };

  /**
   * @brief The linear system of one time step, S x = rhs with the step
   * matrix S = mass_factor M + A(C) of (4.1) (mass_factor = alpha/dt of
   * BDF1/BDF2), and the strategy that solves it (doc/numerics.md, "Linear
   * solver").
   *
   * GMRES with the preconditioner of 'Linear solver/Preconditioner' ('auto':
   * point Jacobi, then ILU(k) of the step matrix in reverse Cuthill-McKee
   * order once a step needs more than 20 iterations with Jacobi, then ML
   * AMG once a step needs more than 60 with a fresh ILU). The matrix changes
   * every step (C does); its preconditioner is rebuilt when the mass factor
   * changes, or when the iterations it has cost beyond those right after its
   * last rebuild, summed over the steps since, reach the price of a rebuild
   * counted in iterations (RebuildSchedule, rebuild_price()). With the flux
   * correction (whose low-order operator is an M-matrix) a step that fails, or
   * needs more than 150 iterations, moves the run to GMRES with ILU of the
   * low-order matrix, and if that fails to the sparse direct solver (Amesos
   * KLU). After every solve the GMRES residual's mass defect 1^T (rhs - S x) is
   * removed by a scaling of x.
   */
  template <int dim>
  class StepLinearSolver
  {
  public:
    /// What solve() did, to add to the run's counters.
    struct Statistics
    {
      unsigned int iterations               = 0;     ///< GMRES iterations
      bool         low_order_preconditioned = false; ///< ILU(0) of L
      bool         direct                   = false; ///< Amesos KLU
      /// Why the solve with the step's preconditioner failed (empty if it
      /// did not); the low-order ILU(0) then solved it when
      /// low_order_preconditioned is true (the caller reports the first
      /// such step of a run).
      std::string failure;
    };

    /**
     * The strategy of @p parameters; @p fe_degree for AMG's settings;
     * @p console for the reports of a change of strategy; @p timer for the
     * sections "operator update", "preconditioner" and "linear solve".
     */
    StepLinearSolver(const LinearSolverParameters &parameters,
                     const unsigned int            fe_degree,
                     dealii::ConditionalOStream   &console,
                     dealii::TimerOutput          &timer);

    /**
     * A new mesh: the step matrix gets the sparsity of @p op, the
     * preconditioner is dropped. @p low_order is the flux correction (its
     * low-order matrix preconditions, its failure path is taken) or
     * nullptr without it.
     */
    void
    reinit(const KalmanWassersteinOperator<dim> &op,
           FluxCorrectedTransport<dim>          *low_order,
           const MPI_Comm                        communicator);

    /**
     * Solve (mass_factor M + A(C)) x = rhs, @p x holding the initial guess,
     * with the strategy above. Returns false (x undefined) when every
     * solver failed with the flux correction on: the caller then takes a
     * smaller or a low-order step. Without the flux correction a failure
     * throws RunFailure. The fallbacks start again from @p fallback_guess
     * (rho^n). @p step names the step in the console reports.
     */
    bool
    solve(const double                                 mass_factor,
          const DenseMatrix                           &C,
          const dealii::TrilinosWrappers::MPI::Vector &rhs,
          dealii::TrilinosWrappers::MPI::Vector       &x,
          const dealii::TrilinosWrappers::MPI::Vector &fallback_guess,
          const unsigned int                           step,
          Statistics                                  &statistics);

    /// The step matrix of the last solve (empty before the first).
    const dealii::TrilinosWrappers::SparseMatrix &
    matrix() const
    {
      return system_matrix;
    }

    /// Write to or read from a checkpoint (CheckpointWriter/Reader) the
    /// strategy's state; after reading, restore() rebuilds the matrices.
    template <class Stream>
    void
    transfer(Stream &s);

    /// Does a preconditioner exist (to be rebuilt after a resume)?
    bool
    has_preconditioner() const;

    /// After transfer() from a checkpoint on the rebuilt mesh: the
    /// preconditioner (when @p with_preconditioner) from the matrix it was
    /// built from, and the step matrix of the last step.
    void
    restore(const bool with_preconditioner);

  private:
    /// GMRES with the current preconditioner (Jacobi trial, AMG, ILU).
    unsigned int
    solve_preconditioned(const double       mass_factor,
                         const DenseMatrix &C,
                         const dealii::TrilinosWrappers::MPI::Vector &rhs,
                         dealii::TrilinosWrappers::MPI::Vector       &x);

    /// GMRES preconditioned by ILU(0) of the low-order M-matrix; throws
    /// SolverControl::NoConvergence.
    unsigned int
    solve_with_low_order_preconditioner(
      const double                                 mass_factor,
      const DenseMatrix                           &C,
      const dealii::TrilinosWrappers::MPI::Vector &rhs,
      dealii::TrilinosWrappers::MPI::Vector       &x);

    /// Amesos KLU on the step matrix.
    void
    solve_direct(const double                                 mass_factor,
                 const DenseMatrix                           &C,
                 const dealii::TrilinosWrappers::MPI::Vector &rhs,
                 dealii::TrilinosWrappers::MPI::Vector       &x);

    /// Scale @p x so that 1^T S x = 1^T rhs to round-off.
    void
    remove_mass_defect(const double                                 mass_factor,
                       const DenseMatrix                           &C,
                       const dealii::TrilinosWrappers::MPI::Vector &rhs,
                       dealii::TrilinosWrappers::MPI::Vector       &x) const;

    /// Build the preconditioner of the active type from system_matrix (an
    /// ILU of the same pattern is only factored again).
    void
    build_preconditioner();

    /**
     * What a rebuild of the active preconditioner costs, in GMRES
     * iterations with it (measured on the 2-D Q2 step matrices of
     * doc/performance.md): Jacobi nearly nothing, Ifpack's numerical ILU
     * factorization and ML's AMG setup many iterations.
     */
    double
    rebuild_price() const;

    /// GMRES iterations allowed to the active preconditioner before 'auto'
    /// moves on (max_iterations when it does not).
    unsigned int
    trial_budget() const;

    [[noreturn]] void
    throw_no_convergence(const unsigned int steps,
                         const double       residual,
                         const double       target) const;

    const bool                            automatic;
    PreconditionerType                    active;
    const double                          relative_tolerance;
    const unsigned int                    max_iterations;
    const unsigned int                    fe_degree;
    const unsigned int                    ilu_fill_level;
    dealii::ConditionalOStream           &console;
    dealii::TimerOutput                  &timer;
    const KalmanWassersteinOperator<dim> *op        = nullptr;
    FluxCorrectedTransport<dim>          *low_order = nullptr;
    MPI_Comm                              communicator;

    dealii::TrilinosWrappers::SparseMatrix system_matrix;
    /// The mass factor and C that system_matrix holds (-1: none).
    double      system_mass_factor = -1;
    DenseMatrix system_C;
    std::unique_ptr<dealii::TrilinosWrappers::PreconditionBase> preconditioner;
    /// The preconditioner when it is an ILU of system_matrix (else nullptr).
    ReorderedIlu *step_ilu = nullptr;
    /// ILU of the low-order matrix (flux correction's fallback), for the
    /// pattern of the current mesh.
    ReorderedIlu low_order_ilu;
    /// The step matrix the preconditioner was built from.
    double      preconditioner_mass_factor = -1;
    DenseMatrix preconditioner_C;
    /// When to rebuild the preconditioner.
    RebuildSchedule schedule;
    /// The initial guess of a solve that 'auto' may repeat.
    dealii::TrilinosWrappers::MPI::Vector trial_guess;
    /// Set once AMG/Jacobi failed or needed > 150 GMRES iterations (flux
    /// correction only): later steps use ILU(0) of the low-order matrix.
    bool use_low_order_preconditioner = false;
    /// Set once GMRES failed with both preconditioners: later steps use
    /// the sparse direct solver.
    bool use_direct_solver = false;
  };


  template <int dim>
  template <class Stream>
  void
  StepLinearSolver<dim>::transfer(Stream &s)
  {
    // By name, as in the parameter file (the checkpoint format of 0.6).
    std::string name = preconditioner_selection().name(active);
    s.io(name);
    active =
      preconditioner_selection().parse(name, "checkpoint/preconditioner");
    schedule.transfer(s);
    schedule.set_price(rebuild_price());
    s.io(use_low_order_preconditioner);
    s.io(use_direct_solver);
    s.io(system_mass_factor);
    s.io(system_C);
    s.io(preconditioner_mass_factor);
    s.io(preconditioner_C);
  }
} // namespace kwfp

#endif
