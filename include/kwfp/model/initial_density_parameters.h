#ifndef kwfp_model_initial_density_parameters_h
#define kwfp_model_initial_density_parameters_h

#include <kwfp/base/dense_algebra.h>
#include <kwfp/model/initial_density_type.h>

#include <deal.II/base/parameter_handler.h>

#include <map>
#include <string>
#include <vector>

namespace kwfp
{
  /// One coordinate of a product initial density.
  struct CoordinateDistribution
  {
    bool   uniform = false; ///< uniform(a, b), else normal(mean a, sd b)
    double a       = 0;     ///< lower end, or mean
    double b       = 1;     ///< upper end, or standard deviation
  };

  /**
   * "normal(0, 1); uniform(90, 110)": one distribution per coordinate, or
   * one for all @p dimension coordinates. Throws InputError naming
   * 'Initial density/Coordinate distributions'.
   */
  std::vector<CoordinateDistribution>
  parse_coordinate_distributions(const std::string &text,
                                 const unsigned int dimension);

  /// The parameters of subsection 'Initial density': rho_0 of (4.1) (and
  /// the initial ensemble), declared and parsed by the model module.
  struct InitialDensityParameters
  {
    InitialDensityType type = InitialDensityType::gaussian; ///< kind of rho_0
    DenseVector        mean;                                ///< m_0 (Gaussian)
    DenseMatrix        covariance;                          ///< C_0 (Gaussian)
    std::string        expression; ///< unnormalized rho_0 (expression)
    std::map<std::string, double>       constants;   ///< for the expression
    std::vector<CoordinateDistribution> coordinates; ///< product
    double      edge_smoothing = 0; ///< finite elements: U(a,b) * N(0, s^2)
    std::string ensemble_file;      ///< CSV of particles (file)

    /// Declare the entries in the current subsection of @p prm.
    static void
    declare_parameters(dealii::ParameterHandler &prm);

    /**
     * Read them from the current subsection of @p prm for dimension
     * @p dimension; a bad value is an InputError naming @p path followed by
     * the entry. A density the solvers that run cannot start from is an
     * error: 'file' with @p finite_element, 'expression' with
     * @p particles.
     */
    void
    parse_parameters(const dealii::ParameterHandler &prm,
                     const unsigned int              dimension,
                     const bool                      finite_element,
                     const bool                      particles,
                     const std::string              &path = "Initial density/");
  };
} // namespace kwfp

#endif
