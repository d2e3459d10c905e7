#ifndef kwfp_output_posterior_table_h
#define kwfp_output_posterior_table_h

#include <kwfp/base/dense_algebra.h>

#include <string>
#include <vector>

namespace kwfp
{
  /**
   * @brief The posterior mean and covariance as every method of a run
   * estimates them (finite elements at the final time, quadrature of
   * rho_inf = exp(-Phi_R)/Z, random-walk Metropolis, each particle method's
   * final ensemble): posterior_table.csv (`method,mean_1..,cov_1_1..,note`)
   * and posterior_table.md, the table of the paper's Figure 1 comparison.
   */
  class PosteriorTable
  {
  public:
    /// One estimate; @p note says what it is (e.g. the final time).
    void
    add(const std::string &method,
        const DenseVector &mean,
        const DenseMatrix &covariance,
        const std::string &note = "");

    /// True if no row was added.
    bool
    empty() const;

    /// Write both files into @p directory (atomically); call on one rank.
    void
    write(const std::string &directory) const;

  private:
    struct Row
    {
      std::string method;
      DenseVector mean;
      DenseMatrix covariance;
      std::string note;
    };
    std::vector<Row> rows;
  };
} // namespace kwfp

#endif
