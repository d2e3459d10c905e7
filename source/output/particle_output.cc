#include <kwfp/output/atomic_file.h>
#include <kwfp/output/csv_rows.h>
#include <kwfp/output/particle_output.h>

#include <deal.II/base/data_out_base.h>
#include <deal.II/base/mpi.h>

#include <cstdio>
#include <iomanip>
#include <sstream>

namespace kwfp
{


  ParticleOutput::ParticleOutput(const std::string &directory,
                                 const MPI_Comm     communicator)
    : PvdSeries(directory, "particles", communicator)
    , communicator(communicator)
  {}


  void
  ParticleOutput::write(const Ensemble                         &ensemble,
                        const std::vector<std::vector<double>> &phi_r,
                        const double                            time)
  {
    const unsigned int d = ensemble.dimension();
    const unsigned int rank =
      dealii::Utilities::MPI::this_mpi_process(communicator);
    const unsigned int n_ranks =
      dealii::Utilities::MPI::n_mpi_processes(communicator);
    const std::string base = PvdSeries::next_base();

    std::size_t n = 0;
    for (const ParticleBlock &block : ensemble.blocks())
      n += block.size();
    write_atomically(
      PvdSeries::path(PvdSeries::piece(base, rank)), [&](std::ostream &out) {
        out << std::setprecision(17);
        out << "<?xml version=\"1.0\"?>\n"
            << "<VTKFile type=\"UnstructuredGrid\" version=\"0.1\" "
               "byte_order=\"LittleEndian\">\n<UnstructuredGrid>\n"
            << "<Piece NumberOfPoints=\"" << n << "\" NumberOfCells=\"" << n
            << "\">\n<PointData Scalars=\"phi_r\">\n"
            << "<DataArray type=\"Float64\" Name=\"phi_r\" format=\"ascii\">\n";
        for (const auto &values : phi_r)
          for (const double x : values)
            out << x << '\n';
        out << "</DataArray>\n<DataArray type=\"Int64\" Name=\"particle\" "
               "format=\"ascii\">\n";
        for (const ParticleBlock &block : ensemble.blocks())
          for (const auto j : block.index)
            out << j << '\n';
        out << "</DataArray>\n";
        if (d > 3)
          {
            out << "<DataArray type=\"Float64\" Name=\"u\" "
                   "NumberOfComponents=\""
                << d << "\" format=\"ascii\">\n";
            for (const ParticleBlock &block : ensemble.blocks())
              for (unsigned int j = 0; j < block.size(); ++j)
                for (unsigned int i = 0; i < d; ++i)
                  out << block.positions(j, i) << (i + 1 < d ? ' ' : '\n');
            out << "</DataArray>\n";
          }
        out << "</PointData>\n<Points>\n<DataArray type=\"Float64\" "
               "NumberOfComponents=\"3\" format=\"ascii\">\n";
        for (const ParticleBlock &block : ensemble.blocks())
          for (unsigned int j = 0; j < block.size(); ++j)
            for (unsigned int i = 0; i < 3; ++i)
              out << (i < d ? block.positions(j, i) : 0.0)
                  << (i < 2 ? ' ' : '\n');
        out << "</DataArray>\n</Points>\n<Cells>\n"
            << "<DataArray type=\"Int64\" Name=\"connectivity\" "
               "format=\"ascii\">\n";
        for (std::size_t i = 0; i < n; ++i)
          out << i << '\n';
        out << "</DataArray>\n<DataArray type=\"Int64\" Name=\"offsets\" "
               "format=\"ascii\">\n";
        for (std::size_t i = 0; i < n; ++i)
          out << i + 1 << '\n';
        out << "</DataArray>\n<DataArray type=\"UInt8\" Name=\"types\" "
               "format=\"ascii\">\n";
        for (std::size_t i = 0; i < n; ++i)
          out << "1\n";
        out << "</DataArray>\n</Cells>\n</Piece>\n</UnstructuredGrid>\n"
               "</VTKFile>\n";
      });

    // make sure every piece is complete before the .pvtu names it
    MPI_Barrier(communicator);
    if (rank == 0)
      write_atomically(PvdSeries::path(base + ".pvtu"), [&](std::ostream &out) {
        out << "<?xml version=\"1.0\"?>\n"
            << "<VTKFile type=\"PUnstructuredGrid\" version=\"0.1\" "
               "byte_order=\"LittleEndian\">\n"
            << "<PUnstructuredGrid GhostLevel=\"0\">\n"
            << "<PPointData Scalars=\"phi_r\">\n"
            << "<PDataArray type=\"Float64\" Name=\"phi_r\"/>\n"
            << "<PDataArray type=\"Int64\" Name=\"particle\"/>\n";
        if (d > 3)
          out << "<PDataArray type=\"Float64\" Name=\"u\" "
                 "NumberOfComponents=\""
              << d << "\"/>\n";
        out << "</PPointData>\n<PPoints>\n<PDataArray type=\"Float64\" "
               "NumberOfComponents=\"3\"/>\n</PPoints>\n";
        for (unsigned int r = 0; r < n_ranks; ++r)
          out << "<Piece Source=\"" << PvdSeries::piece(base, r) << "\"/>\n";
        out << "</PUnstructuredGrid>\n</VTKFile>\n";
      });
    PvdSeries::add(time);
  }


  void
  ParticleOutput::write_final_ensemble(const std::string &filename,
                                       const Ensemble    &ensemble)
  {
    const DenseMatrix U       = ensemble.gather();
    const auto        indices = ensemble.gather_indices();
    if (dealii::Utilities::MPI::this_mpi_process(ensemble.communicator()) != 0)
      return;
    const unsigned int d = ensemble.dimension();
    write_atomically(filename, [&](std::ostream &out) {
      out << "particle";
      for (unsigned int i = 0; i < d; ++i)
        out << ",u_" << i + 1;
      out << '\n';
      for (unsigned int j = 0; j < U.m(); ++j)
        {
          out << indices[j];
          for (unsigned int i = 0; i < d; ++i)
            write_csv_number(out, U(j, i));
          out << '\n';
        }
    });
  }
} // namespace kwfp
