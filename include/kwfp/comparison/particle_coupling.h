#ifndef kwfp_comparison_particle_coupling_h
#define kwfp_comparison_particle_coupling_h

#include <kwfp/particles/particle_solver.h>
#include <kwfp/postprocess/postprocessor.h>

#include <string>

namespace kwfp
{
  /**
   * @brief The particles run beside the finite elements ('Solver = both'),
   * as a postprocessor: at each output time of the finite-element run it
   * advances the particles to that time (ParticleSolver::advance_to, which
   * lands on it exactly), so that the postprocessors after it (the
   * ParticleComparison) see both at one time; it saves and loads the
   * particles with the finite-element checkpoint.
   */
  template <int dim>
  class ParticleCoupling : public Postprocessor<dim>
  {
  public:
    /// Couple @p particles (started or resumed by the caller) to the run.
    explicit ParticleCoupling(ParticleSolver &particles)
      : particles(particles)
    {}

    /// "particles"
    std::string
    name() const override
    {
      return "particles";
    }

    /// Advance the particles to the observation's time.
    void
    execute(FieldObservation<dim> &observation) override
    {
      if (observation.time > particles.current_time())
        particles.advance_to(observation.time);
    }

    /// The particles' state (ParticleSolver::save).
    void
    save(CheckpointWriter &out) const override
    {
      particles.save(out);
    }

    /// The particles' state (ParticleSolver::resume).
    void
    load(CheckpointReader &in) override
    {
      particles.resume(in);
    }

  private:
    ParticleSolver &particles;
  };
} // namespace kwfp

#endif
