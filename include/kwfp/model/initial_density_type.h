#ifndef kwfp_model_initial_density_type_h
#define kwfp_model_initial_density_type_h

#include <kwfp/base/named_selection.h>

namespace kwfp
{
  /// The kinds of initial density rho_0 ('Initial density/Type').
  enum class InitialDensityType
  {
    gaussian,   ///< N(m_0, C_0)
    expression, ///< a muparser expression, normalized (finite elements)
    product,    ///< independent coordinates ('Coordinate distributions')
    file        ///< an initial ensemble read from a CSV file (particles)
  };

  /// The names in parameter files: "Gaussian|expression|product|file".
  inline const NamedSelection<InitialDensityType> &
  initial_density_selection()
  {
    static const NamedSelection<InitialDensityType> selection{
      {"Gaussian", InitialDensityType::gaussian},
      {"expression", InitialDensityType::expression},
      {"product", InitialDensityType::product},
      {"file", InitialDensityType::file}};
    return selection;
  }
} // namespace kwfp

#endif
