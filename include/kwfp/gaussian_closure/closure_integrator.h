#ifndef kwfp_gaussian_closure_closure_integrator_h
#define kwfp_gaussian_closure_closure_integrator_h

#include <kwfp/base/checkpoint.h>
#include <kwfp/gaussian/gaussian.h>
#include <kwfp/gaussian_closure/closure_model.h>
#include <kwfp/gaussian_closure/closure_state.h>
#include <kwfp/gaussian_closure/gaussian_expectations.h>
#include <kwfp/gaussian_closure/rosenbrock_step.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace kwfp
{
  /// How the closure's steps are chosen.
  struct ClosureStepControl
  {
    /// Adaptive steps by the embedded error estimate; else fixed.
    bool adaptive = true;
    /// The fixed step, or the first one.
    double time_step = 0.01;
    /// The tolerance of the error estimate per step (adaptive).
    double tolerance = 1e-6;
    /// The smallest step before the run fails (adaptive).
    double minimum_time_step = 1e-12;
    /// The largest step (adaptive).
    double maximum_time_step = 1;
  };

  /**
   * @brief The time integration of the Gaussian closure
   *   dm/dt = -C E[grad Phi_R],  dC/dt = 2C - 2C E[Hess Phi_R] C
   * (or of another ClosureModel, e.g. the mixture) by rosenbrock_step()
   * (ROS2 in (m, P)) with fixed or adaptive steps.
   *
   * Adaptive: a step with error estimate err <= tolerance (or on a
   * state that rosenbrock_step() rejects) is accepted (rejected);
   * the next step is h min(5, max(0.2, 0.9 (tol/err)^{1/2})) (0.25 h after
   * an invalid step), within [minimum, maximum]. Fixed: the steps are
   * 'time_step' (the last one shortened to land on the target time); an
   * invalid step is a RunFailure that says to shorten it.
   *
   * Cost per accepted step: two evaluations of the model (the stage, and
   * the new state, whose expectations the next step and the output use),
   * i.e. 2 n K evaluations of Phi_R (and of its gradient or Hessian) for a
   * rule of n nodes and K components, plus O(K d^3).
   */
  class ClosureIntegrator
  {
  public:
    /// The Gaussian closure with the expectations of @p expectation from
    /// @p initial at t = 0; throws RunFailure if the expectations cannot be
    /// evaluated there.
    ClosureIntegrator(const GaussianExpectation &expectation,
                      const ClosureStepControl  &control,
                      const Gaussian            &initial);

    /// The closure @p model (kept by reference) from the components
    /// @p initial at t = 0, with the weights model.initial_weights()
    /// (those of @p initial are replaced).
    ClosureIntegrator(const ClosureModel              &model,
                      const ClosureStepControl        &control,
                      const std::vector<ClosureState> &initial);

    /// Step until the time is @p t (exactly), calling @p on_step after each
    /// accepted step; if @p stop is given and returns true after an accepted
    /// step, return there (before @p t). Throws RunFailure (with the time)
    /// on a breakdown.
    void
    advance_to(const double                 t,
               const std::function<void()> &on_step = {},
               const std::function<bool()> &stop    = {});

    /// t.
    double
    time() const;
    /// The state N(m, C) at time() (the first component).
    const ClosureState &
    state() const;
    /// The states of all components.
    const std::vector<ClosureState> &
    states() const;
    /// The expectations at the state (the first component).
    const GaussianExpectations &
    expectations() const;
    /// The expectations of all components.
    const std::vector<GaussianExpectations> &
    all_expectations() const;
    /// The free energy (for one Gaussian E[Phi_R] - 1/2 ln det(2 pi e C))
    /// at the state.
    double
    free_energy() const;
    /// Accepted steps so far.
    std::uint64_t
    n_steps() const;
    /// Rejected steps so far.
    std::uint64_t
    n_rejected() const;
    /// Evaluations of Phi_R (with derivatives) so far.
    std::uint64_t
    n_evaluations() const;
    /// The last accepted step.
    double
    last_step() const;

    /// Write where the integration stands (a checkpoint; the weights when
    /// they evolve).
    void
    save(CheckpointWriter &out) const;
    /// Continue from what save() wrote (the expectations are recomputed).
    void
    load(CheckpointReader &in);

  private:
    /// Evaluate the model at the initial state (the constructors).
    void
    initialize();

    const std::unique_ptr<GaussianClosureModel> own_model;
    const ClosureModel                         &model;
    const ClosureStepControl                    control;
    std::vector<ClosureState>                   y;
    std::vector<GaussianExpectations>           e;
    double                                      t           = 0;
    double                                      h_next      = 0;
    double                                      h_last      = 0;
    std::uint64_t                               steps       = 0;
    std::uint64_t                               rejected    = 0;
    std::uint64_t                               evaluations = 0;
  };
} // namespace kwfp

#endif
