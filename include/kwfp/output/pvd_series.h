#ifndef kwfp_output_pvd_series_h
#define kwfp_output_pvd_series_h

#include <mpi.h>

#include <string>
#include <utility>
#include <vector>

namespace kwfp
{
  /**
   * @brief A time series for ParaView: the outputs PREFIX-NNNNN.pvtu (each
   * made of one piece PREFIX-NNNNN.RRRR.vtu per process) listed with their
   * times in DIR/PREFIX.pvd, which is rewritten after every output, so that
   * it names only complete outputs. Used by the fields and the particles.
   */
  class PvdSeries
  {
  public:
    /// The series PREFIX-*.pvtu in @p directory, listed in PREFIX.pvd.
    PvdSeries(const std::string &directory,
              const std::string &prefix,
              const MPI_Comm     communicator);

    /// "PREFIX-NNNNN": the name of the next output without extension.
    std::string
    next_base() const;

    /// "BASE.RRRR.vtu": the piece of process @p rank.
    static std::string
    piece(const std::string &base, const unsigned int rank);

    /// DIR/NAME.
    std::string
    path(const std::string &name) const;

    /**
     * Record next_base().pvtu as the output at @p time and rewrite the
     * .pvd file (process 0). Call once every piece and the .pvtu exist.
     */
    void
    add(const double time);

    /// The outputs written so far: (time, .pvtu file), for a checkpoint.
    const std::vector<std::pair<double, std::string>> &
    written() const
    {
      return records;
    }

    /// Continue after the outputs @p written of a checkpoint: rewrite the
    /// .pvd file without the outputs written after the checkpoint.
    void
    resume(const std::vector<std::pair<double, std::string>> &written);

  private:
    /// Write the .pvd file (process 0).
    void
    write_pvd() const;

    const std::string                           directory;
    const std::string                           prefix;
    const MPI_Comm                              communicator;
    std::vector<std::pair<double, std::string>> records;
  };
} // namespace kwfp

#endif
