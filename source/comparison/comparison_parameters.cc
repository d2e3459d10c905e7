#include <kwfp/base/dense_algebra.h>
#include <kwfp/base/errors.h>
#include <kwfp/comparison/comparison_parameters.h>

namespace kwfp
{
  using namespace dealii;


  void
  ComparisonParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.declare_entry("Bandwidth rule",
                      "Scott",
                      Patterns::Selection("Scott|Silverman"),
                      "Bandwidth h of the Gaussian kernel density estimate of "
                      "the particles (kernel covariance h^2 C(U)): Scott "
                      "h = J^{-1/(d+4)}, Silverman "
                      "h = (4/(d+2))^{1/(d+4)} J^{-1/(d+4)}.");
    prm.declare_entry("Decay fit window",
                      "1, 2",
                      Patterns::Anything(),
                      "Times t_1, t_2: the exponential decay rate of "
                      "KL(rho(t) || rho_inf) is fitted (least squares of ln "
                      "KL against t) over [t_1, t_2] (written to "
                      "kl_decay.csv).");
  }


  void
  ComparisonParameters::parse_parameters(const ParameterHandler &prm,
                                         const std::string      &path)
  {
    bandwidth_rule = prm.get("Bandwidth rule");
    const std::vector<double> window =
      parse_vector(prm.get("Decay fit window"), path + "Decay fit window", 2);
    if (!(0 <= window[0] && window[0] < window[1]))
      throw InputError(path + "Decay fit window", "needs 0 <= t_1 < t_2");
    decay_fit_begin = window[0];
    decay_fit_end   = window[1];
  }
} // namespace kwfp
