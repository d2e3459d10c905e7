#ifndef kwfp_fokker_planck_linear_solver_parameters_h
#define kwfp_fokker_planck_linear_solver_parameters_h

#include <kwfp/fokker_planck/preconditioner_type.h>

#include <deal.II/base/parameter_handler.h>

#include <string>

namespace kwfp
{
  /// The parameters of subsection 'Linear solver' of StepLinearSolver,
  /// declared and parsed by its module (the application only calls these).
  struct LinearSolverParameters
  {
    double       relative_tolerance = 1e-12; ///< of GMRES
    unsigned int max_iterations     = 1000;  ///< of GMRES
    /// The preconditioner of the step matrix (or 'auto').
    PreconditionerType preconditioner = PreconditionerType::automatic;
    /// Fill level k of ILU(k) (the ILU preconditioner and 'auto').
    unsigned int ilu_fill_level = 0;

    /// Declare the entries in the current subsection of @p prm.
    static void
    declare_parameters(dealii::ParameterHandler &prm);

    /// Read them from the current subsection of @p prm; a bad value is an
    /// InputError naming @p path followed by the entry.
    void
    parse_parameters(const dealii::ParameterHandler &prm,
                     const std::string              &path = "Linear solver/");
  };
} // namespace kwfp

#endif
