#ifndef kwfp_fokker_planck_solver_h
#define kwfp_fokker_planck_solver_h

#include <kwfp/base/checkpoint.h>
#include <kwfp/base/ghost_exchange.h>
#include <kwfp/fokker_planck/bdf_time_integrator.h>
#include <kwfp/fokker_planck/density_diagnostics.h>
#include <kwfp/fokker_planck/field_observation.h>
#include <kwfp/fokker_planck/flux_corrected_transport.h>
#include <kwfp/fokker_planck/fokker_planck_parameters.h>
#include <kwfp/fokker_planck/kalman_wasserstein_operator.h>
#include <kwfp/fokker_planck/kl_decay.h>
#include <kwfp/fokker_planck/moments.h>
#include <kwfp/fokker_planck/run_summary.h>
#include <kwfp/fokker_planck/step_linear_solver.h>
#include <kwfp/fokker_planck/time_step_control.h>
#include <kwfp/gaussian/closed_form.h>
#include <kwfp/model/initial_density.h>
#include <kwfp/output/diagnostics_csv.h>
#include <kwfp/postprocess/postprocessor_manager.h>
#include <kwfp/postprocess/postprocessor_registry.h>
#include <kwfp/potential/potential_factory.h>

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/point.h>
#include <deal.II/base/timer.h>
#include <deal.II/distributed/tria_base.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/grid/cell_id.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/trilinos_precondition.h>
#include <deal.II/lac/trilinos_sparse_matrix.h>
#include <deal.II/lac/trilinos_vector.h>

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <utility>
#include <vector>

namespace kwfp
{
  /**
   * @brief The finite-element solver of the Kalman-Wasserstein
   * Fokker-Planck equation (4.1) on a box, with C = C(rho), I or a fixed
   * matrix.
   *
   * Space: continuous Q_p (p = 1, 2) on a parallel::distributed mesh (d = 2,
   * 3) or parallel::shared (d = 1). Time: BDF1 with C lagged (C^n) or BDF2
   * (first step BDF1) with C extrapolated (2 C^n - C^{n-1}), optionally
   * iterated to a fixed point in C. A step solves
   *   (alpha/dt M + A(C*)) rho^{n+1} = M (beta history) / dt
   * with GMRES (see KalmanWassersteinOperator).
   */
  template <int dim>
  class FokkerPlanckSolver
  {
  public:
    /**
     * @p parameters_text is written to parameters.prm; @p console receives
     * the status lines (only rank 0 prints).
     */
    FokkerPlanckSolver(const FokkerPlanckParameters &parameters,
                       const std::string            &parameters_text,
                       const MPI_Comm                communicator,
                       std::ostream                 &console);

    /// Ended by an exception (std::uncaught_exceptions() > 0), the timer is
    /// let go without its destructor, which would communicate over MPI or
    /// print a notice; the process is ending with an error.
    ~FokkerPlanckSolver();

    /**
     * Check the input and build everything, then create the output and run
     * to the final time. Throws InputError before any file is written when
     * the input is wrong, RunFailure when the run breaks down.
     *
     * With @p resume, continue instead from DIR/checkpoint (written by
     * 'Output/Checkpoint interval', 'Output/Checkpoint minutes' or on
     * SIGINT/SIGTERM): the mesh, rho^n, rho^{n-1}, rho^{n-2}, the time
     * step history, C^n and C^{n-1}, the solver's state (which
     * preconditioner, built from which matrix) and the rows and files
     * written, so that the run continues as if it had not stopped.
     */
    RunSummary
    run(const bool resume = false);

    /**
     * The checks of the input that need no mesh, collective, so that a
     * caller can run them before anything writes output (the particles and
     * the closure beside the finite elements write theirs first): the box
     * holds the Gaussians' mass, the mesh resolves them (a warning), a
     * user's gradient matches Phi_R, the uniform mesh fits in memory beside
     * @p bytes_beside (what the particles run beside it need; not with
     * @p resuming). run() does them unless they were done.
     */
    void
    check_input(const bool resuming, const double bytes_beside = 0);

