#include <kwfp/forward_model/expression_forward_model.h>
#include <kwfp/forward_model/external_forward_model.h>
#include <kwfp/forward_model/forward_model_factory.h>
#include <kwfp/forward_model/linear_forward_model.h>
#include <kwfp/potential/expression_potential.h>
#include <kwfp/potential/gaussian_mixture_potential.h>
#include <kwfp/potential/inverse_problem_potential.h>
#include <kwfp/potential/logistic_regression_potential.h>
#include <kwfp/potential/potential_factory.h>
#include <kwfp/potential/quadratic_potential.h>

namespace kwfp
{
  std::shared_ptr<const InverseProblem>
  create_inverse_problem(const PotentialParameters &p,
                         const unsigned int         dimension)
  {
    if (p.type != PotentialType::inverse_problem)
      return nullptr;
    std::shared_ptr<const ForwardModel> model;
    if (p.forward_model == "linear")
      model = std::make_shared<LinearForwardModel>(p.forward_matrix);
    else if (p.forward_model == "external")
      {
        model = std::make_shared<ExternalForwardModel>(
          p.external_command,
          dimension,
          p.data.size(),
          p.external_timeout,
          p.external_jacobian_from_command,
          p.external_non_finite_allowed);
      }
    else if (p.forward_model != "expression")
      model = forward_model_registry::create(p.forward_model,
                                             {dimension,
                                              p.observation_points,
                                              p.forward_constants});
    else
      model = std::make_shared<ExpressionForwardModel>(
        dimension,
        p.forward_map,
        p.forward_constants,
        "Potential/Inverse problem/Forward map");
    return std::make_shared<InverseProblem>(
      model, p.data, p.noise_covariance, p.prior_covariance, p.prior_mean);
  }


  std::unique_ptr<Potential>
  create_potential(const PotentialParameters &p, const unsigned int dimension)
  {
    if (p.type == PotentialType::quadratic)
      return std::make_unique<QuadraticPotential>(p.minimizer, p.covariance);
    if (p.type == PotentialType::inverse_problem)
      return std::make_unique<InverseProblemPotential>(
        create_inverse_problem(p, dimension));
    if (p.type == PotentialType::logistic_regression)
      return std::make_unique<LogisticRegressionPotential>(
        LogisticRegressionPotential::from_csv(p.data_file,
                                              dimension,
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
    return std::make_unique<ExpressionPotential>(
      dimension, p.expression, p.gradient, p.constants, "Potential/Expression");
  }
} // namespace kwfp
