#ifndef kwfp_fokker_planck_time_error_estimate_h
#define kwfp_fokker_planck_time_error_estimate_h

#include <kwfp/base/named_selection.h>

namespace kwfp
{
  /// What the local error of variable-step BDF2 is measured on ('Time
  /// stepping/Error estimate'; doc/numerics.md, "Adaptive time step").
  enum class TimeErrorEstimate
  {
    /// Mean and covariance, each entry relative to the standard deviations.
    moments,
    /// The L1 norm of the density (lumped mass as quadrature).
    density
  };

  /// The names in parameter files: "moments|density".
  inline const NamedSelection<TimeErrorEstimate> &
  time_error_estimate_selection()
  {
    static const NamedSelection<TimeErrorEstimate> selection{
      {"moments", TimeErrorEstimate::moments},
      {"density", TimeErrorEstimate::density}};
    return selection;
  }
} // namespace kwfp

#endif
