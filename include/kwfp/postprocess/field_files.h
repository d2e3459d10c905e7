#ifndef kwfp_postprocess_field_files_h
#define kwfp_postprocess_field_files_h

#include <kwfp/output/field_output.h>
#include <kwfp/postprocess/postprocessor_registry.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kwfp
{
  /**
   * @brief "fields": the ParaView output of a finite-element run
   * (FieldOutput: `solution-NNNNN.pvtu`, its `.vtu` pieces and
   * `solution.pvd`) at every output time when 'Output/Interval' > 0, and
   * the last good state of a run that broke down whatever the interval.
   * Nodal fields: `density`, `log10_density` (floor 1e-20),
   * `stationary_density`, with a closed form `exact_density` and `error`
   * (rho_h - rho), then those the other postprocessors added; cell fields:
   * `subdomain` and the others'. Its checkpoint state is the list of
   * outputs in solution.pvd.
   */
  template <int dim>
  class FieldFiles : public Postprocessor<dim>
  {
  public:
    /// Built from @p settings (directory, compression, interval).
    explicit FieldFiles(const PostprocessorSettings &settings);

    /// "fields"
    std::string
    name() const override
    {
      return "fields";
    }

    /// A new series, or (after load()) the series of the checkpoint, with
    /// solution.pvd rewritten without the outputs written after it.
    void
    start() override;

    /// Write the fields of @p observation (if due: see the class).
    void
    write_fields(const FieldObservation<dim> &observation) override;

    /// The outputs of solution.pvd but one written only because of an
    /// interruption (FieldObservation::interrupted).
    void
    save(CheckpointWriter &out) const override;

    /// Read what save() wrote.
    void
    load(CheckpointReader &in) override;

  private:
    const PostprocessorSettings       settings;
    std::unique_ptr<FieldOutput<dim>> output;
    /// The outputs read by load(), until start().
    std::optional<std::vector<std::pair<double, std::string>>> resumed;
    /// How many of the outputs written a resumed run continues from.
    std::size_t n_continued = 0;
  };
} // namespace kwfp

#endif
