#ifndef kwfp_output_field_output_h
#define kwfp_output_field_output_h

#include <kwfp/output/pvd_series.h>

#include <deal.II/base/data_out_base.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/lac/trilinos_vector.h>
#include <deal.II/lac/vector.h>

#include <string>
#include <utility>
#include <vector>

namespace kwfp
{
  /**
   * @brief The ParaView output: `solution-NNNNN.pvtu` with one
   * `solution-NNNNN.RRRR.vtu` per rank, and `solution.pvd` listing every
   * output with its time. The .pvtu and .pvd are written under a temporary
   * name and renamed, so that each is complete at every moment.
   */
  template <int dim>
  class FieldOutput : private PvdSeries
  {
  public:
    /// Write into @p directory (the .pvd file and the VTU pieces), with the
    /// zlib level @p compression ("best speed", "best compression" or
    /// "none", 'Output/Compression').
    FieldOutput(const std::string &directory,
                const std::string &compression,
                const MPI_Comm     communicator);

    /**
     * Write the nodal fields @p fields (name, vector with ghost entries) on
     * @p dof_handler at @p time, plus the cell field `subdomain` and the
     * cell fields @p cell_fields (one value per active cell, set on the
     * locally owned ones).
     */
    void
    write(
      const dealii::DoFHandler<dim> &dof_handler,
      const std::vector<
        std::pair<std::string, const dealii::TrilinosWrappers::MPI::Vector *>>
                  &fields,
      const double time,
      const std::vector<std::pair<std::string, const dealii::Vector<float> *>>
        &cell_fields = {});

    /// The outputs written so far (PvdSeries::written()), and resume()
    /// after a checkpoint's (solution.pvd rewritten without the later ones).
    using PvdSeries::resume;
    using PvdSeries::written;

  private:
    const MPI_Comm                                            communicator;
    const dealii::DataOutBase::VtkFlags::ZlibCompressionLevel compression;
  };
} // namespace kwfp

#endif
