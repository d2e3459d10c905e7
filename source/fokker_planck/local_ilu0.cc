#include <kwfp/fokker_planck/local_ilu0.h>

#include <deal.II/base/exceptions.h>

#include <Epetra_CrsMatrix.h>
#include <Epetra_Map.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

namespace kwfp
{
  void
  LocalIlu0::analyse(const Epetra_CrsMatrix &matrix,
                     const std::vector<int> &new_of_old)
  {
    const int n = matrix.NumMyRows();
    AssertThrow(static_cast<int>(new_of_old.size()) == n,
                dealii::ExcMessage("LocalIlu0: the ordering has " +
                                   std::to_string(new_of_old.size()) +
                                   " entries for " + std::to_string(n) +
                                   " rows"));
    old_of_new.assign(n, -1);
    for (int r = 0; r < n; ++r)
      {
        AssertThrow(new_of_old[r] >= 0 && new_of_old[r] < n &&
                      old_of_new[new_of_old[r]] < 0,
                    dealii::ExcMessage("LocalIlu0: the ordering is not a "
                                       "permutation of the local rows"));
        old_of_new[new_of_old[r]] = r;
      }
    // the process's own row of each local column (-1: another process's)
    const int        n_columns = matrix.NumMyCols();
    std::vector<int> own_row_of_column(n_columns);
    for (int c = 0; c < n_columns; ++c)
      own_row_of_column[c] = matrix.RowMap().LID(matrix.ColMap().GID(c));

    for (Triangle *t : {&lower, &upper})
      {
        t->start.assign(1, 0);
        t->column.clear();
        t->position.clear();
      }
    diagonal_position.assign(n, -1);
    row_length.assign(n, 0);
    std::vector<std::pair<int, int>> row; // (new column, place in the row)
    for (int i = 0; i < n; ++i)
      {
        int     length;
        double *row_values;
        int    *row_columns;
        matrix.ExtractMyRowView(old_of_new[i], length, row_values, row_columns);
        row_length[i] = length;
        row.clear();
        for (int k = 0; k < length; ++k)
          if (const int r = own_row_of_column[row_columns[k]]; r >= 0)
            row.emplace_back(new_of_old[r], k);
        std::sort(row.begin(), row.end());
        for (const auto &[j, k] : row)
          if (j == i)
            diagonal_position[i] = k;
          else
            {
              Triangle &t = j < i ? lower : upper;
              t.column.push_back(j);
              t.position.push_back(k);
            }
        AssertThrow(diagonal_position[i] >= 0,
                    dealii::ExcMessage("LocalIlu0: row " + std::to_string(i) +
                                       " has no diagonal entry"));
        for (Triangle *t : {&lower, &upper})
          t->start.push_back(static_cast<int>(t->column.size()));
      }
    lower.values.assign(lower.column.size(), 0.);
    upper.values.assign(upper.column.size(), 0.);
    inverse_diagonal.assign(n, 0.);
    place_in_row.assign(n, -1);
    intermediate.assign(n, 0.);
  }


  int
  LocalIlu0::factor(const Epetra_CrsMatrix &matrix)
  {
    const int n = n_rows();
    AssertThrow(matrix.NumMyRows() == n,
                dealii::ExcMessage("LocalIlu0: the matrix has another number "
                                   "of rows than at analyse()"));
    for (int i = 0; i < n; ++i)
      {
        int     length;
        double *row_values;
        matrix.ExtractMyRowView(old_of_new[i], length, row_values);
        AssertThrow(length == row_length[i],
                    dealii::ExcMessage("LocalIlu0: the matrix's pattern "
                                       "changed since analyse()"));
        for (Triangle *t : {&lower, &upper})
          for (int p = t->start[i]; p < t->start[i + 1]; ++p)
            t->values[p] = row_values[t->position[p]];
        inverse_diagonal[i] = row_values[diagonal_position[i]];
      }
    // IKJ elimination: row i minus its L multiples of the rows of U above,
    // restricted to row i's pattern (place_in_row marks it).
    const int n_lower  = static_cast<int>(lower.values.size());
    double   *L        = lower.values.data();
    double   *U        = upper.values.data();
    int      *place    = place_in_row.data();
    const int diagonal = -2;
    for (int i = 0; i < n; ++i)
      {
        for (int p = lower.start[i]; p < lower.start[i + 1]; ++p)
          place[lower.column[p]] = p;
        for (int p = upper.start[i]; p < upper.start[i + 1]; ++p)
          place[upper.column[p]] = n_lower + p;
        place[i]     = diagonal;
        double pivot = inverse_diagonal[i];
        for (int p = lower.start[i]; p < lower.start[i + 1]; ++p)
          {
            const double l = L[p] * inverse_diagonal[lower.column[p]];
            L[p]           = l;
            const int k    = lower.column[p];
            for (int q = upper.start[k]; q < upper.start[k + 1]; ++q)
              {
                const int at = place[upper.column[q]];
                if (at == diagonal)
                  pivot -= l * U[q];
                else if (at >= n_lower)
                  U[at - n_lower] -= l * U[q];
                else if (at >= 0)
                  L[at] -= l * U[q];
              }
          }
        for (int p = lower.start[i]; p < lower.start[i + 1]; ++p)
          place[lower.column[p]] = -1;
        for (int p = upper.start[i]; p < upper.start[i + 1]; ++p)
          place[upper.column[p]] = -1;
        place[i] = -1;
        if (!(pivot != 0) || !std::isfinite(pivot))
          return old_of_new[i];
        inverse_diagonal[i] = 1. / pivot;
      }
    return -1;
  }


  void
  LocalIlu0::apply(const double *src, double *dst) const
  {
    const int     n  = n_rows();
    double       *z  = intermediate.data();
    const int    *lc = lower.column.data();
    const double *L  = lower.values.data();
    for (int i = 0; i < n; ++i) // L z = P src
      {
        double s = src[old_of_new[i]];
        for (int p = lower.start[i]; p < lower.start[i + 1]; ++p)
          s -= L[p] * z[lc[p]];
        z[i] = s;
      }
    const int    *uc = upper.column.data();
    const double *U  = upper.values.data();
    for (int i = n - 1; i >= 0; --i) // U y = z, dst = P^T y
      {
        double s = z[i];
        for (int p = upper.start[i]; p < upper.start[i + 1]; ++p)
          s -= U[p] * z[uc[p]];
        z[i]               = s * inverse_diagonal[i];
        dst[old_of_new[i]] = z[i];
      }
  }
} // namespace kwfp
