#ifndef kwfp_fokker_planck_diffusion_parameters_h
#define kwfp_fokker_planck_diffusion_parameters_h

#include <kwfp/base/dense_algebra.h>
#include <kwfp/fokker_planck/diffusion_matrix.h>

#include <deal.II/base/parameter_handler.h>

#include <string>

namespace kwfp
{
  /// The parameters of subsection 'Fokker-Planck equation': the matrix C of
  /// (4.1), declared and parsed by the finite-element module.
  struct DiffusionParameters
  {
    /// The matrix C in (4.1).
    DiffusionMatrixType diffusion_matrix =
      DiffusionMatrixType::kalman_wasserstein;
    DenseMatrix fixed_diffusion_matrix; ///< C for 'Diffusion matrix = fixed'

    /// Declare the entries in the current subsection of @p prm.
    static void
    declare_parameters(dealii::ParameterHandler &prm);

    /// Read them from the current subsection of @p prm for dimension @p d;
    /// a bad value is an InputError naming @p path followed by the entry.
    void
    parse_parameters(const dealii::ParameterHandler &prm,
                     const unsigned int              d,
                     const std::string &path = "Fokker-Planck equation/");
  };
} // namespace kwfp

#endif
