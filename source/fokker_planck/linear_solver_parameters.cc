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
    preconditioner_selection().declare(
      prm,
      "Preconditioner",
      "auto",
      "Preconditioner of the step matrix alpha/dt M + A(C): point "
      "Jacobi, incomplete LU (ILU(k) of the step matrix, each process's rows "
      "in reverse Cuthill-McKee order), or ML algebraic multigrid. 'auto' "
      "starts with Jacobi, moves to ILU for the rest of the run when a step "
      "needs more than 20 GMRES iterations even with a fresh Jacobi "
      "(drift-dominated steps), and from ILU to AMG when a step needs more "
      "than 60 even with a fresh ILU (long steps on fine meshes). A "
      "preconditioner is rebuilt from "
      "the current step matrix when the iterations it has cost beyond those "
      "right after its last rebuild add up to the price of a rebuild "
      "(doc/numerics.md, 'Linear solver').");
    prm.declare_entry("ILU fill level",
                      "0",
                      Patterns::Integer(0, 5),
                      "k of ILU(k) of the step matrix: 0 keeps its pattern; "
                      "each level costs more memory and setup and saves "
                      "iterations (in RCM order ILU(0) already needs about 5 "
                      "GMRES iterations a step on the banana target "
                      "at 64^2 Q2).");
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
    ilu_fill_level = prm.get_integer("ILU fill level");
  }
} // namespace kwfp
