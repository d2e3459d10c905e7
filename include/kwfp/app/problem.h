#ifndef kwfp_app_problem_h
#define kwfp_app_problem_h

#include <kwfp/app/parameters.h>
#include <kwfp/base/expression.h>
#include <kwfp/forward_model/inverse_problem.h>
#include <kwfp/gaussian/gaussian.h>
#include <kwfp/potential/potential.h>

#include <deal.II/base/array_view.h>

#include <memory>
#include <optional>

namespace kwfp
{
  /**
   * @brief The initial density rho_0: a Gaussian, an (unnormalized)
   * expression, or a product of normal and uniform densities of the
   * coordinates. Dimension-free.
   */
  class InitialDensity
  {
  public:
    /// The initial density of 'Initial density' in @p parameters.
    explicit InitialDensity(const Parameters &parameters);

    /// rho_0(u) (unnormalized for an expression).
    double
    value(const dealii::ArrayView<const double> &u) const;

    /// The Gaussian, when rho_0 is one.
    const std::optional<Gaussian> &
    gaussian() const;

  private:
    std::optional<Gaussian>                         gaussian_density;
    std::shared_ptr<ScalarExpression>               expression;
    std::vector<Parameters::CoordinateDistribution> coordinates;
    /// Standard deviation s of the Gaussian each uniform factor is
    /// convolved with (0: the sharp uniform).
    double smoothing = 0;
  };

  /// The inverse problem when 'Potential/Type = inverse problem', else null.
  std::shared_ptr<const InverseProblem>
  create_inverse_problem(const Parameters &parameters);

  /// The potential Phi_R that the parameters describe.
  std::unique_ptr<Potential>
  create_potential(const Parameters &parameters);
} // namespace kwfp

#endif
