#include <kwfp/output/atomic_file.h>
#include <kwfp/output/pvd_series.h>

#include <deal.II/base/data_out_base.h>
#include <deal.II/base/mpi.h>

#include <iomanip>
#include <sstream>

namespace kwfp
{
  namespace
  {
    /// @p n with leading zeros to @p digits digits.
    std::string
    padded(const unsigned int n, const unsigned int digits)
    {
      std::ostringstream s;
      s << std::setw(digits) << std::setfill('0') << n;
      return s.str();
    }
  } // namespace


  PvdSeries::PvdSeries(const std::string &directory,
                       const std::string &prefix,
                       const MPI_Comm     communicator)
    : directory(directory)
    , prefix(prefix)
    , communicator(communicator)
  {}


  std::string
  PvdSeries::next_base() const
  {
    return prefix + "-" + padded(records.size(), 5);
  }


  std::string
  PvdSeries::piece(const std::string &base, const unsigned int rank)
  {
    return base + "." + padded(rank, 4) + ".vtu";
  }


  std::string
  PvdSeries::path(const std::string &name) const
  {
    return directory + "/" + name;
  }


  void
  PvdSeries::add(const double time)
  {
    records.emplace_back(time, next_base() + ".pvtu");
    write_pvd();
  }


  void
  PvdSeries::resume(const std::vector<std::pair<double, std::string>> &written)
  {
    records = written;
    write_pvd();
  }


  void
  PvdSeries::write_pvd() const
  {
    if (dealii::Utilities::MPI::this_mpi_process(communicator) == 0)
      write_atomically(path(prefix + ".pvd"), [&](std::ostream &out) {
        dealii::DataOutBase::write_pvd_record(out, records);
      });
  }
} // namespace kwfp
