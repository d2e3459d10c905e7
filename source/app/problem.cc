#include <kwfp/app/problem.h>
#include <kwfp/potential/expression_potential.h>
#include <kwfp/potential/linear_inverse_problem.h>
#include <kwfp/potential/quadratic_potential.h>

namespace kwfp
{
  InitialDensity::InitialDensity(const Parameters &parameters)
  {
    const auto &p = parameters.initial_density;
    if (p.type == "Gaussian")
      gaussian_density.emplace(p.mean, p.covariance);
    else
      expression =
        std::make_shared<ScalarExpression>(p.expression,
                                           parameters.dimension,
                                           p.constants,
                                           "Initial density/Expression");
  }


  double
  InitialDensity::value(const dealii::ArrayView<const double> &u) const
  {
    return gaussian_density ? gaussian_density->density(u) :
                              expression->value(u);
  }


  const std::optional<Gaussian> &
  InitialDensity::gaussian() const
  {
    return gaussian_density;
  }


  std::unique_ptr<Potential>
  create_potential(const Parameters &parameters)
  {
    const auto &p = parameters.potential;
    if (p.type == "quadratic")
      return std::make_unique<QuadraticPotential>(p.minimizer, p.covariance);
    if (p.type == "linear inverse problem")
      return std::make_unique<LinearInverseProblemPotential>(p.forward_matrix,
                                                             p.data,
                                                             p.noise_covariance,
                                                             p.prior_covariance,
                                                             p.prior_mean);
    return std::make_unique<ExpressionPotential>(parameters.dimension,
                                                 p.expression,
                                                 p.gradient,
                                                 p.constants,
                                                 "Potential/Expression");
  }
} // namespace kwfp
