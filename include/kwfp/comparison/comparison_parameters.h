#ifndef kwfp_comparison_comparison_parameters_h
#define kwfp_comparison_comparison_parameters_h

#include <deal.II/base/parameter_handler.h>

#include <string>

namespace kwfp
{
  /// The parameters of subsection 'Comparison': the kernel density estimate
  /// of the particles and the window of the KL-decay fit, declared and
  /// parsed by the comparison module.
  struct ComparisonParameters
  {
    std::string bandwidth_rule  = "Scott"; ///< of the KDE
    double      decay_fit_begin = 1;       ///< KL-decay fit window start
    double      decay_fit_end   = 2;       ///< KL-decay fit window end

    /// Declare the entries in the current subsection of @p prm.
    static void
    declare_parameters(dealii::ParameterHandler &prm);

    /// Read them from the current subsection of @p prm; a bad value is an
    /// InputError naming @p path followed by the entry.
    void
    parse_parameters(const dealii::ParameterHandler &prm,
                     const std::string              &path = "Comparison/");
  };
} // namespace kwfp

#endif
