#include <kwfp/base/checkpoint.h>
#include <kwfp/base/errors.h>

#include <deal.II/base/mpi.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

namespace kwfp
{
  namespace
  {
    /// Bumped whenever what a checkpoint holds changes.
    constexpr unsigned int format  = 3;
    const char             magic[] = "kwfp checkpoint";

    /// FNV-1a, 64 bit: the same on every machine and build.
    std::uint64_t
    fnv1a(const std::string &text)
    {
      std::uint64_t h = 14695981039346656037ull;
      for (const unsigned char c : text)
        {
          h ^= c;
          h *= 1099511628211ull;
        }
      return h;
    }

    template <class Stream, class Header>
    void
    transfer(Stream &s, Header &h)
    {
      s.io_each(h.kind, h.dimension, h.n_ranks, h.version, h.parameters_hash);
    }

    /// Write @p bytes to @p filename; false on an I/O error.
    bool
    write_file(const std::string &filename, const std::string &bytes)
    {
      std::ofstream out(filename, std::ios::binary);
      out.write(bytes.data(), bytes.size());
      out.flush();
      return static_cast<bool>(out);
    }

    bool
    read_file(const std::string &filename, std::string &bytes)
    {
      std::ifstream in(filename, std::ios::binary);
      if (!in)
        return false;
      std::ostringstream s;
      s << in.rdbuf();
      bytes = s.str();
      return static_cast<bool>(in) || in.eof();
    }

    /// Throw RunFailure on every rank when @p error is set on any.
    void
    agree(const std::string &error, const MPI_Comm communicator)
    {
      for (const std::string &e :
           dealii::Utilities::MPI::all_gather(communicator, error))
        if (!e.empty())
          throw RunFailure(e);
    }
  } // namespace


  std::string
  checkpoint_rank_file(const unsigned int rank)
  {
    std::ostringstream s;
    s << "rank-" << std::setw(4) << std::setfill('0') << rank << ".bin";
    return s.str();
  }


  void
  CheckpointWriter::io(const std::string &s)
  {
    io(static_cast<std::uint64_t>(s.size()));
    bytes += s;
  }


  void
  CheckpointWriter::io(const DenseVector &v)
  {
    io(static_cast<std::uint64_t>(v.size()));
    for (const double x : v)
      io(x);
  }


  void
  CheckpointWriter::io(const DenseMatrix &m)
  {
    io(static_cast<std::uint64_t>(m.m()));
    io(static_cast<std::uint64_t>(m.n()));
    for (unsigned int i = 0; i < m.m(); ++i)
      for (unsigned int j = 0; j < m.n(); ++j)
        io(m(i, j));
  }


  CheckpointReader::CheckpointReader(std::string bytes, std::string source)
    : bytes(std::move(bytes))
    , source(std::move(source))
  {}


  const char *
  CheckpointReader::take(const std::size_t n)
  {
    if (n > bytes.size() - position)
      throw RunFailure("the checkpoint file '" + source +
                       "' ends early (truncated or not written by this "
                       "kwfp)");
    const char *p = bytes.data() + position;
    position += n;
    return p;
  }


  void
  CheckpointReader::check_count(const std::uint64_t n) const
  {
    // Every element takes at least one byte.
    if (n > bytes.size() - position)
      throw RunFailure("the checkpoint file '" + source +
                       "' is corrupted (a count of " + std::to_string(n) +
                       " exceeds its size)");
  }


  std::uint64_t
  CheckpointReader::read_count()
  {
    std::uint64_t n = 0;
    io(n);
    check_count(n);
    return n;
  }


  void
  CheckpointReader::io(std::string &s)
  {
    const std::uint64_t n = read_count();
    s.assign(take(n), n);
  }


  void
  CheckpointReader::io(DenseVector &v)
  {
    v.reinit(read_count());
    for (double &x : v)
      io(x);
  }


  void
  CheckpointReader::io(DenseMatrix &m)
  {
    std::uint64_t rows = 0, columns = 0;
    io(rows);
    io(columns);
    check_count(rows * columns);
    m.reinit(rows, columns);
    for (unsigned int i = 0; i < rows; ++i)
      for (unsigned int j = 0; j < columns; ++j)
        io(m(i, j));
  }


  void
  CheckpointReader::expect_end() const
  {
    if (position != bytes.size())
      throw RunFailure("the checkpoint file '" + source + "' has " +
                       std::to_string(bytes.size() - position) +
                       " bytes more than this kwfp reads (corrupted)");
  }


  std::string
  kwfp_version()
  {
    return std::string(KWFP_VERSION) + ", checkpoint format " +
           std::to_string(format);
  }


  CheckpointHeader
  make_checkpoint_header(const std::string &kind,
                         const unsigned int dimension,
                         const std::string &parameters_text,
                         const MPI_Comm     communicator)
  {
    CheckpointHeader h;
    h.kind            = kind;
    h.dimension       = dimension;
    h.n_ranks         = dealii::Utilities::MPI::n_mpi_processes(communicator);
    h.version         = kwfp_version();
    h.parameters_hash = fnv1a(parameters_text);
    return h;
  }


