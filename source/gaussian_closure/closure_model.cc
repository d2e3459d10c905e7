#include <kwfp/gaussian_closure/closure_model.h>

namespace kwfp
{
  std::vector<double>
  ClosureModel::initial_weights() const
  {
    return std::vector<double>(n_components(), 1.0 / n_components());
  }


  bool
  ClosureModel::weights_evolve() const
  {
    return false;
  }


  std::vector<double>
  fisher_rao_log_weight_rates(const std::vector<ClosureState>         &states,
                              const std::vector<GaussianExpectations> &e)
  {
    const unsigned int  K = states.size();
    std::vector<double> F(K);
    double              mean_F = 0; // sum_j w_j F_j
    for (unsigned int k = 0; k < K; ++k)
      {
        F[k] = closure_free_energy(states[k], e[k].phi);
        mean_F += states[k].weight * F[k];
      }
    for (double &f : F)
      f = -(f - mean_F);
    return F;
  }


  GaussianClosureModel::GaussianClosureModel(
    const GaussianExpectation &expectation)
    : expectation(expectation)
  {}


  std::vector<GaussianExpectations>
  GaussianClosureModel::evaluate(const std::vector<ClosureState> &states) const
  {
    return {expectation.evaluate(states[0].mean, states[0].covariance)};
  }
} // namespace kwfp
