#ifndef kwfp_gaussian_closure_gaussian_closure_solver_parameters_h
#define kwfp_gaussian_closure_gaussian_closure_solver_parameters_h

#include <kwfp/gaussian_closure/gaussian_closure_parameters.h>
#include <kwfp/model/initial_density_parameters.h>
#include <kwfp/output/output_parameters.h>
#include <kwfp/potential/potential_parameters.h>

namespace kwfp
{
  /**
   * @brief What GaussianClosureSolver reads: d, Phi_R, the initial density
   * (a Gaussian, or the moments of a product), the closure's own
   * subsection, the final time and the output. The application assembles
   * it from the modules' subsections.
   */
  struct GaussianClosureSolverParameters
  {
    unsigned int              dimension = 2;   ///< d (any)
    PotentialParameters       potential;       ///< 'Potential'
    InitialDensityParameters  initial_density; ///< 'Initial density'
    GaussianClosureParameters closure;         ///< 'Gaussian closure'
    double                    final_time = 2;  ///< 'Time stepping/Final time'
    OutputParameters          output;          ///< 'Output'
  };
} // namespace kwfp

#endif