    /**
     * The postprocessors (postprocess/postprocessor.h): those named in
     * 'Output/Postprocessors' (added by the constructor), then those added
     * here. Executed at every
     * output time (step 0, every 'Output/Interval' steps and the last step,
     * also when no fields are written), then asked to write the fields
     * (the "fields" postprocessor writes them), and saved in its
     * checkpoints (loaded when the run resumes). Add them before run().
     */
    PostprocessorManager<dim> &
    postprocessors();

    /**
     * With false, RunSummary::history keeps only the last row (every row
     * is in diagnostics.csv with the postprocessor "diagnostics"), so that
     * memory stays flat over long runs; the default keeps every row.
     */
    void
    keep_full_history(const bool keep);

  private:
    /// The variables of the time loop that a checkpoint holds.
    struct LoopState
    {
      unsigned int step        = 0; ///< the last step done
      double       time        = 0;
      double       dt_previous = 0; ///< t_n - t_{n-1}
      double       dt_before   = 0; ///< t_{n-1} - t_{n-2}
      double       dt_next     = 0;
      DenseMatrix  C_now;
      DenseMatrix  C_old;
    };

    /// Seconds of one system_matrix.vmult (mean of 20), for the benchmarks.
    double
    matvec_seconds();

    /// With @p cells (a resumed run), refine the coarse mesh to the active
    /// cells @p cells instead of setting the initial density.
    void
    setup(const std::vector<dealii::CellId> *cells = nullptr);
    /// InputError naming 'Mesh/Subdivisions' when the uniform mesh of the
    /// parameters (a lower bound of any run's mesh before adaptation) needs
    /// more memory than the machine has available (check_memory_need()),
    /// beside @p bytes_beside needed by what runs beside the solver.
    void
    check_memory_for_mesh(const double bytes_beside) const;
    /// The coarse mesh of the box (Mesh/Subdivisions), without refinement.
    std::unique_ptr<dealii::parallel::TriangulationBase<dim>>
    coarse_mesh() const;
    /**
     * Refine @p tria (a coarse mesh) until its active cells are @p cells,
     * ancestors level by level. The result, its cell order and its
     * numbering of the unknowns depend only on @p cells and the number of
     * ranks, not on how a mesh with these cells came about.
     */
    void
    refine_to(dealii::parallel::TriangulationBase<dim> &tria,
              const std::vector<dealii::CellId>        &cells) const;
    /// Nodal values on each locally owned active cell, by cell: those of
    /// each vector in turn.
    using CellValues = std::map<dealii::CellId, std::vector<double>>;
    /// The CellValues of the (ghosted) @p vectors on the current mesh.
    CellValues
    cell_values(const std::vector<const dealii::TrilinosWrappers::MPI::Vector *>
                  &vectors) const;
    /// Set rho^n, rho^{n-1}, rho^{n-2} from @p values (which must hold
    /// every locally owned cell); throws RunFailure if one is missing.
    void
    set_from_cell_values(const CellValues &values);
    /**
     * Replace the mesh by the same cells built from the coarse mesh with
     * refine_to() and set up the system on it; with @p values, set rho^n,
     * rho^{n-1}, rho^{n-2} from them. After every adaptation, so that an
     * adapted mesh is the one a resumed run rebuilds from its checkpoint:
     * the same summation order, hence the same results to the last bit.
     */
    void
    rebuild_mesh(const CellValues &values);
    /**
     * Write DIR/checkpoint (collective). The state of the postprocessors
     * "fields" (the entries of solution.pvd) and "diagnostics" sits where
     * the solver kept it before they were postprocessors, that of the
     * others after the solver's own state.
     */
    void
    write_checkpoint_now(const LoopState &loop, const RunSummary &summary);
    /// Read DIR/checkpoint: the mesh, the vectors and the state.
    void
    resume_from_checkpoint(LoopState &loop, RunSummary &summary);
    /// The solver state and counters of a checkpoint, both ways.
    template <class Stream, class State, class Summary>
    void
    transfer_state(Stream &s, State &loop, Summary &summary);
    /// Everything that depends on the mesh: unknowns, hanging-node
    /// constraints, matrices, vectors (zero), rho_inf.
    void
    setup_system();
    /**
     * Adapt the mesh by Kelly's indicator of the density (Mesh/Adaptive
     * refinement) and set up the system on it; with @p transfer_solution
     * carry rho^n, rho^{n-1}, rho^{n-2} over (rescaled to their masses),
     * else leave them zero.
     */
    void
    refine_mesh(const bool transfer_solution);
    /**
     * After a transfer of rho^n, rho^{n-1}, rho^{n-2} to a new mesh (their
     * masses before it in @p masses): lift the negative values of rho^n to
     * zero (flux correction) and add the same lift to the other two, scale
     * all three to the mass of rho^n, and fix the masses of the other two
     * with multiples of rho^n, so that their differences (what BDF2 and the
     * error estimate see) stay those of the transfer.
     */
    void
    restore_masses_after_transfer(const std::vector<double> &masses);
    /**
     * Moving box (Mesh/Moving box): the box to move to, or nothing. Per
     * coordinate, the tails q_low, q_high below and above which 1e-6 of
     * the mass lies (lumped nodal masses binned by the coordinate); the new
     * box is [q_low - w sd, q_high + w sd] with w = Mesh/Box margin and sd
     * the density's standard deviation. It is returned when a tail comes
     * within w sd / 2 of the box's wall, or when the box is more than
     * twice as wide as the new one. Collective.
     */
    std::optional<std::pair<dealii::Point<dim>, dealii::Point<dim>>>
    box_to_move_to(const Moments &moments) const;
    /**
     * Mesh the box [@p lower, @p upper] as the first one (subdivisions,
     * global refinements, and with adaptivity as many adaptation cycles as
     * the initial ones or the levels allowed above the global ones, each
     * applied to the density interpolated anew), interpolate rho^n, rho^{n-1},
     * rho^{n-2} onto it (zero outside the old box: the mass there is below
     * the threshold of box_to_move_to()) and restore their masses.
     */
    void
    move_box(const dealii::Point<dim> &lower, const dealii::Point<dim> &upper);
    /// Set rho^n, rho^{n-1}, rho^{n-2} at the support points of the current
    /// mesh from the ghosted @p old_vectors on @p old_dofs, whose box is
    /// [@p old_lower, @p old_upper]; zero outside it.
    void
    interpolate_from_mesh(
      const dealii::DoFHandler<dim>                            &old_dofs,
      const std::vector<dealii::TrilinosWrappers::MPI::Vector> &old_vectors,
      const dealii::Point<dim>                                 &old_lower,
      const dealii::Point<dim>                                 &old_upper);
    /// InputError naming the corner when the box misses more than 1e-6 of
    /// the mass of the initial or the stationary Gaussian.
    void
    check_box_holds_mass() const;
    /**
     * Whether the finest cells the mesh can have (those of 'Maximum
     * refinement level' when adaptive, else of 'Global refinements') resolve
     * the initial and the stationary Gaussian (not with a moving box, whose
     * cells shrink with the density): a warning naming 'Mesh/Global
     * refinements' when, along some axis a, the standard deviation of the
     * Gaussian on the lines parallel to a, 1/sqrt((C^{-1})_aa), is below the
     * cell side h_a (below a quarter of it Q_p interpolation has O(1)
     * errors). Not an error: the flux-corrected scheme keeps such runs
     * positive and conservative, and tests use them on purpose.
     */
    void
    check_mesh_resolves_gaussians() const;
    void
    set_initial_density();
    /// Warn when @p v on the boundary exceeds 1e-6 of its maximum.
    void
    warn_if_large_on_boundary(const dealii::TrilinosWrappers::MPI::Vector &v,
                              const std::string &what) const;
    DenseMatrix
    diffusion_matrix(const Moments &moments) const;

