#ifndef kwfp_postprocess_postprocessor_h
#define kwfp_postprocess_postprocessor_h

#include <kwfp/base/checkpoint.h>
#include <kwfp/fokker_planck/field_observation.h>
#include <kwfp/fokker_planck/run_summary.h>
#include <kwfp/output/diagnostics_csv.h>

#include <string>

namespace kwfp
{
  /**
   * @brief What the finite-element solver hands to the postprocessors when
   * its time loop has ended (at T, or after an interruption by a signal).
   */
  template <int dim>
  struct RunEnd
  {
    /// The final mesh and element.
    const dealii::DoFHandler<dim> *dof_handler = nullptr;
    /// The final density (owned entries).
    const dealii::TrilinosWrappers::MPI::Vector *density = nullptr;
    /// Quadrature of the density and of exp(-Phi_R) on the final mesh.
    const DensityDiagnostics<dim> *diagnostics = nullptr;
    /// The run's record; a postprocessor may add its results to it.
    RunSummary *summary = nullptr;
  };


  /**
   * @brief Something done with the finite-element solution: once when the
   * run's outputs are created or continued (start()); with each row of
   * diagnostics the time loop computes (record()); at every output time
   * (step 0, every 'Output/Interval' steps, the last step), where it sees
   * the density and its moments and may add nodal and cell fields to the
   * output (execute(), FieldObservation), after which every postprocessor
   * may write them (write_fields()); and once at the end of the run
   * (RunEnd). The model is ASPECT's postprocessors; the comparison with the
   * particles is one; diagnostics.csv, the fields and the files at the end
   * of a run (postprocessor_registry.h) are others, chosen by name in
   * 'Output/Postprocessors'.
   *
   * A postprocessor with state that a resumed run needs writes it in save()
   * and reads it back in load(), in the same order. The checkpoint holds
   * these states after the solver's own, in the order of the
   * postprocessors, but those of "diagnostics" and "fields" where the
   * solver kept them before they were postprocessors.
   */
  template <int dim>
  class Postprocessor
  {
  public:
    virtual ~Postprocessor() = default;

    /// A short name for messages (e.g. "particle comparison").
    virtual std::string
    name() const = 0;

    /**
     * The output directory of a new run is ready, or (a resumed run) the
     * checkpoint has been read with load(): create or continue the files
     * (collective; nothing by default).
     */
    virtual void
    start()
    {}

    /**
     * A row of diagnostics that the time loop computed (step 0, every
     * 'Output/Diagnostics interval' steps, the last step and a step after
     * which a signal stopped the run; nothing by default; the
     * "diagnostics" postprocessor writes it to diagnostics.csv).
     */
    virtual void
    record(const DiagnosticsRow &)
    {}

    /// Act on the solution at an output time; may add fields (nothing by
    /// default).
    virtual void
    execute(FieldObservation<dim> &)
    {}

    /**
     * After every postprocessor's execute() at an output time, with the
     * fields they added, and for the last good state of a run that broke
     * down (FieldObservation::last_good_state): write the output time's
     * fields (collective; nothing by default; the "fields" postprocessor
     * writes the ParaView files).
     */
    virtual void
    write_fields(const FieldObservation<dim> &)
    {}

    /// Act on the final solution when the time loop has ended (collective;
    /// nothing by default).
    virtual void
    finish(RunEnd<dim> &)
    {}

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
