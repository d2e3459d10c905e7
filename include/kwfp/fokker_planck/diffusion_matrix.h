#ifndef kwfp_fokker_planck_diffusion_matrix_h
#define kwfp_fokker_planck_diffusion_matrix_h

#include <kwfp/base/named_selection.h>

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

  /// The names used in parameter files:
  /// "Kalman-Wasserstein|Wasserstein|fixed".
  inline const NamedSelection<DiffusionMatrixType> &
  diffusion_matrix_selection()
  {
    static const NamedSelection<DiffusionMatrixType> selection{
      {"Kalman-Wasserstein", DiffusionMatrixType::kalman_wasserstein},
      {"Wasserstein", DiffusionMatrixType::wasserstein},
      {"fixed", DiffusionMatrixType::fixed}};
    return selection;
  }
} // namespace kwfp

#endif