    /// The time loop's variables that a checkpoint does not hold.
    struct LoopContext
    {
      /// For @p parameters ('Time stepping').
      explicit LoopContext(const TimeSteppingParameters &parameters)
        : control(parameters)
      {}
      TimeStepControl control;                    ///< the step sizes
      unsigned int    output_every      = 0;      ///< 'Output/Interval'
      unsigned int    diagnostics_every = 1;      ///< rows of diagnostics.csv
      unsigned int    status_every      = 1;      ///< console status lines
      Moments         moments;                    ///< of rho^n
      DiagnosticsRow  row;                        ///< the last row written
      dealii::TrilinosWrappers::MPI::Vector next; ///< rho^{n+1}
      /// For the failure report: the step being computed, the time of the
      /// last accepted one, and whether `density` already holds the new
      /// step (whose checks may still fail) with the last good one in
      /// old_density.
      unsigned int failed_step      = 0;
      double       last_good_time   = 0;     ///< t of the last good state
      bool         density_accepted = false; ///< see failed_step
      /// Steps accepted since the last transfer to a new mesh: the error
      /// estimate of the next three steps differences moments of rho^n,
      /// rho^{n-1}, rho^{n-2} that were transferred.
      unsigned int steps_since_transfer = 3;
    };

    /// Set up (or resume), create the outputs, print the run's header and,
    /// for a new run, write the row of step 0.
    void
    start_run(const bool   resume,
              LoopState   &loop,
              RunSummary  &summary,
              LoopContext &context);
    /// The console lines that say what the run does.
    void
    print_run_header(const RunSummary &summary, const LoopContext &context);
    /// One console status line of @p row.
    void
    print_status(const DiagnosticsRow &row);
    /// Throw RunFailure when the mass in @p moments is not positive and
    /// finite.
    static void
    check_mass(const Moments &moments, const unsigned int step, double time);
    /// The steps from loop.step + 1 to T (or to an interruption); a
    /// RunFailure is reported with the last good state written.
    void
    time_loop(LoopState &loop, RunSummary &summary, LoopContext &context);
    /**
     * Compute step @p step into context.next, repeating it with a smaller
     * dt while its linear systems fail or (adaptive) its error estimate is
     * too large; returns its dt and sets @p estimate and, when the
     * estimate computed them, @p candidate_moments.
     */
    double
    take_step(const unsigned int      step,
              LoopState              &loop,
              RunSummary             &summary,
              LoopContext            &context,
              double                 &estimate,
              std::optional<Moments> &candidate_moments);
    /**
     * Make context.next the new rho^n: shift the history, compute its
     * moments (or take @p candidate_moments), check its mass and the
     * positivity of C(rho), and update C^n, C^{n-1}.
     */
    void
    accept_step(const unsigned int            step,
                const double                  dt,
                LoopState                    &loop,
                LoopContext                  &context,
                const std::optional<Moments> &candidate_moments);
    /**
     * After an accepted step: diagnostics row, fields, status line, mesh
     * adaptation or box move, checkpoint. Returns true when the run stops
     * because of SIGINT/SIGTERM.
     */
    bool
    finish_step(const unsigned int  step,
                const double        dt,
                const bool          last,
                LoopState          &loop,
                RunSummary         &summary,
                LoopContext        &context,
                CheckpointSchedule &schedule);
    /// Adapt the mesh or move the box when due after step @p step, with
    /// the history of moments and C taken from the transferred vectors.
    void
    remesh_after_step(const unsigned int step,
                      const bool         last,
                      const bool         interrupted,
                      LoopState         &loop,
                      LoopContext       &context);
    /// After the loop: the summary's counters and the console report.
    void
    finish_run(RunSummary &summary);
    /// After the loop: the postprocessors' finish() on the final density
    /// (posterior.csv, density_final.csv, kl_decay.csv by default).
    void
    finish_postprocessors(RunSummary &summary);
    /// The console lines at the end of a run.
    void
    print_run_report(const RunSummary &summary);

