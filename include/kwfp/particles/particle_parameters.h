#ifndef kwfp_particles_particle_parameters_h
#define kwfp_particles_particle_parameters_h

#include <kwfp/model/initial_density_parameters.h>
#include <kwfp/particles/particle_method.h>

#include <deal.II/base/parameter_handler.h>

#include <cstdint>
#include <string>
#include <vector>

namespace kwfp
{
  /// The parameters of subsection 'Particles': the particle systems of
  /// Sections 3 and 5 of Garbuno-Inigo et al. 2020, declared and parsed by
  /// the particles module.
  struct ParticleParameters
  {
    ParticleMethodSettings settings;              ///< method and integrator
    std::uint64_t          ensemble_size = 1000;  ///< J
    double                 time_step     = 0.001; ///< dt (or dt_0)
    bool          adaptive_time_step = false; ///< dt_n = dt_0/(||D_n|| + delta)
    double        adaptive_delta     = 1e-8;  ///< delta of that rule
    std::uint64_t n_steps            = 0;     ///< 0: run to T
    bool          drop_failed        = false; ///< drop non-finite G
    unsigned int  statistics_interval = 1;    ///< steps between CSV rows
    unsigned int  output_interval     = 10;   ///< steps between clouds
    /// Further particle runs after the main run, one per method, with
    /// the same settings (output in DIRECTORY/particles_METHOD/).
    std::vector<ParticleMethod> additional_methods;
    /// When not empty, the particles are drawn from this product of
    /// coordinate distributions instead of the initial density.
    std::vector<CoordinateDistribution> initial_coordinates;

    /// Declare the entries in the current subsection of @p prm.
    static void
    declare_parameters(dealii::ParameterHandler &prm);

    /// Read 'Also run methods' from the current subsection of @p prm (the
    /// application needs it before the other entries); a bad method is an
    /// InputError naming @p path followed by the entry.
    void
    parse_additional_methods(const dealii::ParameterHandler &prm,
                             const std::string &path = "Particles/");

    /// Read the other entries from the current subsection of @p prm for
    /// dimension @p dimension; a bad value is an InputError naming @p path
    /// followed by the entry.
    void
    parse_parameters(const dealii::ParameterHandler &prm,
                     const unsigned int              dimension,
                     const std::string              &path = "Particles/");
  };
} // namespace kwfp

#endif
