#ifndef kwfp_potential_potential_type_h
#define kwfp_potential_potential_type_h

#include <kwfp/base/named_selection.h>

namespace kwfp
{
  /// The kinds of Phi_R ('Potential/Type').
  enum class PotentialType
  {
    quadratic,           ///< 1/2 (u - u_0)^T B^{-1} (u - u_0)
    inverse_problem,     ///< (1.4): data misfit of a forward model and prior
    expression,          ///< a muparser expression with its gradient
    logistic_regression, ///< Bayesian logistic regression on a CSV data set
    gaussian_mixture     ///< -log of a Gaussian mixture density
  };

  /// The names in parameter files.
  inline const NamedSelection<PotentialType> &
  potential_selection()
  {
    static const NamedSelection<PotentialType> selection{
      {"quadratic", PotentialType::quadratic},
      {"inverse problem", PotentialType::inverse_problem},
      {"expression", PotentialType::expression},
      {"Gaussian mixture", PotentialType::gaussian_mixture},
      {"logistic regression", PotentialType::logistic_regression}};
    return selection;
  }
} // namespace kwfp

#endif
