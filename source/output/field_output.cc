#include <kwfp/base/errors.h>
#include <kwfp/output/atomic_file.h>
#include <kwfp/output/field_output.h>

#include <deal.II/base/data_out_base.h>
#include <deal.II/base/mpi.h>
#include <deal.II/numerics/data_out.h>

#include <fstream>

namespace kwfp
{
  using namespace dealii;



  namespace
  {
    DataOutBase::VtkFlags::ZlibCompressionLevel
    zlib_level(const std::string &compression)
    {
      if (compression == "best speed")
        return DataOutBase::VtkFlags::best_speed;
      if (compression == "best compression")
        return DataOutBase::VtkFlags::best_compression;
      AssertThrow(compression == "none",
                  ExcMessage("unknown VTU compression '" + compression + "'"));
      return DataOutBase::VtkFlags::no_compression;
    }
  } // namespace


  template <int dim>
  FieldOutput<dim>::FieldOutput(const std::string &directory,
                                const std::string &compression,
                                const MPI_Comm     communicator)
    : PvdSeries(directory, "solution", communicator)
    , communicator(communicator)
    , compression(zlib_level(compression))
  {}


  template <int dim>
  void
  FieldOutput<dim>::write(
    const DoFHandler<dim> &dof_handler,
    const std::vector<
      std::pair<std::string, const TrilinosWrappers::MPI::Vector *>> &fields,
    const double                                                      time,
    const std::vector<std::pair<std::string, const Vector<float> *>>
      &cell_fields)
  {
    const unsigned int rank    = Utilities::MPI::this_mpi_process(communicator);
    const unsigned int n_ranks = Utilities::MPI::n_mpi_processes(communicator);
    const unsigned int counter = written().size();

    DataOut<dim> data_out;
    data_out.attach_dof_handler(dof_handler);
    for (const auto &[name, vector] : fields)
      data_out.add_data_vector(*vector, name);
    const auto   &triangulation = dof_handler.get_triangulation();
    Vector<float> subdomain(triangulation.n_active_cells());
    for (const auto &cell : triangulation.active_cell_iterators())
      if (cell->is_locally_owned())
        subdomain(cell->active_cell_index()) = cell->subdomain_id();
    data_out.add_data_vector(subdomain, "subdomain");
    for (const auto &[name, vector] : cell_fields)
      data_out.add_data_vector(*vector, name, DataOut<dim>::type_cell_data);
    const unsigned int degree = dof_handler.get_fe().degree;
    data_out.build_patches(degree);
    DataOutBase::VtkFlags flags;
    flags.time                     = time;
    flags.cycle                    = counter;
    flags.write_higher_order_cells = degree > 1;
    flags.compression_level        = compression;
    data_out.set_flags(flags);

    const std::string base = PvdSeries::next_base();
    {
      const std::string file = PvdSeries::path(PvdSeries::piece(base, rank));
      std::ofstream     out(file);
      data_out.write_vtu(out);
      if (!out)
        throw RunFailure("cannot write '" + file + "'");
    }
    // All pieces exist before the record that lists them.
    MPI_Barrier(communicator);
    if (rank == 0)
      {
        std::vector<std::string> pieces;
        for (unsigned int r = 0; r < n_ranks; ++r)
          pieces.push_back(PvdSeries::piece(base, r));
        write_atomically(PvdSeries::path(base + ".pvtu"),
                         [&](std::ostream &out) {
                           data_out.write_pvtu_record(out, pieces);
                         });
      }
    PvdSeries::add(time);
  }


  template class FieldOutput<1>;
  template class FieldOutput<2>;
  template class FieldOutput<3>;
} // namespace kwfp
