#ifndef kwfp_model_initial_density_h
#define kwfp_model_initial_density_h

#include <kwfp/base/expression.h>
#include <kwfp/gaussian/gaussian.h>
#include <kwfp/model/initial_density_parameters.h>

#include <deal.II/base/array_view.h>

#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace kwfp
{
  /**
   * @brief The initial density rho_0 of (4.1): a Gaussian, an
   * (unnormalized) expression, or a product of normal and uniform densities
   * of the coordinates. Dimension-free.
   */
  class InitialDensity
  {
  public:
    /// The initial density that @p parameters describe, in dimension
    /// @p dimension.
    InitialDensity(const InitialDensityParameters &parameters,
                   const unsigned int              dimension);

    /// rho_0(u) (unnormalized for an expression).
    double
    value(const dealii::ArrayView<const double> &u) const;

    /// The Gaussian, when rho_0 is one.
    const std::optional<Gaussian> &
    gaussian() const;

    /// The mean and covariance of rho_0 when it is a Gaussian or a product
    /// (of the sharp factors: (a + b)/2 and (b - a)^2/12 for uniform(a, b),
    /// without the edge smoothing), else nothing.
    std::optional<std::pair<DenseVector, DenseMatrix>>
    moments() const;

  private:
    std::optional<Gaussian>             gaussian_density;
    std::shared_ptr<ScalarExpression>   expression;
    std::vector<CoordinateDistribution> coordinates;
    /// Standard deviation s of the Gaussian each uniform factor is
    /// convolved with (0: the sharp uniform).
    double smoothing = 0;
  };
} // namespace kwfp

#endif
