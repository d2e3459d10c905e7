#include <kwfp/output/atomic_file.h>
#include <kwfp/output/csv_rows.h>
#include <kwfp/postprocess/end_of_run_files.h>

#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/mapping_q1.h>

#include <map>

namespace kwfp
{
  template <int dim>
  void
  write_nodal_density(const dealii::DoFHandler<dim>               &dof_handler,
                      const dealii::TrilinosWrappers::MPI::Vector &density,
                      const std::string                           &filename,
                      const MPI_Comm                               communicator)
  {
    std::map<dealii::types::global_dof_index, dealii::Point<dim>> points;
    dealii::DoFTools::map_dofs_to_support_points(dealii::MappingQ1<dim>(),
                                                 dof_handler,
                                                 points);
    std::vector<double> local;
    for (const auto i : density.locally_owned_elements())
      {
        for (unsigned int a = 0; a < dim; ++a)
          local.push_back(points[i][a]);
        local.push_back(density[i]);
      }
    const auto all = dealii::Utilities::MPI::gather(communicator, local, 0);
    if (dealii::Utilities::MPI::this_mpi_process(communicator) != 0)
      return;
    write_atomically(filename, [&](std::ostream &out) {
      for (unsigned int a = 0; a < dim; ++a)
        out << "u_" << a + 1 << ',';
      out << "density\n";
      for (const auto &part : all)
        for (std::size_t k = 0; k < part.size(); ++k)
          {
            write_csv_number(out, part[k], false);
            out << ((k + 1) % (dim + 1) == 0 ? '\n' : ',');
          }
    });
  }


  template <int dim>
  FinalDensity<dim>::FinalDensity(const PostprocessorSettings &settings)
    : EndOfRunPostprocessor<dim>("final density", settings)
  {}


  template <int dim>
  void
  FinalDensity<dim>::finish(RunEnd<dim> &end)
  {
    const PostprocessorSettings &s = this->settings;
    Assert(end.dof_handler != nullptr && end.density != nullptr,
           dealii::ExcMessage("RunEnd without mesh or density"));
    write_nodal_density(*end.dof_handler,
                        *end.density,
                        s.output_directory + "/density_final.csv",
                        s.communicator);
  }


#define KWFP_INSTANTIATE(dim)                      \
  template void write_nodal_density<dim>(          \
    const dealii::DoFHandler<dim> &,               \
    const dealii::TrilinosWrappers::MPI::Vector &, \
    const std::string &,                           \
    const MPI_Comm);                               \
  template struct FinalDensity<dim>;

  KWFP_INSTANTIATE(1)
  KWFP_INSTANTIATE(2)
  KWFP_INSTANTIATE(3)
#undef KWFP_INSTANTIATE
} // namespace kwfp
