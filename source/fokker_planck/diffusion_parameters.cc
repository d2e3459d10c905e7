#include <kwfp/base/errors.h>
#include <kwfp/fokker_planck/diffusion_parameters.h>

namespace kwfp
{
  using namespace dealii;


  void
  DiffusionParameters::declare_parameters(ParameterHandler &prm)
  {
    diffusion_matrix_selection().declare(
      prm,
      "Diffusion matrix",
      "Kalman-Wasserstein",
      "The matrix C in d_t rho = div(C (rho grad Phi_R + grad rho)), (4.1) of "
      "Garbuno-Inigo et al. 2020. 'Kalman-Wasserstein': C = C(rho), the "
      "covariance of the current solution, recomputed every step. "
      "'Wasserstein': C = I (classical Fokker-Planck, Ornstein-Uhlenbeck for "
      "a quadratic Phi_R). 'fixed': C = the matrix 'Fixed diffusion matrix'.");
    prm.declare_entry("Fixed diffusion matrix",
                      "1, 0; 0, 1",
                      Patterns::Anything(),
                      "The symmetric positive definite d x d matrix C used "
                      "when 'Diffusion matrix = fixed'.");
  }


  void
  DiffusionParameters::parse_parameters(const ParameterHandler &prm,
                                        const unsigned int      d,
                                        const std::string      &path)
  {
    diffusion_matrix =
      diffusion_matrix_selection().parse(prm.get("Diffusion matrix"),
                                         path + "Diffusion matrix");
    if (diffusion_matrix == DiffusionMatrixType::fixed)
      fixed_diffusion_matrix =
        parse_spd_matrix(prm.get("Fixed diffusion matrix"),
                         path + "Fixed diffusion matrix",
                         d);
  }
} // namespace kwfp
