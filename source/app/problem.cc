#include <kwfp/app/problem.h>
#include <kwfp/forward_model/expression_forward_model.h>
#include <kwfp/forward_model/forward_model_factory.h>
#include <kwfp/forward_model/linear_forward_model.h>
#include <kwfp/potential/expression_potential.h>
#include <kwfp/potential/gaussian_mixture_potential.h>
#include <kwfp/potential/inverse_problem_potential.h>
#include <kwfp/potential/logistic_regression_potential.h>
#include <kwfp/potential/quadratic_potential.h>

#include <cmath>

namespace kwfp
{
  InitialDensity::InitialDensity(const Parameters &parameters)
  {
    const auto &p = parameters.initial_density;
    if (p.type == InitialDensityType::gaussian)
      gaussian_density.emplace(p.mean, p.covariance);
    else if (p.type == InitialDensityType::product)
      {
        coordinates = p.coordinates;
        smoothing   = p.edge_smoothing;
      }
    else if (p.type == InitialDensityType::expression)
      expression =
        std::make_shared<ScalarExpression>(p.expression,
                                           parameters.dimension,
                                           p.constants,
                                           "Initial density/Expression");
  }


  double
  InitialDensity::value(const dealii::ArrayView<const double> &u) const
  {
    if (gaussian_density)
      return gaussian_density->density(u);
    if (expression)
      return expression->value(u);
    // product of normal(a, b) and uniform(a, b) densities
    double density = 1;
    for (unsigned int i = 0; i < coordinates.size(); ++i)
      {
        const auto &c = coordinates[i];
        if (c.uniform && smoothing > 0)
          // U(a, b) + N(0, s^2): (Phi((u-a)/s) - Phi((u-b)/s)) / (b - a)
          density *= 0.5 *
                     (std::erfc((u[i] - c.b) / (smoothing * std::sqrt(2.))) -
                      std::erfc((u[i] - c.a) / (smoothing * std::sqrt(2.)))) /
                     (c.b - c.a);
        else if (c.uniform)
          density *= (u[i] >= c.a && u[i] <= c.b) ? 1 / (c.b - c.a) : 0;
        else
          density *= std::exp(-0.5 * std::pow((u[i] - c.a) / c.b, 2)) /
                     (c.b * std::sqrt(2 * M_PI));
      }
    return density;
  }


  const std::optional<Gaussian> &
  InitialDensity::gaussian() const
  {
    return gaussian_density;
  }


  std::shared_ptr<const InverseProblem>
  create_inverse_problem(const Parameters &parameters)
  {
    const auto &p = parameters.potential;
    if (p.type != PotentialType::inverse_problem)
      return nullptr;
    std::shared_ptr<const ForwardModel> model;
    if (p.forward_model == "linear")
      model = std::make_shared<LinearForwardModel>(p.forward_matrix);
    else if (p.forward_model != "expression")
      model = forward_model_registry::create(p.forward_model,
                                             {parameters.dimension,
                                              p.observation_points,
                                              p.forward_constants});
    else
      model = std::make_shared<ExpressionForwardModel>(
        parameters.dimension,
        p.forward_map,
        p.forward_constants,
        "Potential/Inverse problem/Forward map");
    return std::make_shared<InverseProblem>(
      model, p.data, p.noise_covariance, p.prior_covariance, p.prior_mean);
  }


  std::unique_ptr<Potential>
  create_potential(const Parameters &parameters)
  {
    const auto &p = parameters.potential;
    if (p.type == PotentialType::quadratic)
      return std::make_unique<QuadraticPotential>(p.minimizer, p.covariance);
    if (p.type == PotentialType::inverse_problem)
      return std::make_unique<InverseProblemPotential>(
        create_inverse_problem(parameters));
    if (p.type == PotentialType::logistic_regression)
      return std::make_unique<LogisticRegressionPotential>(
        LogisticRegressionPotential::from_csv(p.data_file,
                                              parameters.dimension,
                                              p.prior_variance,
                                              "Potential/Logistic regression/"
                                              "Data file"));
    if (p.type == PotentialType::gaussian_mixture)
      {
        std::vector<DenseVector> means;
        for (unsigned int k = 0; k < p.mixture_means.m(); ++k)
          {
            DenseVector mu(p.mixture_means.n());
            for (unsigned int a = 0; a < mu.size(); ++a)
              mu[a] = p.mixture_means(k, a);
            means.push_back(mu);
          }
        return std::make_unique<GaussianMixturePotential>(
          p.mixture_weights, means, p.mixture_covariances);
      }
    return std::make_unique<ExpressionPotential>(parameters.dimension,
                                                 p.expression,
                                                 p.gradient,
                                                 p.constants,
                                                 "Potential/Expression");
  }
} // namespace kwfp
