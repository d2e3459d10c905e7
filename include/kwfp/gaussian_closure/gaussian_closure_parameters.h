#ifndef kwfp_gaussian_closure_gaussian_closure_parameters_h
#define kwfp_gaussian_closure_gaussian_closure_parameters_h

#include <kwfp/gaussian_closure/closure_integrator.h>
#include <kwfp/gaussian_closure/cubature.h>
#include <kwfp/gaussian_closure/gaussian_expectations.h>
#include <kwfp/gaussian_closure/mixture_closure_model.h>

#include <deal.II/base/parameter_handler.h>

#include <cstdint>
#include <string>
#include <vector>

namespace kwfp
{
  /**
   * @brief The parameters of subsection 'Gaussian closure': how the
   * closure's expectations are computed (cubature, form) and its time
   * steps, declared and parsed by the closure module.
   */
  struct GaussianClosureParameters
  {
    CubatureType       cubature = CubatureType::gauss_hermite; ///< the rule
    unsigned int       gauss_hermite_points = 3;         ///< n per coordinate
    unsigned int       monte_carlo_samples  = 1000;      ///< N (even)
    unsigned int       smolyak_level        = 3;         ///< l (degree 2l - 1)
    std::uint64_t      seed                 = 1;         ///< Monte Carlo seed
    ExpectationForm    form = ExpectationForm::gradient; ///< derivatives used
    ClosureStepControl step_control;                     ///< time steps
    unsigned int       output_interval = 1; ///< steps between CSV rows
    /// The weights of a Gaussian-mixture closure (empty: one Gaussian,
    /// from 'Initial density').
    std::vector<double>      mixture_weights;
    DenseMatrix              mixture_means; ///< its initial means m_k (rows)
    std::vector<DenseMatrix> mixture_covariances; ///< its initial C_k
    /// How its weights move ('Mixture weight flow').
    MixtureWeightFlow weight_flow = MixtureWeightFlow::fixed;

    /// Declare the entries in the current subsection of @p prm.
    static void
    declare_parameters(dealii::ParameterHandler &prm);

    /**
     * Read them from the current subsection of @p prm for dimension
     * @p dimension; a bad value is an InputError naming @p path followed
     * by the entry (e.g. a Gauss-Hermite rule of more than 1e6 nodes).
     */
    void
    parse_parameters(const dealii::ParameterHandler &prm,
                     const unsigned int              dimension,
                     const std::string &path = "Gaussian closure/");

  private:
    /// 'Mixture weights', 'Mixture means', 'Mixture covariances',
    /// 'Mixture weight flow'.
    void
    parse_mixture(const dealii::ParameterHandler &prm,
                  const unsigned int              dimension,
                  const std::string              &path);
  };

  /// The StandardCubature that @p parameters choose in dimension @p d.
  StandardCubature
  make_cubature(const GaussianClosureParameters &parameters,
                const unsigned int               d);
} // namespace kwfp

#endif
