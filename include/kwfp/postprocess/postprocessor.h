#ifndef kwfp_postprocess_postprocessor_h
#define kwfp_postprocess_postprocessor_h

#include <kwfp/base/checkpoint.h>
#include <kwfp/fokker_planck/field_observation.h>

#include <string>

namespace kwfp
{
  /**
   * @brief Something done with the finite-element solution at every output
   * time (step 0, every 'Output/Interval' steps and the last step), before
   * its fields are written: it sees the density and its moments and may add
   * nodal and cell fields to the output (FieldObservation). The model is
   * ASPECT's postprocessors; the comparison with the particles is one.
   *
   * A postprocessor with state that a resumed run needs writes it in save()
   * and reads it back in load(), in the same order.
   */
  template <int dim>
  class Postprocessor
  {
  public:
    virtual ~Postprocessor() = default;

    /// A short name for messages (e.g. "particle comparison").
    virtual std::string
    name() const = 0;

    /// Act on the solution at an output time; may add fields.
    virtual void
    execute(FieldObservation<dim> &observation) = 0;

    /// Write the state a resumed run needs (collective; none by default).
    virtual void
    save(CheckpointWriter &) const
    {}

    /// Read what save() wrote (collective).
    virtual void
    load(CheckpointReader &)
    {}
  };
} // namespace kwfp

#endif
