#ifndef kwfp_potential_potential_factory_h
#define kwfp_potential_potential_factory_h

#include <kwfp/forward_model/inverse_problem.h>
#include <kwfp/potential/potential.h>
#include <kwfp/potential/potential_parameters.h>

#include <memory>

namespace kwfp
{
  /// The inverse problem (1.1)-(1.4) of @p parameters in dimension
  /// @p dimension when 'Potential/Type = inverse problem', else null.
  std::shared_ptr<const InverseProblem>
  create_inverse_problem(const PotentialParameters &parameters,
                         const unsigned int         dimension);

  /// The potential Phi_R that @p parameters describe, in dimension
  /// @p dimension: the one place that builds a Potential from the input.
  std::unique_ptr<Potential>
  create_potential(const PotentialParameters &parameters,
                   const unsigned int         dimension);
} // namespace kwfp

#endif
