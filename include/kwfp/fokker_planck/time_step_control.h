#ifndef kwfp_fokker_planck_time_step_control_h
#define kwfp_fokker_planck_time_step_control_h

#include <kwfp/base/time_grid.h>
#include <kwfp/fokker_planck/moments.h>
#include <kwfp/fokker_planck/time_stepping_parameters.h>

#include <deal.II/base/index_set.h>
#include <deal.II/lac/trilinos_vector.h>

#include <array>

namespace kwfp
{
  /**
   * @brief The step sizes of the time loop ('Time stepping'; doc/numerics.md,
   * "Time"): n equal steps ending at T (FixedTimeGrid), or variable-step
   * BDF2 whose dt follows an estimate e of the local error,
   * dt_new = dt min(2, max(0.2, 0.9 (tol / e)^(1/3))).
   *
   * It decides sizes only; the solver takes the steps. A step is rejected
   * and repeated when e > 2 tol (or when its linear systems fail). Steps 1
   * and 2 have no estimate (it needs four solutions) and keep 'Time step'.
   */
  class TimeStepControl
  {
  public:
    /// The control of @p parameters (checked by their parse_parameters();
    /// the adaptive entries only when 'Adaptive time step' is on).
    explicit TimeStepControl(const TimeSteppingParameters &parameters);

    /// Variable steps ('Adaptive time step')?
    bool
    adaptive() const
    {
      return parameters.adaptive;
    }

    /// Fixed steps: their number n = ceil(T / dt - 1e-9).
    unsigned int
    n_fixed_steps() const;

    /// The first dt: 'Time step' (adaptive) or T / n.
    double
    first_step() const;

    /// Is there a step @p step after time @p time?
    bool
    more_steps(const unsigned int step, const double time) const;

    /// The dt to try from @p time: @p planned, cut to end at T exactly
    /// without a last step much shorter than dt (adaptive).
    double
    step_to_try(const double planned, const double time) const;

    /// dt after a step whose linear systems failed: dt / 4, at least the
    /// minimum step and at most the time left.
    double
    after_solve_failure(const double dt, const double time) const;

    /// Does @p step need an error estimate (adaptive, step >= 3)?
    bool
    needs_estimate(const unsigned int step) const
    {
      return parameters.adaptive && step >= 3;
    }

    /// Is a step of size @p dt with error estimate @p estimate accepted?
    bool
    accepts(const double estimate, const double dt) const;

    /// dt for the repetition of a step rejected with @p estimate.
    double
    after_rejection(const double dt,
                    const double time,
                    const double estimate) const;

    /// The dt planned after the accepted step @p step of size @p dt with
    /// @p estimate: grows by at most 2 (variable-step BDF2 is zero-stable
    /// for ratios below 1 + sqrt(2)), shrinks by at most 5; fixed: T / n.
    double
    next_step(const unsigned int step,
              const double       dt,
              const double       estimate) const;

    /// Is the step @p step of size @p dt from @p time the last one?
    bool
    is_last(const unsigned int step, const double time, const double dt) const;

    /// The time after that step: T exactly for the last one.
    double
    time_after(const unsigned int step,
               const double       time,
               const double       dt,
               const bool         last) const;

  private:
    const TimeSteppingParameters parameters;
    const FixedTimeGrid          grid;
  };

  /**
   * The local truncation error of variable-step BDF2 (h = t_{n+1} - t_n,
   * k = t_n - t_{n-1}, omega = h/k):
   *   y(t_{n+1}) - y^{n+1} ~ h^2 (h + k) (1 + omega) / (6 (1 + 2 omega))
   *                          y''',
   * with y''' ~ 6 y[t_{n+1}, t_n, t_{n-1}, t_{n-2}] (third divided
   * difference, k2 = t_{n-1} - t_{n-2}), for the mean and the covariance of
   * @p next and of rho^n, rho^{n-1}, rho^{n-2} (@p history), each entry
   * relative to the standard deviations: |e(m_a)| / sqrt(C_aa),
   * |e(C_ab)| / sqrt(C_aa C_bb); the largest of them.
   */
  double
  moment_error_estimate(const Moments                &next,
                        const std::array<Moments, 3> &history,
                        const double                  h,
                        const double                  k,
                        const double                  k2);

  /**
   * The same local error for the density: its L1 norm with the lumped mass
   * @p lumped_mass as quadrature, from @p next and rho^n, rho^{n-1},
   * rho^{n-2} (@p density, @p old_density, @p older_density) over the
   * locally owned unknowns @p owned, summed over @p communicator.
   */
  double
  density_error_estimate(
    const dealii::TrilinosWrappers::MPI::Vector &next,
    const dealii::TrilinosWrappers::MPI::Vector &density,
    const dealii::TrilinosWrappers::MPI::Vector &old_density,
    const dealii::TrilinosWrappers::MPI::Vector &older_density,
    const dealii::TrilinosWrappers::MPI::Vector &lumped_mass,
    const dealii::IndexSet                      &owned,
    const double                                 h,
    const double                                 k,
    const double                                 k2,
    const MPI_Comm                               communicator);
} // namespace kwfp

#endif
