#ifndef kwfp_gaussian_closure_gaussian_closure_solver_h
#define kwfp_gaussian_closure_gaussian_closure_solver_h

#include <kwfp/base/checkpoint.h>
#include <kwfp/gaussian/closed_form.h>
#include <kwfp/gaussian/gaussian.h>
#include <kwfp/gaussian_closure/closure_integrator.h>
#include <kwfp/gaussian_closure/closure_model.h>
#include <kwfp/gaussian_closure/gaussian_closure_solver_parameters.h>
#include <kwfp/gaussian_closure/gaussian_expectations.h>
#include <kwfp/potential/potential.h>

#include <deal.II/base/conditional_ostream.h>

#include <mpi.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace kwfp
{
  /// What a run of the Gaussian closure did.
  struct GaussianClosureRunSummary
  {
    std::uint64_t n_steps       = 0; ///< accepted steps
    std::uint64_t n_rejected    = 0; ///< rejected steps (adaptive)
    std::uint64_t n_evaluations = 0; ///< evaluations of Phi_R
    double        final_time    = 0; ///< t at the end
    double        loop_seconds  = 0; ///< wall time of the steps
    DenseVector   mean;              ///< m(T)
    DenseMatrix   covariance;        ///< C(T)
    double        free_energy = 0;   ///< F(m(T), C(T))
    /// Stopped by SIGINT/SIGTERM before the final time.
    bool interrupted = false;
  };

  /**
   * @brief The Gaussian closure of the Kalman-Wasserstein flow as a solver
   * ('Solver = Gaussian'), in any dimension:
   *   dm/dt = -C E[grad Phi_R],  dC/dt = 2C - 2C E[Hess Phi_R] C
   * (MATH.md Section 8) from the initial Gaussian of 'Initial density' (a
   * product density: the Gaussian with its moments), with the expectations
   * of GaussianExpectation and the steps of ClosureIntegrator.
   *
   * Writes gaussian.csv (rank 0): `step,time,dt`, the moment columns of
   * diagnostics.csv (`mean_1..`, `cov_1_1,cov_1_2,..`, write_csv_moments()),
   * `free_energy` (E[Phi_R] - 1/2 ln det(2 pi e C)), and when Phi_R is
   * quadratic and the initial density Gaussian `mean_error,cov_error`
   * against the closed form (4.11) (GaussianClosedForm), which the closure
   * must reproduce. Every rank computes the same numbers (a few Phi_R
   * evaluations per step; no communication).
   *
   * With 'Gaussian closure/Mixture weights' it runs the Gaussian-mixture
   * closure (MixtureClosureModel) instead: the moment columns are then
   * those of the whole mixture, followed by one block per component
   * (`component_K_mean_1..`, `component_K_cov_1_1..`, led by
   * `component_K_weight` when 'Mixture weight flow = Fisher-Rao'), and the
   * free energy is KL(p || pi) - ln Z of the mixture.
   */
  class GaussianClosureSolver
  {
  public:
    /**
     * Set up the run of @p parameters; every input error (an initial
     * density that is not Gaussian, the Hessian form with a potential
     * without Hessian, ...) is an InputError here, before any output.
     */
    GaussianClosureSolver(const GaussianClosureSolverParameters &parameters,
                          const std::string &parameters_text,
                          const MPI_Comm     communicator,
                          std::ostream      &out);

    /**
     * start() (or, with @p resume_run, continue from DIR/checkpoint),
     * advance_to(final time) stopping on SIGINT/SIGTERM, finish(). With
     * @p own_checkpoint (the closure runs alone, so DIR/checkpoint is its
     * own) it writes DIR/checkpoint every 'Output/Checkpoint interval'
     * steps and 'Output/Checkpoint minutes' (CheckpointSchedule), and an
     * interrupted run writes one before it stops; `kwfp --resume DIR`
     * continues from the last one to the same rows as a run that was not
     * stopped (also after SIGKILL).
     */
    GaussianClosureRunSummary
    run(const bool resume_run = false, const bool own_checkpoint = false);

    /// Create the output directory and gaussian.csv; the row of t = 0.
    void
    start();

    /// Step to @p time exactly (rows every 'Output interval' steps); with
    /// @p stop_on_signal, stop after the step in which SIGINT or SIGTERM
    /// arrived (interruption_signal(), asked after every step); with
    /// @p checkpoints, write DIR/checkpoint (write_checkpoint_now(), after
    /// the step's row) after every step before @p time at which it is due.
    void
    advance_to(const double        time,
               const bool          stop_on_signal = false,
               CheckpointSchedule *checkpoints    = nullptr);

    /// Write the last row; the summary.
    GaussianClosureRunSummary
    finish();

    /// The current time.
    double
    current_time() const;

    /// N(m, C) now (for a mixture: the Gaussian with its moments).
    Gaussian
    current_gaussian() const;

    /// ln of the closure's density (Gaussian or mixture) at @p u now.
    double
    log_density(const dealii::ArrayView<const double> &u) const;

    /// The mean and covariance of the closure's density now.
    std::pair<DenseVector, DenseMatrix>
    moments() const;

    /// The weights w_k of the components now (1 for one Gaussian).
    std::vector<double>
    current_weights() const;

    /// The integrator (state, expectations, counters).
    const ClosureIntegrator &
    integrator() const;

    /// Write the state of the run (the integration, the rows written).
    void
    save(CheckpointWriter &out) const;
    /// Instead of start(): continue from what save() wrote (gaussian.csv
    /// cut to its rows).
    void
    resume(CheckpointReader &in);

  private:
    /// DIR/checkpoint with save() (collective).
    void
    write_checkpoint_now() const;
    /// Write the row of the current state.
    void
    write_row();
    /// The header of gaussian.csv.
    std::string
    header() const;

    const GaussianClosureSolverParameters parameters;
    const std::string                     parameters_text;
    const MPI_Comm                        communicator;
    dealii::ConditionalOStream            console;
    std::unique_ptr<Potential>            potential;
    std::unique_ptr<GaussianExpectation>  expectation;
    std::unique_ptr<ClosureModel>         model;
    std::vector<double>                weights; ///< initial, of the components
    std::unique_ptr<ClosureIntegrator> integration;
    mutable std::optional<GaussianClosedForm> closed_form;
    std::ofstream                             csv;
    bool                                      is_writer;
    std::uint64_t                             n_rows        = 0;
    std::uint64_t                             last_row_step = 0;
    bool                                      started       = false;
    double                                    loop_seconds  = 0;
  };
} // namespace kwfp

#endif
