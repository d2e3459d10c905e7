#ifndef kwfp_base_checkpoint_h
#define kwfp_base_checkpoint_h

#include <kwfp/base/dense_algebra.h>

#include <mpi.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

namespace kwfp
{
  /**
   * @brief The state of a run in binary: io(x) appends x.
   *
   * Together with CheckpointReader, whose io(x) reads x back, one function
   * template `template <class Stream> void transfer(Stream &s)` describes a
   * state once for writing and reading. Numbers are stored bit for bit, so
   * that a resumed run continues with exactly the same values.
   */
  class CheckpointWriter
  {
  public:
    ///@{
    /// Append @p x: numbers and enums bit for bit, strings, vectors and
    /// matrices with their sizes first, pairs as their two members.
    template <typename T>
    std::enable_if_t<std::is_arithmetic_v<T> || std::is_enum_v<T>>
    io(const T &x)
    {
      bytes.append(reinterpret_cast<const char *>(&x), sizeof(T));
    }
    void
    io(const std::string &s);
    void
    io(const DenseVector &v);
    void
    io(const DenseMatrix &m);
    template <typename T>
    void
    io(const std::vector<T> &v)
    {
      io(static_cast<std::uint64_t>(v.size()));
      for (const T &x : v)
        io(x);
    }
    template <typename A, typename B>
    void
    io(const std::pair<A, B> &p)
    {
      io(p.first);
      io(p.second);
    }
    /// A vector whose elements @p each(stream, element) writes.
    template <typename T, typename Each>
    void
    io(const std::vector<T> &v, const Each &each)
    {
      io(static_cast<std::uint64_t>(v.size()));
      for (const T &x : v)
        each(*this, x);
    }
    ///@}

    /// io() of each of @p x, in this order: the members of a state listed
    /// once for writing and reading.
    template <typename... T>
    void
    io_each(const T &...x)
    {
      (io(x), ...);
    }

    /// Everything written so far.
    std::string bytes;
  };

  /// Reads what CheckpointWriter wrote; throws RunFailure when it ends early.
  class CheckpointReader
  {
  public:
    /// @p source names the file in messages.
    CheckpointReader(std::string bytes, std::string source);

    ///@{
    /// Read @p x as CheckpointWriter::io() wrote it; throws RunFailure when
    /// the bytes end early or a size is impossible.
    template <typename T>
    std::enable_if_t<std::is_arithmetic_v<T> || std::is_enum_v<T>>
    io(T &x)
    {
      std::memcpy(&x, take(sizeof(T)), sizeof(T));
    }
    void
    io(std::string &s);
    void
    io(DenseVector &v);
    void
    io(DenseMatrix &m);
    template <typename T>
    void
    io(std::vector<T> &v)
    {
      v.resize(read_count());
      for (T &x : v)
        io(x);
    }
    template <typename A, typename B>
    void
    io(std::pair<A, B> &p)
    {
      io(p.first);
      io(p.second);
    }
    /// A vector whose elements @p each(stream, element) reads.
    template <typename T, typename Each>
    void
    io(std::vector<T> &v, const Each &each)
    {
      v.resize(read_count());
      for (T &x : v)
        each(*this, x);
    }
    ///@}

    /// io() of each of @p x, in this order (CheckpointWriter::io_each()).
    template <typename... T>
    void
    io_each(T &...x)
    {
      (io(x), ...);
    }

    /// Throw unless every byte was read.
    void
    expect_end() const;

  private:
    /// Throw if @p n elements cannot follow (a corrupted count).
    void
    check_count(const std::uint64_t n) const;
    /// Read the size of a string, vector or container and check_count() it.
    std::uint64_t
    read_count();
    const char *
    take(const std::size_t n);

    const std::string bytes;
    const std::string source;
    std::size_t       position = 0;
  };

