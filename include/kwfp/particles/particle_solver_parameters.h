#ifndef kwfp_particles_particle_solver_parameters_h
#define kwfp_particles_particle_solver_parameters_h

#include <kwfp/model/initial_density_parameters.h>
#include <kwfp/output/output_parameters.h>
#include <kwfp/particles/particle_parameters.h>
#include <kwfp/potential/potential_parameters.h>

namespace kwfp
{
  /**
   * @brief What ParticleSolver reads: d, Phi_R, the initial density, the
   * particle system, the final time and the output. Each part is declared
   * and parsed by its module; the application assembles them.
   */
  struct ParticleSolverParameters
  {
    unsigned int             dimension = 2;   ///< d (any)
    PotentialParameters      potential;       ///< 'Potential'
    InitialDensityParameters initial_density; ///< 'Initial density'
    ParticleParameters       particles;       ///< 'Particles'
    double                   final_time = 2;  ///< 'Time stepping/Final time'
    OutputParameters         output;          ///< 'Output'
  };
} // namespace kwfp

#endif
