#include <kwfp/gaussian_closure/closure_model.h>

namespace kwfp
{
  GaussianClosureModel::GaussianClosureModel(
    const GaussianExpectation &expectation)
    : expectation(expectation)
  {}


  unsigned int
  GaussianClosureModel::n_components() const
  {
    return 1;
  }


  std::vector<GaussianExpectations>
  GaussianClosureModel::evaluate(const std::vector<ClosureState> &states) const
  {
    return {expectation.evaluate(states[0].mean, states[0].covariance)};
  }


  double
  GaussianClosureModel::free_energy(
    const std::vector<ClosureState>         &states,
    const std::vector<GaussianExpectations> &e) const
  {
    return closure_free_energy(states[0], e[0].phi);
  }


  unsigned int
  GaussianClosureModel::evaluations_per_call() const
  {
    return expectation.evaluations_per_call();
  }
} // namespace kwfp