    DiagnosticsRow
    diagnostics(const unsigned int step,
                const double       time,
                const double       dt,
                const Moments     &moments);
    /// Add @p row to the summary (history and KL-decay sample).
    void
    record_row(RunSummary &summary, const DiagnosticsRow &row) const;
    /**
     * An output time: execute the postprocessors on the density at @p time
     * (with @p moments), then let them write the fields (FieldObservation;
     * @p interrupted: see FieldObservation::interrupted).
     */
    void
    output_step(const double   time,
                const Moments &moments,
                const bool     interrupted = false);
    /// The run broke down: let the postprocessors write the fields of the
    /// last good state (the density at @p time).
    void
    write_last_good_state(const double time);
    /// The observation of the density at @p time with @p moments (ghosted
    /// copied into), without the postprocessors' fields.
    FieldObservation<dim>
    observation_at(const double time, const Moments &moments);

    const FokkerPlanckParameters parameters;
    const std::string            parameters_text;
    const MPI_Comm               communicator;
    dealii::ConditionalOStream   console;
    bool input_checked = false; ///< has check_input() run?

    std::unique_ptr<Potential> potential;
    InitialDensity             initial_density;
    /// The wall times of the sections, constructed after the potential and
    /// the initial density (whose expressions may be bad input) and held by
    /// pointer, so that a solver ended by an exception can let it go
    /// without destroying it (~FokkerPlanckSolver()): TimerOutput's
    /// destructor would print its notice of an uncaught exception before
    /// kwfp's error message.
    std::unique_ptr<dealii::TimerOutput> timer_storage;
    dealii::TimerOutput                 &timer;
    std::optional<GaussianClosedForm>    closed_form;
    std::optional<Gaussian>              exact_at_current_time;

