#ifndef kwfp_forward_model_external_forward_model_h
#define kwfp_forward_model_external_forward_model_h

#include <kwfp/base/errors.h>
#include <kwfp/forward_model/forward_model.h>

#include <atomic>
#include <string>

namespace kwfp
{
  /**
   * @brief A failure of the external forward model's command at run time
   * (exit 3). It happens on the rank that called the command only, so the
   * application ends all ranks (MPI_Abort) when there are several.
   */
  class ExternalCommandFailure : public RunFailure
  {
  public:
    /// @p what names the command, the call and the row.
    explicit ExternalCommandFailure(const std::string &what)
      : RunFailure(what)
    {}
  };

  /**
   * @brief A forward map G : R^d -> R^K of (1.1) computed by a program of
   * the user's ('Potential/Inverse problem/Forward model = external').
   *
   * The protocol: kwfp runs `<command> INPUT OUTPUT` with /bin/sh -c (two
   * file names appended, in a temporary directory removed afterwards).
   * INPUT is a CSV file with the header `u1,..,ud` and one row per point
   * (numbers printed with %.17g, so that they read back exactly); the
   * command writes OUTPUT, a CSV file with one row per point, in the same
   * order, of K numbers G_1..G_K (an optional header line, which is any
   * first line that does not start with a number). Its standard output and
   * error are kept and shown (the last lines) when it fails.
   *
   * Every point kwfp needs at once goes into one call: evaluate_rows() is
   * one call for all its rows, evaluate() one call of one row, and
   * evaluate_with_jacobians() one call of n (1 + 2d) rows, the points and
   * their central-difference neighbours u +- h_i e_i with
   * h_i = cbrt(eps) max(1, |u_i|) (error O(h^2) ~ 1e-11 relative).
   *
   * With the Jacobian from the command ('External Jacobian = command')
   * every OUTPUT row has K (1 + d) numbers: G_1..G_K, then DG row by row,
   * dG_1/du_1..dG_1/du_d, .., dG_K/du_1..dG_K/du_d; evaluate_with_jacobians()
   * is then one call of n rows, and evaluate_rows() uses the first K
   * numbers of each row.
   *
   * A failed call stops the run: on one process with an
   * ExternalCommandFailure, on several by MPI_Abort from the rank that made
   * the call (it alone knows, and any collective operation the others wait
   * in would hang), after printing the message. A call fails (exit 3)
   * naming the
   * command, the call number and the row when the command exits with a
   * non-zero status or is killed, runs longer than the timeout (then its
   * process group is killed), writes no OUTPUT, fewer or more rows than
   * points, a row of another width than K, or a number that is not finite.
   */
  class ExternalForwardModel : public ForwardModel
  {
  public:
    /**
     * G of @p dimension unknowns and @p n_data values by @p command, each
     * call stopped after @p timeout seconds; with @p jacobian_from_command
     * the command writes DG after G in every row. A value that is not
     * finite (nan, inf) is an error naming the row, unless
     * @p non_finite_allowed: then it is returned as it is, for a caller
     * that handles it (the particles' 'On forward failure = drop').
     */
    ExternalForwardModel(const std::string &command,
                         const unsigned int dimension,
                         const unsigned int n_data,
                         const double       timeout,
                         const bool         jacobian_from_command = false,
                         const bool         non_finite_allowed    = false);

    unsigned int
    dimension() const override;
    unsigned int
    n_data() const override;
    /// One call with one row.
    void
    evaluate(const dealii::ArrayView<const double> &u,
             const dealii::ArrayView<double>       &G) const override;
    /// One call with all the rows of @p points.
    void
    evaluate_rows(const DenseMatrix &points,
                  DenseMatrix       &values) const override;
    /// One call of 1 + 2d rows (central differences) or of 1 row (the
    /// command's Jacobian).
    DenseMatrix
    jacobian(const dealii::ArrayView<const double> &u) const override;
    /// One call of n (1 + 2d) rows, or of n rows (the command's Jacobian).
    void
    evaluate_with_jacobians(const DenseMatrix        &points,
                            DenseMatrix              &values,
                            std::vector<DenseMatrix> &jacobians) const override;
    std::string
    description() const override;
    /// true: every call starts a process.
    bool
    prefers_one_batch() const override
    {
      return true;
    }

    /// What the external commands cost on this process.
    struct Usage
    {
      unsigned long calls   = 0; ///< calls (processes started)
      unsigned long points  = 0; ///< rows sent
      double        seconds = 0; ///< wall-clock seconds in the commands
    };

    /// The calls of this object so far.
    Usage
    usage() const;

    /// The calls of all external forward models of this process so far.
    static Usage
    total_usage();

    /// When there are several ranks, a failed call prints @p prefix and the
    /// message and ends all ranks with @p exit_code (default: no prefix, 3;
    /// the first call, made while the parameters are read, gives 2 and
    /// names the parameter).
    void
    set_parallel_failure(const int exit_code, const std::string &prefix);

  private:
    /**
     * One call for the rows of @p points, @p values (n x width(): G, and DG
     * after it with the command's Jacobian) from OUTPUT. A failure throws
     * ExternalCommandFailure on one process and ends all of them on
     * several (set_parallel_failure()).
     */
    void
    call_or_stop(const DenseMatrix &points, DenseMatrix &values) const;
    /// One call of the command for the rows of @p points: the protocol and
    /// its checks. Throws ExternalCommandFailure, or another exception when
    /// the temporary files or the process cannot be made.
    void
    call(const DenseMatrix &points, DenseMatrix &values) const;
    /// The numbers in a row of OUTPUT: K, or K (1 + d) with the Jacobian.
    unsigned int
    width() const;
    /// The name of column @p c of OUTPUT: G_k or dG_k/du_i.
    std::string
    column_name(const unsigned int c) const;

    const std::string  command;
    const unsigned int d;
    const unsigned int K;
    const double       timeout;
    /// 'External Jacobian = command': OUTPUT rows carry DG after G.
    const bool jacobian_from_command;
    /// Return values that are not finite instead of failing.
    const bool                         non_finite_allowed;
    mutable std::atomic<unsigned long> calls{0};
    mutable std::atomic<unsigned long> points_sent{0};
    mutable std::atomic<long long>     microseconds{0};
    int                                parallel_exit_code = 3;
    std::string                        parallel_prefix;
  };
} // namespace kwfp

#endif
