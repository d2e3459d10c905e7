#ifndef kwfp_fokker_planck_bdf_time_integrator_h
#define kwfp_fokker_planck_bdf_time_integrator_h

#include <kwfp/base/dense_algebra.h>
#include <kwfp/fokker_planck/bdf_coefficients.h>
#include <kwfp/fokker_planck/flux_corrected_transport.h>
#include <kwfp/fokker_planck/fokker_planck_parameters.h>
#include <kwfp/fokker_planck/kalman_wasserstein_operator.h>
#include <kwfp/fokker_planck/moments.h>
#include <kwfp/fokker_planck/run_summary.h>
#include <kwfp/fokker_planck/step_linear_solver.h>

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/index_set.h>
#include <deal.II/base/mpi.h>
#include <deal.II/base/timer.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/trilinos_vector.h>

namespace kwfp
{
  /// rho^n, rho^{n-1}, rho^{n-2} (locally owned): what a step reads.
  struct DensityHistory
  {
    const dealii::TrilinosWrappers::MPI::Vector &now;   ///< rho^n
    const dealii::TrilinosWrappers::MPI::Vector &old;   ///< rho^{n-1}
    const dealii::TrilinosWrappers::MPI::Vector &older; ///< rho^{n-2}
  };

  /// One step to take: its number, size, step ratios and the C of the
  /// last two steps.
  struct StepRequest
  {
    unsigned int step; ///< n + 1 (for messages)
    double       dt;   ///< t_{n+1} - t_n
    /// dt / (t_n - t_{n-1}), 0 for BDF1 (first step, or 'BDF order = 1')
    double omega;
    /// (t_n - t_{n-1}) / (t_{n-1} - t_{n-2}) when rho^{n-2} exists, else 0
    double             omega_before;
    const DenseMatrix &C_now; ///< C^n
    const DenseMatrix &C_old; ///< C^{n-1}
  };

  /**
   * @brief One time step of (4.1) on a fixed mesh, doc/numerics.md "Time":
   * variable-step BDF2 (BDF1 for omega = 0),
   *
   *   (alpha/dt M + A(C)) rho^{n+1} = M (beta_0 rho^n + beta_1 rho^{n-1}) / dt,
   *
   * with C extrapolated, (1 + omega) C^n - omega C^{n-1} (C^n when that is
   * not SPD, and for BDF1), or iterated to C(rho^{n+1}) ('Implicit
   * covariance'); the linear solve by StepLinearSolver with its fallbacks
   * (or the low-order step alone, 'Low-order scheme'), then the flux
   * correction ('Stabilization'). It changes nothing but the solver
   * counters in the RunSummary and its own scratch vectors: the step size,
   * its rejection and the history belong to the caller (the time loop of
   * FokkerPlanckSolver and TimeStepControl).
   *
   * It works on the operator, flux correction, linear solver, moments and
   * constraints of the mesh the caller keeps; reinit() after each new mesh.
   */
  template <int dim>
  class BdfTimeIntegrator
  {
  public:
    /// On the parts of a FokkerPlanckSolver (they must outlive this).
    BdfTimeIntegrator(const FokkerPlanckParameters            &parameters,
                      const KalmanWassersteinOperator<dim>    &kw_operator,
                      FluxCorrectedTransport<dim>             &flux_correction,
                      StepLinearSolver<dim>                   &linear_solver,
                      const MomentFunctionals<dim>            &moments,
                      const dealii::AffineConstraints<double> &constraints,
                      dealii::TimerOutput                     &timer,
                      dealii::ConditionalOStream              &console);

    /// Allocate the scratch vectors for the locally owned @p owned_dofs.
    void
    reinit(const dealii::IndexSet &owned_dofs, const MPI_Comm communicator);

    /**
     * Compute rho^{n+1} into @p next from @p history. GMRES starts from
     * rho^{n+1} extrapolated quadratically when omega_before > 0, else
     * linearly (BDF1: from rho^n). Adds the solver counters of the step
     * to @p summary. Throws StepSolveFailure when every linear solver fails
     * and the step is adaptive and above its minimum (the caller retries a
     * smaller dt), RunFailure when the iteration in C breaks down.
     */
    void
    step(const StepRequest                     &request,
         const DensityHistory                  &history,
         RunSummary                            &summary,
         dealii::TrilinosWrappers::MPI::Vector &next);

  private:
    /// The right-hand side M (beta_0 rho^n + beta_1 rho^{n-1}) / dt (in
    /// rhs, the history in bdf_history) and the initial guess in @p next.
    void
    assemble_right_hand_side(const BdfCoefficients                 &bdf,
                             const double                           dt,
                             const DensityHistory                  &history,
                             dealii::TrilinosWrappers::MPI::Vector &next);
    /// C at t_{n+1}: C^n for BDF1, (1 + omega) C^n - omega C^{n-1} for
    /// BDF2 with C = C(rho) when that is SPD, else C^n.
    DenseMatrix
    diffusion_matrix(const BdfCoefficients &bdf,
                     const DenseMatrix     &C_now,
                     const DenseMatrix     &C_old) const;
    /**
     * Solve (alpha/dt M + A(C)) next = rhs (or take the low-order step),
     * iterating C to C(next) with 'Implicit covariance'; @p C ends as the
     * C of the last solve. Returns true when the low-order scheme gave
     * @p next (nothing to correct).
     */
    bool
    solve(const unsigned int                           step,
          const double                                 dt,
          const double                                 alpha,
          const dealii::TrilinosWrappers::MPI::Vector &now,
          DenseMatrix                                 &C,
          RunSummary                                  &summary,
          dealii::TrilinosWrappers::MPI::Vector       &next);
    /// The Galerkin solve of solve(), with the fallbacks of the linear
    /// solver; returns false when the low-order step replaced it.
    bool
    solve_galerkin(const unsigned int                           step,
                   const double                                 dt,
                   const double                                 alpha,
                   const dealii::TrilinosWrappers::MPI::Vector &now,
                   const DenseMatrix                           &C,
                   RunSummary                                  &summary,
                   dealii::TrilinosWrappers::MPI::Vector       &next);
    /// The positive low-order step (FluxCorrectedTransport::low_order_step).
    void
    take_low_order_step(const double                                 dt,
                        const dealii::TrilinosWrappers::MPI::Vector &now,
                        const DenseMatrix                           &C,
                        RunSummary                                  &summary,
                        dealii::TrilinosWrappers::MPI::Vector       &next);
    /// The flux correction of the Galerkin solution @p next ('Mesh/
    /// Stabilization'), with the C of its solve.
    void
    correct(const double                                 dt,
            const double                                 alpha,
            const dealii::TrilinosWrappers::MPI::Vector &now,
            const DenseMatrix                           &C,
            RunSummary                                  &summary,
            dealii::TrilinosWrappers::MPI::Vector       &next);

    const FokkerPlanckParameters            &parameters;
    const KalmanWassersteinOperator<dim>    &kw_operator;
    FluxCorrectedTransport<dim>             &flux_correction;
    StepLinearSolver<dim>                   &linear_solver;
    const MomentFunctionals<dim>            &moment_functionals;
    const dealii::AffineConstraints<double> &constraints;
    dealii::TimerOutput                     &timer;
    dealii::ConditionalOStream              &console;

    /// beta_0 rho^n + beta_1 rho^{n-1} (owned; per mesh, not per step)
    dealii::TrilinosWrappers::MPI::Vector bdf_history;
    /// M bdf_history / dt (owned)
    dealii::TrilinosWrappers::MPI::Vector rhs;
  };
} // namespace kwfp

#endif
