#include <kwfp/fokker_planck/time_step_control.h>

#include <deal.II/base/exceptions.h>
#include <deal.II/base/mpi.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace kwfp
{
  TimeStepControl::TimeStepControl(const TimeSteppingParameters &parameters)
    : parameters(parameters)
    , grid(parameters.final_time, parameters.time_step)
  {
    // Read by the adaptive step only (and only checked by the parser then).
    Assert(!parameters.adaptive || parameters.minimum_time_step > 0,
           dealii::ExcMessage("the minimum time step must be positive"));
    Assert(!parameters.adaptive || parameters.error_tolerance > 0,
           dealii::ExcMessage("the error tolerance must be positive"));
  }


  unsigned int
  TimeStepControl::n_fixed_steps() const
  {
    return static_cast<unsigned int>(grid.n_steps());
  }


  double
  TimeStepControl::first_step() const
  {
    return parameters.adaptive ? parameters.time_step : grid.step();
  }


  bool
  TimeStepControl::more_steps(const unsigned int step, const double time) const
  {
    return parameters.adaptive ? time < parameters.final_time * (1 - 1e-12) :
                                 step <= n_fixed_steps();
  }


  double
  TimeStepControl::step_to_try(const double planned, const double time) const
  {
    double dt = planned;
    if (parameters.adaptive)
      {
        // End at T exactly, without a last step much shorter than dt.
        const double left = parameters.final_time - time;
        if (dt >= left || left - dt < 0.1 * dt)
          dt = left;
      }
    Assert(dt > 0, dealii::ExcMessage("a time step must be positive"));
    return dt;
  }


  double
  TimeStepControl::after_solve_failure(const double dt, const double time) const
  {
    // Smaller steps make the system more diagonally dominant.
    return std::min(std::max(parameters.minimum_time_step, dt / 4),
                    parameters.final_time - time);
  }


  bool
  TimeStepControl::accepts(const double estimate, const double dt) const
  {
    return estimate <= 2 * parameters.error_tolerance ||
           dt <= parameters.minimum_time_step * (1 + 1e-12);
  }


  double
  TimeStepControl::after_rejection(const double dt,
                                   const double time,
                                   const double estimate) const
  {
    return std::min(parameters.final_time - time,
                    std::max(parameters.minimum_time_step,
                             dt * std::max(0.2,
                                           0.9 * std::cbrt(
                                                   parameters.error_tolerance /
                                                   estimate))));
  }


  double
  TimeStepControl::next_step(const unsigned int step,
                             const double       dt,
                             const double       estimate) const
  {
    if (!parameters.adaptive)
      return grid.step();
    // Steps 1 and 2 have no estimate: dt stays the given 'Time step', which
    // a stiff start chose small on purpose, until the estimate of step 3
    // decides.
    double factor = step < 3 ? 1. : 2.;
    if (step >= 3 && estimate > 0)
      factor = std::min(
        2.,
        std::max(0.2, 0.9 * std::cbrt(parameters.error_tolerance / estimate)));
    const double dt_maximum = parameters.maximum_time_step > 0 ?
                                parameters.maximum_time_step :
                                parameters.final_time;
    return std::min(dt_maximum,
                    std::max(parameters.minimum_time_step, dt * factor));
  }


  bool
  TimeStepControl::is_last(const unsigned int step,
                           const double       time,
                           const double       dt) const
  {
    // Decided by counting (fixed steps) or by the step that was cut to land
    // on T (adaptive): step * (T / n) rounds below T for some (T, n).
    return parameters.adaptive ? parameters.final_time - (time + dt) <
                                   1e-12 * parameters.final_time :
                                 grid.is_last(step);
  }


  double
  TimeStepControl::time_after(const unsigned int step,
                              const double       time,
                              const double       dt,
                              const bool         last) const
  {
    return parameters.adaptive ? (last ? parameters.final_time : time + dt) :
                                 grid.time(step);
  }


  namespace
  {
    /// The factor h^2 (h + k) (1 + omega) / (1 + 2 omega) of the local
    /// error times the third divided difference (the 6 of both cancels).
    double
    local_error_factor(const double h, const double k)
    {
      const double omega = h / k;
      return h * h * (h + k) * (1 + omega) / (1 + 2 * omega);
    }

    /// y[t_{n+1}, t_n, t_{n-1}, t_{n-2}] of the values @p y0 .. @p y3.
    double
    third_divided_difference(const double y0,
                             const double y1,
                             const double y2,
                             const double y3,
                             const double h,
                             const double k,
                             const double k2)
    {
      const double d10 = (y0 - y1) / h, d21 = (y1 - y2) / k,
                   d32 = (y2 - y3) / k2;
      return ((d10 - d21) / (h + k) - (d21 - d32) / (k + k2)) / (h + k + k2);
    }
  } // namespace


  double
  moment_error_estimate(const Moments                &next,
                        const std::array<Moments, 3> &history,
                        const double                  h,
                        const double                  k,
                        const double                  k2)
  {
    Assert(h > 0 && k > 0 && k2 > 0,
           dealii::ExcMessage("the error estimate needs three positive steps"));
    AssertDimension(next.mean.size(), history[2].mean.size());
    // Unlike the L1 norm of the density this does not see the limiter's
    // switching in steep fronts, which is not smooth in time.
    const double factor = local_error_factor(h, k);
    const auto   dd3 =
      [&](const double y0, const double y1, const double y2, const double y3) {
        return third_divided_difference(y0, y1, y2, y3, h, k, k2);
      };
    const DenseMatrix &C   = next.covariance;
    const unsigned int dim = next.mean.size();
    double             e   = 0;
    for (unsigned int a = 0; a < dim; ++a)
      {
        e = std::max(e,
                     std::abs(factor * dd3(next.mean[a],
                                           history[0].mean[a],
                                           history[1].mean[a],
                                           history[2].mean[a])) /
                       std::sqrt(C(a, a)));
        for (unsigned int b = a; b < dim; ++b)
          e = std::max(e,
                       std::abs(factor * dd3(C(a, b),
                                             history[0].covariance(a, b),
                                             history[1].covariance(a, b),
                                             history[2].covariance(a, b))) /
                         std::sqrt(C(a, a) * C(b, b)));
      }
    return e;
  }


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
    const MPI_Comm                               communicator)
  {
    Assert(h > 0 && k > 0 && k2 > 0,
           dealii::ExcMessage("the error estimate needs three positive steps"));
    AssertDimension(next.size(), older_density.size());
    const double factor = local_error_factor(h, k);
    double       local  = 0;
    for (const auto i : owned)
      local +=
        std::abs(lumped_mass[i]) *
        std::abs(
          factor *
          third_divided_difference(
            next[i], density[i], old_density[i], older_density[i], h, k, k2));
    return dealii::Utilities::MPI::sum(local, communicator);
  }
} // namespace kwfp
