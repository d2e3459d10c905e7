// The "diagnostics" postprocessor: diagnostics.csv of a finite-element run.

#include <kwfp/postprocess/diagnostics_file.h>

#include <deal.II/base/exceptions.h>
#include <deal.II/base/mpi.h>

namespace kwfp
{
  template <int dim>
  DiagnosticsFile<dim>::DiagnosticsFile(const PostprocessorSettings &settings)
    : settings(settings)
  {}


  template <int dim>
  void
  DiagnosticsFile<dim>::start()
  {
    csv = std::make_unique<DiagnosticsCsv>(
      settings.output_directory + "/diagnostics.csv",
      dim,
      settings.has_closed_form,
      dealii::Utilities::MPI::this_mpi_process(settings.communicator) == 0,
      resumed_rows);
    resumed_rows.reset();
  }


  template <int dim>
  void
  DiagnosticsFile<dim>::record(const DiagnosticsRow &row)
  {
    Assert(csv != nullptr, dealii::ExcMessage("record() before start()"));
    csv->write(row);
  }


  template <int dim>
  void
  DiagnosticsFile<dim>::save(CheckpointWriter &out) const
  {
    Assert(csv != nullptr, dealii::ExcMessage("save() before start()"));
    out.io(csv->rows());
  }


  template <int dim>
  void
  DiagnosticsFile<dim>::load(CheckpointReader &in)
  {
    std::uint64_t n_rows = 0;
    in.io(n_rows);
    resumed_rows = n_rows;
  }


  template class DiagnosticsFile<1>;
  template class DiagnosticsFile<2>;
  template class DiagnosticsFile<3>;
} // namespace kwfp
