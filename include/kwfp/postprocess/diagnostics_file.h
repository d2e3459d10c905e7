#ifndef kwfp_postprocess_diagnostics_file_h
#define kwfp_postprocess_diagnostics_file_h

#include <kwfp/output/diagnostics_csv.h>
#include <kwfp/postprocess/postprocessor_registry.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace kwfp
{
  /**
   * @brief "diagnostics": DIR/diagnostics.csv (DiagnosticsCsv), one row for
   * each DiagnosticsRow that the time loop computes (step 0, every
   * 'Output/Diagnostics interval' steps, the last step and a step after
   * which a signal stopped the run). The time loop computes the rows
   * whether or not this postprocessor is listed (its status lines and the
   * KL-decay samples need them); this one only writes them. Its checkpoint
   * state is the number of rows written.
   */
  template <int dim>
  class DiagnosticsFile : public Postprocessor<dim>
  {
  public:
    /// Built from @p settings (directory, closed form or not).
    explicit DiagnosticsFile(const PostprocessorSettings &settings);

    /// "diagnostics"
    std::string
    name() const override
    {
      return "diagnostics";
    }

    /// Create diagnostics.csv with its header, or (after load()) keep the
    /// rows of the checkpoint and drop those written after it.
    void
    start() override;

    /// Append @p row and flush.
    void
    record(const DiagnosticsRow &row) override;

    /// The number of rows written.
    void
    save(CheckpointWriter &out) const override;

    /// Read what save() wrote.
    void
    load(CheckpointReader &in) override;

  private:
    const PostprocessorSettings     settings;
    std::unique_ptr<DiagnosticsCsv> csv;
    /// The rows of the checkpoint read by load(), until start().
    std::optional<std::uint64_t> resumed_rows;
  };
} // namespace kwfp

#endif
