#ifndef kwfp_fokker_planck_fokker_planck_parameters_h
#define kwfp_fokker_planck_fokker_planck_parameters_h

#include <kwfp/base/dense_algebra.h>
#include <kwfp/comparison/comparison_parameters.h>
#include <kwfp/fokker_planck/diffusion_matrix.h>
#include <kwfp/fokker_planck/linear_solver_parameters.h>
#include <kwfp/fokker_planck/mesh_parameters.h>
#include <kwfp/fokker_planck/time_stepping_parameters.h>
#include <kwfp/model/initial_density_parameters.h>
#include <kwfp/output/output_parameters.h>
#include <kwfp/potential/potential_parameters.h>

namespace kwfp
{
  /**
   * @brief What FokkerPlanckSolver reads: the problem (4.1) (d, C, Phi_R,
   * rho_0) and the subsections of its discretization, time stepping, linear
   * solver, KL-decay fit ('Comparison') and output. Each part is declared
   * and parsed by its module; the application assembles them.
   */
  struct FokkerPlanckParameters
  {
    unsigned int dimension = 2; ///< d (1, 2 or 3 for the finite elements)
    /// The matrix C in (4.1).
    DiffusionMatrixType diffusion_matrix =
      DiffusionMatrixType::kalman_wasserstein;
    DenseMatrix fixed_diffusion_matrix; ///< C for 'Diffusion matrix = fixed'
    PotentialParameters      potential; ///< 'Potential'
    InitialDensityParameters initial_density; ///< 'Initial density'
    MeshParameters           mesh;            ///< 'Mesh'
    TimeSteppingParameters   time_stepping;   ///< 'Time stepping'
    LinearSolverParameters   linear_solver;   ///< 'Linear solver'
    ComparisonParameters     comparison;      ///< 'Comparison' (KL decay)
    OutputParameters         output;          ///< 'Output'
  };
} // namespace kwfp

#endif