  /**
   * @brief DIR/checkpoint: `state.bin` (the state every rank holds, written
   * by rank 0, after a header) and `rank-NNNN.bin` (what only that rank
   * holds: its cells and unknowns).
   *
   * The header holds the kind of run ("finite-element", "particles"), the
   * dimension, the number of ranks, the kwfp version and a hash of the
   * parameter file; read_checkpoint() rejects a checkpoint that does not
   * match the run that reads it.
   */
  struct CheckpointHeader
  {
    std::string   kind;                ///< "finite-element" or "particles"
    unsigned int  dimension = 0;       ///< d
    unsigned int  n_ranks   = 0;       ///< MPI ranks that wrote it
    std::string   version;             ///< kwfp_version()
    std::uint64_t parameters_hash = 0; ///< FNV-1a of the parameter file
  };

  /// The header for a run of @p kind in @p dimension with @p parameters_text.
  CheckpointHeader
  make_checkpoint_header(const std::string &kind,
                         const unsigned int dimension,
                         const std::string &parameters_text,
                         const MPI_Comm     communicator);

  /**
   * Write the checkpoint into @p directory atomically (collective): every
   * file goes to `checkpoint.new`, and only when all ranks have written
   * theirs is the previous `checkpoint` renamed to `checkpoint.old`,
   * `checkpoint.new` to `checkpoint`, and `checkpoint.old` removed. A kill
   * at any moment leaves a complete checkpoint (`checkpoint`, or
   * `checkpoint.old` between the two renames). @p shared must be the same
   * on every rank. Throws RunFailure on an I/O error (on every rank).
   */
  void
  write_checkpoint(const std::string      &directory,
                   const CheckpointHeader &header,
                   const std::string      &shared,
                   const std::string      &local,
                   const MPI_Comm          communicator);

  /// The name of the file of rank @p rank in a checkpoint directory:
  /// rank-NNNN.bin.
  std::string
  checkpoint_rank_file(const unsigned int rank);

  /// What read_checkpoint() returns: the shared part and the local part
  /// of every rank that wrote it (every rank reads all of them, so that a
  /// run can be resumed with another number of ranks).
  struct CheckpointData
  {
    std::string              shared; ///< state.bin after the header
    std::vector<std::string> local;  ///< rank-NNNN.bin of every writer
    /// The number of ranks that wrote the checkpoint.
    unsigned int n_ranks = 0;
  };

  /**
   * Read the checkpoint in @p directory (`checkpoint`, else
   * `checkpoint.old`) written for @p expected (collective). Throws
   * InputError naming `--resume` when there is none, when it was written
   * by another kwfp version, for another kind of run or dimension, or with
   * other parameters. Another number of ranks is allowed: the results then
   * agree to round-off instead of to the last bit.
   */
  CheckpointData
  read_checkpoint(const std::string      &directory,
                  const CheckpointHeader &expected,
                  const MPI_Comm          communicator);

  /**
   * Resume a run whose whole state every rank holds (no rank-local part,
   * as the particles and the Gaussian closure): read_checkpoint() of
   * @p directory for @p expected, then @p resume reads the shared part,
   * which must end with it (else RunFailure). Collective.
   */
  void
  read_shared_checkpoint(const std::string      &directory,
                         const CheckpointHeader &expected,
                         const std::function<void(CheckpointReader &)> &resume,
                         const MPI_Comm communicator);

  /**
   * @brief When to write a checkpoint: every @p interval steps and when
   * @p minutes of wall-clock time have passed since the last one (either
   * may be 0 for never). due() is collective, so that all ranks agree.
   */
  class CheckpointSchedule
  {
  public:
    /// Every @p interval steps and every @p minutes (0: never).
    CheckpointSchedule(const unsigned int interval, const double minutes);
    /// Is a checkpoint due after @p step? (collective)
    bool
    due(const std::uint64_t step, const MPI_Comm communicator) const;
    /// Restart the wall clock (after a checkpoint was written).
    void
    written();

  private:
    const unsigned int                    interval;
    const double                          minutes;
    std::chrono::steady_clock::time_point last;
  };

  /// The kwfp version that checkpoints record ("0.x.y, git commit").
  std::string
  kwfp_version();
} // namespace kwfp

#endif
