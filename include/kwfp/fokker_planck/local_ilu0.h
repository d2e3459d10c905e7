#ifndef kwfp_fokker_planck_local_ilu0_h
#define kwfp_fokker_planck_local_ilu0_h

#include <vector>

class Epetra_CrsMatrix;

namespace kwfp
{
  /**
   * @brief ILU(0) of the block of a Trilinos matrix that couples a process's
   * own rows with its own columns, in a given ordering of these rows: what
   * Ifpack's additive Schwarz without overlap with ILU(0) computes.
   *
   * The factors have the matrix's pattern (level of fill 0): with A the
   * reordered local block, A = L U + E, L unit lower triangular, U upper
   * triangular, E zero on the pattern (the IKJ variant of Saad, "Iterative
   * Methods for Sparse Linear Systems", Algorithm 10.4). analyse() builds
   * the reordered pattern once per matrix pattern; factor() needs one pass
   * over the matrix's values and the elimination, with no search in the
   * rows (Ifpack's ILU copies the values into its L, D and U matrices by
   * binary searches each time). apply() is one forward and one backward
   * substitution over L and U stored apart, the permutations folded into
   * them.
   */
  class LocalIlu0
  {
  public:
    /**
     * The pattern of @p matrix's local block with row and column r numbered
     * @p new_of_old[r] (a permutation of the local rows).
     */
    void
    analyse(const Epetra_CrsMatrix &matrix, const std::vector<int> &new_of_old);

    /**
     * Factor the local block of @p matrix (the pattern of analyse()) from
     * its current values. Returns -1, or the process's own row (the
     * matrix's local row) whose pivot is zero or not finite; the factors are
     * then incomplete, and factor() must succeed before apply().
     */
    int
    factor(const Epetra_CrsMatrix &matrix);

    /// @p dst = (L U)^{-1} @p src in the process's own numbering (the
    /// locally owned values of a vector); @p src and @p dst may not
    /// overlap.
    void
    apply(const double *src, double *dst) const;

    /// Number of local rows (0 before analyse()).
    int
    n_rows() const
    {
      return static_cast<int>(old_of_new.size());
    }

  private:
    /// One triangle of the reordered pattern: row i's entries are start[i]
    /// .. start[i+1] - 1, their columns ascending; position[p] is where
    /// entry p's value stands in row old_of_new[i] of the matrix.
    struct Triangle
    {
      std::vector<int>    start, column, position;
      std::vector<double> values;
    };
    /// L strictly below the diagonal (unit diagonal implied) and U strictly
    /// above it, each contiguous in the order the substitutions read them.
    Triangle lower, upper;
    /// Where the diagonal of reordered row i stands in the matrix's row,
    /// and that row's length (checked by factor()).
    std::vector<int> diagonal_position, row_length;
    /// The diagonal of U during factor(), then 1 / U_ii.
    std::vector<double> inverse_diagonal;
    /// The process's own row of reordered row i.
    std::vector<int> old_of_new;
    /// Row i's entry at a column during factor(): an index into lower
    /// (< lower size), into upper (shifted by the size of lower), the
    /// diagonal (-2), or none (-1).
    std::vector<int> place_in_row;
    /// The forward substitution's result: work space of apply().
    mutable std::vector<double> intermediate;
  };
} // namespace kwfp

#endif
