#include <kwfp/base/errors.h>
#include <kwfp/forward_model/external_forward_model.h>
#include <kwfp/gaussian_closure/closure_integrator.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace kwfp
{
  ClosureIntegrator::ClosureIntegrator(const GaussianExpectation &expectation,
                                       const ClosureStepControl  &control,
                                       const Gaussian            &initial)
    : own_model(std::make_unique<GaussianClosureModel>(expectation))
    , model(*own_model)
    , control(control)
    , y{ClosureState::from_covariance(initial.mean(), initial.covariance())}
    , h_next(control.time_step)
  {
    initialize();
  }


  ClosureIntegrator::ClosureIntegrator(const ClosureModel              &model,
                                       const ClosureStepControl        &control,
                                       const std::vector<ClosureState> &initial)
    : model(model)
    , control(control)
    , y(initial)
    , h_next(control.time_step)
  {
    initialize();
  }


  void
  ClosureIntegrator::initialize()
  {
    const std::vector<double> w = model.initial_weights();
    if (w.size() != y.size())
      throw std::invalid_argument(
        "ClosureIntegrator: the model and the initial states have different "
        "numbers of components");
    for (unsigned int k = 0; k < y.size(); ++k)
      y[k].weight = w[k];
    try
      {
        e = model.evaluate(y);
      }
    catch (const ExternalCommandFailure &)
      {
        throw; // names the command, the call and the row
      }
    catch (const RunFailure &failure)
      {
        throw RunFailure(std::string("Gaussian closure at t = 0: ") +
                         failure.what());
      }
    evaluations += model.evaluations_per_call();
  }


  void
  ClosureIntegrator::advance_to(const double                 target,
                                const std::function<void()> &on_step,
                                const std::function<bool()> &stop)
  {
    // a step that ends within this of the target lands on it
    const double landing = 1e-12 * std::max(1.0, std::abs(target));
    while (t < target - landing)
      {
        const double remaining = target - t;
        double       h         = std::min(h_next, remaining);
        if (remaining - h < landing)
          h = remaining;
        const RosenbrockStepResult r = rosenbrock_step(model, y, e, h);
        evaluations += model.evaluations_per_call();
        std::ostringstream where;
        where << "Gaussian closure at t = " << t << " (step " << steps + 1
              << ", dt = " << h << "): ";
        if (!control.adaptive)
          {
            if (!r.valid)
              throw RunFailure(where.str() + r.reason +
                               "; shorten 'Gaussian closure/Time step' or "
                               "set 'Gaussian closure/Adaptive time step'");
          }
        else if (!r.valid || r.error > control.tolerance)
          {
            ++rejected;
            h_next =
              r.valid ?
                h *
                  std::max(0.2, 0.9 * std::sqrt(control.tolerance / r.error)) :
                0.25 * h;
            if (h_next < control.minimum_time_step)
              throw RunFailure(where.str() +
                               (r.valid ? "the error estimate stays above "
                                          "the tolerance" :
                                          r.reason) +
                               "; the step fell below the minimum");
            continue;
          }
        try
          {
            e = model.evaluate(r.states);
          }
        catch (const ExternalCommandFailure &)
          {
            throw; // names the command, the call and the row
          }
        catch (const RunFailure &failure)
          {
            throw RunFailure(where.str() + failure.what());
          }
        evaluations += model.evaluations_per_call();
        y      = r.states;
        t      = (h == remaining) ? target : t + h;
        h_last = h;
        ++steps;
        // a step shortened to land on the target leaves the next one as
        // it was
        if (control.adaptive && h >= h_next)
          h_next =
            std::min(control.maximum_time_step,
                     h *
                       (r.error > 0 ?
                          std::min(5.0,
                                   std::max(0.2,
                                            0.9 * std::sqrt(control.tolerance /
                                                            r.error))) :
                          5.0));
        if (on_step)
          on_step();
        if (stop && stop())
          return;
      }
  }


  double
  ClosureIntegrator::time() const
  {
    return t;
  }


  const ClosureState &
  ClosureIntegrator::state() const
  {
    return y[0];
  }


  const std::vector<ClosureState> &
  ClosureIntegrator::states() const
  {
    return y;
  }


  const GaussianExpectations &
  ClosureIntegrator::expectations() const
  {
    return e[0];
  }


  const std::vector<GaussianExpectations> &
  ClosureIntegrator::all_expectations() const
  {
    return e;
  }


  double
  ClosureIntegrator::free_energy() const
  {
    return model.free_energy(y, e);
  }


  std::uint64_t
  ClosureIntegrator::n_steps() const
  {
    return steps;
  }


  std::uint64_t
  ClosureIntegrator::n_rejected() const
  {
    return rejected;
  }


  std::uint64_t
  ClosureIntegrator::n_evaluations() const
  {
    return evaluations;
  }


  double
  ClosureIntegrator::last_step() const
  {
    return h_last;
  }


  void
  ClosureIntegrator::save(CheckpointWriter &out) const
  {
    out.io(t);
    for (const ClosureState &s : y)
      {
        out.io(s.mean);
        out.io(s.precision);
      }
    // the weights only when they evolve (otherwise the model's): a
    // checkpoint with fixed weights is that of before they could evolve
    if (model.weights_evolve())
      for (const ClosureState &s : y)
        out.io(s.weight);
    out.io(h_next);
    out.io(h_last);
    out.io(steps);
    out.io(rejected);
    out.io(evaluations);
  }


  void
  ClosureIntegrator::load(CheckpointReader &in)
  {
    in.io(t);
    for (ClosureState &s : y)
      {
        DenseVector m;
        DenseMatrix P;
        in.io(m);
        in.io(P);
        const double w = s.weight;
        s              = ClosureState::from_precision(m, P);
        s.weight       = w;
      }
    if (model.weights_evolve())
      for (ClosureState &s : y)
        in.io(s.weight);
    in.io(h_next);
    in.io(h_last);
    in.io(steps);
    in.io(rejected);
    in.io(evaluations);
    e = model.evaluate(y);
  }
} // namespace kwfp
