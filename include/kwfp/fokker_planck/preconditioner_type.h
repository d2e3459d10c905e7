#ifndef kwfp_fokker_planck_preconditioner_type_h
#define kwfp_fokker_planck_preconditioner_type_h

#include <kwfp/base/named_selection.h>

namespace kwfp
{
  /// The Trilinos preconditioner of the step matrix alpha/dt M + A(C)
  /// ('Linear solver/Preconditioner').
  enum class PreconditionerType
  {
    /// ILU first, ML AMG for the rest of the run once a step needs more
    /// than 60 GMRES iterations with a fresh ILU.
    automatic,
    amg,   ///< ML algebraic multigrid
    ilu,   ///< incomplete LU, ILU(k) in reverse Cuthill-McKee order
    jacobi ///< point Jacobi
  };

  /// The names in parameter files: "auto|AMG|ILU|Jacobi".
  inline const NamedSelection<PreconditionerType> &
  preconditioner_selection()
  {
    static const NamedSelection<PreconditionerType> selection{
      {"auto", PreconditionerType::automatic},
      {"AMG", PreconditionerType::amg},
      {"ILU", PreconditionerType::ilu},
      {"Jacobi", PreconditionerType::jacobi}};
    return selection;
  }
} // namespace kwfp

#endif
