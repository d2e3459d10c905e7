// An example of a user forward model in one file: exponential decay
// observed at times t_k ('Observation points'),
//   G(u)_k = u_1 exp(-u_2 t_k),  d = 2.
// Every .cc file in this folder is compiled into the kwfp executable; the
// registration line at the end makes the model available as
//   set Forward model = exponential-decay
// in subsection 'Potential/Inverse problem'. evaluate() is all a model needs
// (the derivative-free particle methods use only it); jacobian() is
// optional (the default uses central differences) and used by the
// finite-element solver and the gradient-based particle methods.

#include <kwfp/base/errors.h>
#include <kwfp/forward_model/forward_model_factory.h>

#include <cmath>

namespace
{
  class ExponentialDecay : public kwfp::ForwardModel
  {
  public:
    explicit ExponentialDecay(const std::vector<double> &times)
      : times(times)
    {}

    unsigned int
    dimension() const override
    {
      return 2;
    }

    unsigned int
    n_data() const override
    {
      return times.size();
    }

    void
    evaluate(const dealii::ArrayView<const double> &u,
             const dealii::ArrayView<double>       &G) const override
    {
      for (unsigned int k = 0; k < times.size(); ++k)
        G[k] = u[0] * std::exp(-u[1] * times[k]);
    }

    std::string
    description() const override
    {
      return "exponential decay u_1 exp(-u_2 t_k) at " +
             std::to_string(times.size()) + " times";
    }

  private:
    const std::vector<double> times;
  };
} // namespace

KWFP_REGISTER_FORWARD_MODEL(
  "exponential-decay",
  "u_1 exp(-u_2 t_k) at the times t_k = 'Observation points'; d = 2",
  [](const kwfp::ForwardModelSettings &s)
    -> std::shared_ptr<const kwfp::ForwardModel> {
    if (s.dimension != 2)
      throw kwfp::InputError("Dimension", "exponential-decay has two unknowns");
    if (s.observation_points.empty())
      throw kwfp::InputError("Potential/Inverse problem/Observation points",
                             "needs at least one time");
    return std::make_shared<ExponentialDecay>(s.observation_points);
  })