  void
  write_checkpoint(const std::string      &directory,
                   const CheckpointHeader &header,
                   const std::string      &shared,
                   const std::string      &local,
                   const MPI_Comm          communicator)
  {
    namespace fs = std::filesystem;
    const unsigned int rank =
      dealii::Utilities::MPI::this_mpi_process(communicator);
    const fs::path current = fs::path(directory) / "checkpoint";
    const fs::path fresh   = fs::path(directory) / "checkpoint.new";
    const fs::path old     = fs::path(directory) / "checkpoint.old";

    std::string error;
    if (rank == 0)
      {
        std::error_code ec;
        fs::remove_all(fresh, ec);
        fs::create_directories(fresh, ec);
        if (ec)
          error = "cannot create '" + fresh.string() + "': " + ec.message();
      }
    agree(error, communicator);

    if (!write_file((fresh / checkpoint_rank_file(rank)).string(), local))
      error =
        "cannot write '" + (fresh / checkpoint_rank_file(rank)).string() + "'";
    if (rank == 0)
      {
        CheckpointWriter head;
        head.io(std::string(magic));
        CheckpointHeader h = header;
        transfer(head, h);
        if (!write_file((fresh / "state.bin").string(), head.bytes + shared))
          error = "cannot write '" + (fresh / "state.bin").string() + "'";
      }
    agree(error, communicator);

    if (rank == 0)
      {
        std::error_code ec;
        fs::remove_all(old, ec);
        if (fs::exists(current))
          fs::rename(current, old, ec);
        if (!ec)
          fs::rename(fresh, current, ec);
        if (ec)
          error = "cannot move the new checkpoint into '" + current.string() +
                  "': " + ec.message();
        else
          fs::remove_all(old, ec);
      }
    agree(error, communicator);
  }


  CheckpointData
  read_checkpoint(const std::string      &directory,
                  const CheckpointHeader &expected,
                  const MPI_Comm          communicator)
  {
    namespace fs        = std::filesystem;
    const char *option  = "--resume";
    fs::path    current = fs::path(directory) / "checkpoint";
    if (!fs::exists(current / "state.bin") &&
        fs::exists(fs::path(directory) / "checkpoint.old" / "state.bin"))
      current = fs::path(directory) / "checkpoint.old";
    CheckpointData data;
    std::string    state;
    if (!read_file((current / "state.bin").string(), state))
      throw InputError(option,
                       "there is no checkpoint in '" + directory +
                         "' (no checkpoint/state.bin); it is written by "
                         "'Output/Checkpoint interval', 'Output/Checkpoint "
                         "minutes' and on SIGINT/SIGTERM");
    CheckpointReader head(state, (current / "state.bin").string());
    std::string      m;
    try
      {
        head.io(m);
      }
    catch (const RunFailure &)
      {}
    if (m != magic)
      throw InputError(option,
                       "'" + (current / "state.bin").string() +
                         "' is not a kwfp checkpoint");
    CheckpointHeader found;
    transfer(head, found);
    if (found.version != expected.version)
      throw InputError(option,
                       "the checkpoint in '" + directory +
                         "' was written by kwfp " + found.version +
                         "; this is kwfp " + expected.version +
                         " (run again from the start)");
    if (found.kind != expected.kind || found.dimension != expected.dimension)
      throw InputError(option,
                       "the checkpoint in '" + directory + "' is of a " +
                         found.kind +
                         " run in d = " + std::to_string(found.dimension) +
                         ", not of a " + expected.kind +
                         " run in d = " + std::to_string(expected.dimension));
    if (found.parameters_hash != expected.parameters_hash)
      throw InputError(option,
                       "'" + directory +
                         "/parameters.prm' is not the parameter file the "
                         "checkpoint was written with (it was changed)");
    // The shared part follows the header.
    {
      CheckpointWriter h;
      h.io(std::string(magic));
      CheckpointHeader copy = found;
      transfer(h, copy);
      data.shared = state.substr(h.bytes.size());
    }
    data.n_ranks = found.n_ranks;
    data.local.resize(found.n_ranks);
    std::string error;
    for (unsigned int r = 0; r < found.n_ranks && error.empty(); ++r)
      if (!read_file((current / checkpoint_rank_file(r)).string(),
                     data.local[r]))
        error = "the checkpoint file '" +
                (current / checkpoint_rank_file(r)).string() + "' is missing";
    for (const std::string &e :
         dealii::Utilities::MPI::all_gather(communicator, error))
      if (!e.empty())
        throw InputError(option, e);
    return data;
  }


  void
  read_shared_checkpoint(const std::string      &directory,
                         const CheckpointHeader &expected,
                         const std::function<void(CheckpointReader &)> &resume,
                         const MPI_Comm communicator)
  {
    const CheckpointData data =
      read_checkpoint(directory, expected, communicator);
    CheckpointReader in(data.shared, directory + "/checkpoint/state.bin");
    resume(in);
    in.expect_end();
  }


  CheckpointSchedule::CheckpointSchedule(const unsigned int interval,
                                         const double       minutes)
    : interval(interval)
    , minutes(minutes)
    , last(std::chrono::steady_clock::now())
  {}


  bool
  CheckpointSchedule::due(const std::uint64_t step,
                          const MPI_Comm      communicator) const
  {
    if (interval > 0 && step % interval == 0)
      return true;
    if (minutes <= 0)
      return false;
    const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - last)
        .count();
    // Rank 0's clock decides, so that every rank agrees.
    return dealii::Utilities::MPI::broadcast(communicator,
                                             elapsed >= 60 * minutes,
                                             0);
  }


  void
  CheckpointSchedule::written()
  {
    last = std::chrono::steady_clock::now();
  }
} // namespace kwfp
