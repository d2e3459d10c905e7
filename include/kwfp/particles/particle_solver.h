#ifndef kwfp_particles_particle_solver_h
#define kwfp_particles_particle_solver_h

#include <kwfp/base/checkpoint.h>
#include <kwfp/forward_model/inverse_problem.h>
#include <kwfp/gaussian/closed_form.h>
#include <kwfp/output/particle_output.h>
#include <kwfp/output/particles_csv.h>
#include <kwfp/particles/ensemble.h>
#include <kwfp/particles/ensemble_kalman_update.h>
#include <kwfp/particles/particle_solver_parameters.h>
#include <kwfp/potential/potential.h>

#include <deal.II/base/conditional_ostream.h>

#include <chrono>
#include <memory>
#include <optional>
#include <ostream>
#include <vector>

namespace kwfp
{
  /// What a particle run did.
  struct ParticleRunSummary
  {
    std::uint64_t n_steps      = 0; ///< time steps taken
    double        final_time   = 0; ///< t at the end
    double        loop_seconds = 0; ///< wall time of the time loop
    std::uint64_t n_dropped    = 0; ///< particles removed (forward failures)
    bool          interrupted  = false; ///< stopped early on SIGINT/SIGTERM
    std::vector<ParticlesRow> history;  ///< every row of particles.csv
  };

  /**
   * @brief Runs an interacting particle system (ParticleMethod) from the
   * initial ensemble to the final time or for a number of steps, writing
   * particles.csv, the ParaView point clouds and ensemble_final.csv.
   *
   * A forward map (or gradient) that is not finite at a particle stops the
   * run with the particle's index, state and step, or drops the particle
   * ('On forward failure = drop'); fewer than d + 2 particles left is an
   * error. An ensemble covariance that loses rank is reported once.
   *
   * When the mean field has a Gaussian closed form (a Gaussian initial
   * density, a stationary Gaussian, and eks or eks-gradient: (4.11); or
   * langevin: P = I), particles.csv also holds the errors of the ensemble
   * mean and covariance against it.
   */
  class ParticleSolver
  {
  public:
    /// Set up the run of @p parameters (@p parameters_text is kept in the
    /// checkpoint), writing progress to @p out.
    ParticleSolver(const ParticleSolverParameters &parameters,
                   const std::string              &parameters_text,
                   const MPI_Comm                  communicator,
                   std::ostream                   &out);

    /**
     * The whole run: start() (with @p resume: continue from the checkpoint
     * in the output directory instead), the steps, finish(). Writes a
     * checkpoint when 'Output/Checkpoint interval' or 'Output/Checkpoint
     * minutes' say so, and on SIGINT/SIGTERM before it stops.
     */
    ParticleRunSummary
    run(const bool resume = false);

    /// Create the output and observe the initial ensemble (step 0).
    void
    start();

    /// A lower bound of the bytes an ensemble of @p J particles in
    /// dimension @p d needs: 40 per coordinate (measured: 60 with d = 2
    /// for J = 4e6, eks-gradient and langevin).
    static double
    ensemble_memory_need(const std::uint64_t J, const unsigned int d)
    {
      return 40. * double(J) * d;
    }

    /// ensemble_memory_need() of this run's ensemble (the finite elements
    /// beside it check their mesh with it, FokkerPlanckSolver::check_input).
    double
    memory_need() const
    {
      return ensemble_memory_need(parameters.particles.ensemble_size,
                                  parameters.dimension);
    }

    /**
     * Write the state of the run (step, time, the ensemble in global
     * order, the rows and outputs written) to @p out; the same bytes on
     * every rank and for any number of ranks (collective). The random
     * numbers need no state: they are a function of (seed, particle, step).
     */
    void
    save(CheckpointWriter &out);
    /// Instead of start(): continue from the state save() wrote (the
    /// outputs after it are removed).
    void
    resume(CheckpointReader &in);
    /**
     * Step until the time reaches @p time (the last step shortened to land
     * on it) and write a row of particles.csv there. For runs side by side
     * with the finite-element solver.
     */
    void
    advance_to(const double time);

    /// The current time.
    double
    current_time() const;

    /// Write the last row and ensemble_final.csv; the summary of the run.
    ParticleRunSummary
    finish();

    /// The ensemble (at the end of run(): the final one).
    const Ensemble &
    ensemble() const;

  private:
    /// Set the number and size of the steps from the parameters.
    void
    plan_steps();
    /// Write DIR/checkpoint (collective).
    void
    write_checkpoint_now();
    /// Evaluate G or grad Phi_R; stop or drop where they are not finite.
    void
    evaluate(const std::uint64_t step, const double time);

    /// Evaluate the current state and write what is due (all if @p force).
    void
    observe(const bool force);

    /// One step, not beyond the time @p target.
    void
    take_step(const double target);

    /// The particles.csv row of the current state.
    ParticlesRow
    statistics_row(const std::uint64_t               step,
                   const double                      time,
                   const double                      dt,
                   std::vector<std::vector<double>> &phi_r);

    /// Report once when C(U) has (numerically) lost rank.
    void
    check_covariance(const std::uint64_t step, const double time);

    /// RunFailure when a statistic of @p row over the particles (their
    /// moments, the means of Phi_R and of the misfit, ||D||, the errors) is
    /// NaN or infinite (the particles diverged), so that particles.csv
    /// never holds such a row; the values at the ensemble mean may be.
    static void
    check_row_is_finite(const ParticlesRow &row);

    const ParticleSolverParameters        parameters;
    const std::string                     parameters_text;
    const MPI_Comm                        communicator;
    dealii::ConditionalOStream            console;
    std::shared_ptr<const InverseProblem> problem;
    std::unique_ptr<Potential>            potential;
    std::unique_ptr<EnsembleKalmanUpdate> update;
    Ensemble                              particles;
    EnsembleState                         state;
    std::optional<GaussianClosedForm>     closed_form;
    std::uint64_t                         n_dropped        = 0;
    bool                                  rank_loss_warned = false;
    std::unique_ptr<ParticlesCsv>         csv;
    std::unique_ptr<ParticleOutput>       output;
    ParticleRunSummary                    summary;
    std::uint64_t                         step             = 0;
    double                                time             = 0;
    double                                dt_previous      = 0;
    std::uint64_t                         n_fixed          = 0;
    double                                dt_fixed         = 0;
    std::uint64_t                         status_every     = 1;
    std::uint64_t                         last_row_step    = 0;
    std::uint64_t                         last_output_step = 0;
    std::chrono::steady_clock::time_point loop_start;
  };
} // namespace kwfp

#endif
