#include <kwfp/base/errors.h>
#include <kwfp/fokker_planck/linear_solver_parameters.h>

namespace kwfp
{
  using namespace dealii;

  void
  LinearSolverParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.declare_entry("Relative tolerance",
                      "1e-12",
                      Patterns::Double(),
                      "GMRES stops when |residual| <= this times |right-hand "
                      "side|. Mass is conserved to about this relative "
                      "accuracy.");
    prm.declare_entry("Maximum iterations",
                      "1000",
                      Patterns::Integer(),
                      "Most GMRES iterations; more is an error.");
    prm.declare_entry("Preconditioner",
                      "auto",
                      Patterns::Selection(preconditioner_selection().pattern()),
                      "Trilinos preconditioner of the step matrix "
                      "alpha/dt M + A(C): point Jacobi (fastest while the "
                      "mass matrix dominates, dt of the order of h^2 or "
                      "less), incomplete LU, or ML algebraic multigrid (for "
                      "steps much longer than h^2). 'auto' starts with "
                      "Jacobi and moves to AMG for the rest of the run as "
                      "soon as a step needs more than 60 GMRES iterations. "
                      "A preconditioner is rebuilt only when GMRES needs 1.5 "
                      "times more iterations than right after its last "
                      "rebuild.");
  }


  void
  LinearSolverParameters::parse_parameters(const ParameterHandler &prm,
                                           const std::string      &path)
  {
    relative_tolerance = prm.get_double("Relative tolerance");
    if (!(relative_tolerance > 0 && relative_tolerance < 1))
      throw InputError(path + "Relative tolerance", "must be between 0 and 1");
    const long iterations = prm.get_integer("Maximum iterations");
    if (iterations < 1)
      throw InputError(path + "Maximum iterations", "must be at least 1");
    max_iterations = iterations;
    preconditioner = preconditioner_selection().parse(prm.get("Preconditioner"),
                                                      path + "Preconditioner");
  }
} // namespace kwfp
