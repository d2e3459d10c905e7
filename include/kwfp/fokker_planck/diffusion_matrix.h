#ifndef kwfp_fokker_planck_diffusion_matrix_h
#define kwfp_fokker_planck_diffusion_matrix_h

#include <string>

namespace kwfp
{
  /**
   * @brief The matrix C in d_t rho = div( C (rho grad Phi_R + grad rho) ),
   * (4.1) of Garbuno-Inigo, Hoffmann, Li, Stuart (2020).
   */
  enum class DiffusionMatrixType
  {
    /// C = C(rho), the covariance of the current solution (the default).
    kalman_wasserstein,
    /// C = I: the classical Fokker-Planck (Ornstein-Uhlenbeck) equation.
    wasserstein,
    /// C a given symmetric positive definite matrix.
    fixed
  };

  /// The names used in parameter files: "Kalman-Wasserstein|Wasserstein|fixed".
  inline std::string
  diffusion_matrix_names()
  {
    return "Kalman-Wasserstein|Wasserstein|fixed";
  }

  inline DiffusionMatrixType
  parse_diffusion_matrix_type(const std::string &name)
  {
    if (name == "Wasserstein")
      return DiffusionMatrixType::wasserstein;
    if (name == "fixed")
      return DiffusionMatrixType::fixed;
    return DiffusionMatrixType::kalman_wasserstein;
  }
} // namespace kwfp

#endif
