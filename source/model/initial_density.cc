#include <kwfp/model/initial_density.h>

#include <cmath>

namespace kwfp
{
  InitialDensity::InitialDensity(const InitialDensityParameters &p,
                                 const unsigned int              dimension)
  {
    if (p.type == InitialDensityType::gaussian)
      gaussian_density.emplace(p.mean, p.covariance);
    else if (p.type == InitialDensityType::product)
      {
        coordinates = p.coordinates;
        smoothing   = p.edge_smoothing;
      }
    else if (p.type == InitialDensityType::expression)
      expression = std::make_shared<ScalarExpression>(
        p.expression, dimension, p.constants, "Initial density/Expression");
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


  std::optional<std::pair<DenseVector, DenseMatrix>>
  InitialDensity::moments() const
  {
    if (gaussian_density)
      return std::make_pair(gaussian_density->mean(),
                            gaussian_density->covariance());
    if (coordinates.empty())
      return std::nullopt;
    const unsigned int d = coordinates.size();
    DenseVector        mean(d);
    DenseMatrix        covariance(d, d);
    for (unsigned int a = 0; a < d; ++a)
      {
        const auto &c = coordinates[a];
        mean[a]       = c.uniform ? (c.a + c.b) / 2 : c.a;
        covariance(a, a) =
          c.uniform ? (c.b - c.a) * (c.b - c.a) / 12 : c.b * c.b;
      }
    return std::make_pair(mean, covariance);
  }
} // namespace kwfp