    std::unique_ptr<dealii::parallel::TriangulationBase<dim>> triangulation;
    dealii::FE_Q<dim>                                         fe;
    dealii::DoFHandler<dim>                                   dof_handler;
    dealii::AffineConstraints<double>                         constraints;
    dealii::IndexSet                                          owned_dofs;
    dealii::IndexSet                                          relevant_dofs;
    /// The box of the mesh: Mesh/Lower and Upper corner, or where the
    /// moving box is now.
    dealii::Point<dim> box_lower;
    dealii::Point<dim> box_upper;
    /// Moving box: the support points of the locally owned unknowns (in
    /// their order).
    std::vector<dealii::Point<dim>> owned_support_points;

    KalmanWassersteinOperator<dim> kw_operator;
    FluxCorrectedTransport<dim>    flux_correction;
    MomentFunctionals<dim>         moment_functionals;
    DensityDiagnostics<dim>        density_diagnostics;

    /// The linear solves of the Galerkin step and their strategy.
    StepLinearSolver<dim> linear_solver;
    /// One step from rho^n, rho^{n-1}, rho^{n-2} to rho^{n+1}.
    BdfTimeIntegrator<dim>    time_integrator;
    PostprocessorManager<dim> postprocessor_manager;
    bool                      full_history = true;

    dealii::TrilinosWrappers::MPI::Vector density;       // rho^n, owned
    dealii::TrilinosWrappers::MPI::Vector old_density;   // rho^{n-1}, owned
    dealii::TrilinosWrappers::MPI::Vector older_density; // rho^{n-2}, owned
    dealii::TrilinosWrappers::MPI::Vector lumped_mass;   // M 1, owned
    /// Moments of rho^n, rho^{n-1}, rho^{n-2} (adaptive time step).
    std::array<Moments, 3>                moment_history;
    dealii::TrilinosWrappers::MPI::Vector ghosted; // with ghosts
    /// The exchange plan from density to ghosted (setup_system()).
    GhostExchange                         ghost_exchange;
    dealii::TrilinosWrappers::MPI::Vector stationary; // rho_inf, ghosted

    struct
    {
      unsigned int       n_adaptations        = 0;
      unsigned long long max_cells            = 0;
      double             max_mass_defect      = 0;
      double             max_clipped          = 0;
      unsigned int       n_box_moves          = 0;
      unsigned int       steps_since_box_move = 0;
    } adaptation;
  };
} // namespace kwfp

#endif
