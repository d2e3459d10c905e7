#include <kwfp/base/compensated_sum.h>
#include <kwfp/fokker_planck/kalman_wasserstein_operator.h>
#include <kwfp/fokker_planck/owned_quadrature_points.h>
#include <kwfp/fokker_planck/storage_order_assembly.h>

#ifdef __SSE2__
#  include <emmintrin.h>
#endif

#include <deal.II/base/index_set.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_values.h>

#include <Epetra_CrsMatrix.h>
#include <Epetra_Export.h>
#include <Epetra_Vector.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>

namespace kwfp
{
  using namespace dealii;

  std::vector<double>
  storage_order_values(const TrilinosWrappers::SparseMatrix &m)
  {
    const Epetra_CrsMatrix &e = m.trilinos_matrix();
    std::vector<double>     v;
    v.reserve(e.NumMyNonzeros());
    for (int row = 0; row < e.NumMyRows(); ++row)
      {
        int     n;
        double *row_values;
        e.ExtractMyRowView(row, n, row_values);
        v.insert(v.end(), row_values, row_values + n);
      }
    return v;
  }


  namespace
  {
    /// Overwrite the values of @p m's locally owned rows with @p v (in
    /// storage order, as storage_order_values() gives them).
    void
    set_storage_order_values(const std::vector<double>      &v,
                             TrilinosWrappers::SparseMatrix &m)
    {
      Epetra_CrsMatrix &e = const_cast<Epetra_CrsMatrix &>(m.trilinos_matrix());
      AssertThrow(static_cast<std::size_t>(e.NumMyNonzeros()) == v.size(),
                  ExcMessage("values for another pattern"));
      std::size_t k = 0;
      for (int row = 0; row < e.NumMyRows(); ++row)
        {
          int     n;
          double *row_values;
          e.ExtractMyRowView(row, n, row_values);
          std::copy(v.begin() + k, v.begin() + k + n, row_values);
          k += n;
        }
    }


    /**
     * Add the integrals over the cell of @p fe_values to the cell matrices
     * (grad Phi_R at its quadrature points: the rows from @p first_point of
     * @p potential_gradients):
     * M_ij = int phi_i phi_j, the pieces of (4.1)'s operator
     * P_ab,ij = int (grad phi_j + phi_j grad Phi_R)_b d_a phi_i (symmetrized
     * for a != b), and, when @p local_diffusion is not empty, the diffusion
     * pieces int d_b phi_j d_a phi_i (symmetrized).
     */
    template <int dim>
    void
    integrate_cell(const FEValues<dim>             &fe_values,
                   const DenseMatrix               &potential_gradients,
                   const unsigned int               first_point,
                   FullMatrix<double>              &local_mass,
                   std::vector<FullMatrix<double>> &local_pieces,
                   std::vector<FullMatrix<double>> &local_diffusion)
    {
      const unsigned int          n_dofs = fe_values.get_fe().n_dofs_per_cell();
      std::vector<Tensor<1, dim>> flux(n_dofs);
      const bool                  with_diffusion = !local_diffusion.empty();
      for (const unsigned int q : fe_values.quadrature_point_indices())
        {
          Tensor<1, dim> grad_Phi;
          for (unsigned int a = 0; a < dim; ++a)
            grad_Phi[a] = potential_gradients(first_point + q, a);
          const double JxW = fe_values.JxW(q);
          for (unsigned int j = 0; j < n_dofs; ++j)
            flux[j] = fe_values.shape_grad(j, q) +
                      fe_values.shape_value(j, q) * grad_Phi;
          for (unsigned int i = 0; i < n_dofs; ++i)
            {
              const Tensor<1, dim> grad_v = fe_values.shape_grad(i, q);
              const double         v      = fe_values.shape_value(i, q);
              for (unsigned int j = 0; j < n_dofs; ++j)
                {
                  unsigned int k = 0;
                  for (unsigned int a = 0; a < dim; ++a)
                    for (unsigned int b = a; b < dim; ++b, ++k)
                      local_pieces[k](i, j) +=
                        (a == b ?
                           flux[j][b] * grad_v[a] :
                           flux[j][b] * grad_v[a] + flux[j][a] * grad_v[b]) *
                        JxW;
                }
              // M and the diffusion pieces are symmetric: the upper
              // triangle here, the lower one copied after the loop (the
              // same products, so the same values to the bit)
              for (unsigned int j = i; j < n_dofs; ++j)
                {
                  local_mass(i, j) += v * fe_values.shape_value(j, q) * JxW;
                  if (with_diffusion)
                    {
                      const Tensor<1, dim> grad_u = fe_values.shape_grad(j, q);
                      unsigned int         k      = 0;
                      for (unsigned int a = 0; a < dim; ++a)
                        for (unsigned int b = a; b < dim; ++b, ++k)
                          local_diffusion[k](i, j) +=
                            (a == b ?
                               grad_u[b] * grad_v[a] :
                               grad_u[b] * grad_v[a] + grad_u[a] * grad_v[b]) *
                            JxW;
                    }
                }
            }
        }
      for (unsigned int i = 0; i < n_dofs; ++i)
        for (unsigned int j = 0; j < i; ++j)
          {
            local_mass(i, j) = local_mass(j, i);
            for (auto &d : local_diffusion)
              d(i, j) = d(j, i);
          }
    }
  } // namespace


  namespace
  {
    /**
     * The cell loop of KalmanWassersteinOperator::reinit(): integrate every
     * locally owned cell (integrate_cell(), grad Phi_R at the quadrature
     * points from @p potential_gradients) and sum, in storage order
     * (StorageOrderAssembly), M and the P_ab into @p matrices, or with
     * @p transposes_and_diffusion the P_ab^T (the cell matrices of P_ab,
     * transposed) and the K_ab. Each matrix's sums are the same to the bit
     * whichever of the others are assembled with it (the same terms in the
     * same order).
     */
    template <int dim>
    std::vector<std::vector<double>>
    assemble_cells(
      const DoFHandler<dim>                               &dof_handler,
      const AffineConstraints<double>                     &constraints,
      const Quadrature<dim>                               &quadrature,
      const DenseMatrix                                   &potential_gradients,
      const std::vector<TrilinosWrappers::SparseMatrix *> &matrices,
      const bool transposes_and_diffusion,
      const bool through_trilinos)
    {
      const unsigned int              n_pairs = dim * (dim + 1) / 2;
      const FiniteElement<dim>       &fe      = dof_handler.get_fe();
      FEValues<dim>                   fe_values(fe,
                              quadrature,
                              update_values | update_gradients |
                                update_quadrature_points | update_JxW_values);
      const unsigned int              n_dofs = fe.n_dofs_per_cell();
      FullMatrix<double>              local_mass(n_dofs, n_dofs);
      std::vector<FullMatrix<double>> local_pieces(n_pairs,
                                                   FullMatrix<double>(n_dofs,
                                                                      n_dofs));
      std::vector<FullMatrix<double>> local_diffusion(
        transposes_and_diffusion ? n_pairs : 0,
        FullMatrix<double>(n_dofs, n_dofs));

      std::vector<const FullMatrix<double> *> cell_matrices;
      std::vector<bool>                       transposed;
      if (!transposes_and_diffusion)
        {
          cell_matrices.push_back(&local_mass);
          transposed.push_back(false);
        }
      for (const auto &p : local_pieces)
        {
          cell_matrices.push_back(&p);
          transposed.push_back(transposes_and_diffusion);
        }
      for (const auto &p : local_diffusion)
        {
          cell_matrices.push_back(&p);
          transposed.push_back(false);
        }
      AssertDimension(matrices.size(), cell_matrices.size());
      StorageOrderAssembly assembly(matrices, transposed, through_trilinos);

      std::vector<types::global_dof_index> dof_indices(n_dofs);
      unsigned int                         first_point = 0;
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned())
          {
            // grad Phi_R kept by reinit() must be of this mesh's cells
            AssertThrow(first_point + quadrature.size() <=
                          potential_gradients.m(),
                        ExcMessage("grad Phi_R at the quadrature points is "
                                   "of another mesh"));
            fe_values.reinit(cell);
            local_mass = 0;
            for (auto &p : local_pieces)
              p = 0;
            for (auto &p : local_diffusion)
              p = 0;
            integrate_cell(fe_values,
                           potential_gradients,
                           first_point,
                           local_mass,
                           local_pieces,
                           local_diffusion);
            first_point += quadrature.size();
            cell->get_dof_indices(dof_indices);
            assembly.add_cell(cell_matrices, dof_indices, constraints);
          }
      AssertThrow(first_point == potential_gradients.m(),
                  ExcMessage("grad Phi_R at the quadrature points is of "
                             "another mesh"));
      return assembly.finish();
    }
  } // namespace


  template <int dim>
  void
  KalmanWassersteinOperator<dim>::reinit(
    const DoFHandler<dim>           &dof_handler,
    const AffineConstraints<double> &constraints,
    const Potential                 &potential,
    const Quadrature<dim>           &quadrature,
    const MPI_Comm                   communicator,
    const bool                       for_flux_correction)
  {
    const IndexSet owned = dof_handler.locally_owned_dofs();
    IndexSet       relevant;
    DoFTools::extract_locally_relevant_dofs(dof_handler, relevant);
    sparsity.reinit(owned, owned, relevant, communicator);
    DoFTools::make_sparsity_pattern(dof_handler,
                                    sparsity,
                                    constraints,
                                    false,
                                    Utilities::MPI::this_mpi_process(
                                      communicator));
    sparsity.compress();

    const unsigned int                          n_pairs = dim * (dim + 1) / 2;
    std::vector<TrilinosWrappers::SparseMatrix> pieces(n_pairs);
    // Only cells with constrained unknowns and rows of other processes
    // are added through Trilinos (below): on one process without hanging
    // nodes the pieces need no Trilinos matrix.
    through_trilinos = Utilities::MPI::n_mpi_processes(communicator) > 1 ||
                       constraints.n_constraints() > 0;
    mass.reinit(sparsity);
    if (through_trilinos)
      for (auto &p : pieces)
        p.reinit(sparsity);

    // grad Phi_R at all the quadrature points of the rank's cells in one
    // batch (one call of an external forward model per mesh); kept for
    // assemble_transposed_pieces() when the flux correction may need it
    DenseMatrix potential_gradients;
    potential.gradients(owned_quadrature_points(dof_handler, quadrature),
                        potential_gradients);

    std::vector<TrilinosWrappers::SparseMatrix *> matrices = {&mass};
    for (auto &p : pieces)
      matrices.push_back(&p);
    std::vector<std::vector<double>> sums = assemble_cells(dof_handler,
                                                           constraints,
                                                           quadrature,
                                                           potential_gradients,
                                                           matrices,
                                                           false,
                                                           through_trilinos);
    // mass now holds its final values in place (compressed before by
    // finish(); compressing it again would add other processes' rows twice)
    set_storage_order_values(sums[0], mass);
    values = std::move(sums);

    transposed_values.clear();
    diffusion_piece_values.clear();
    transposes_pending = for_flux_correction;
    pending_gradients.reinit(0, 0);
    if (for_flux_correction)
      {
        pending_gradients  = std::move(potential_gradients);
        pending_quadrature = quadrature;
      }

    std::vector<std::vector<double> *> zeroed;
    for (std::size_t p = 1; p < values.size(); ++p)
      zeroed.push_back(&values[p]);
    zero_constrained_rows(constraints, zeroed);
    compute_column_sums(communicator);
  }


  template <int dim>
  void
  KalmanWassersteinOperator<dim>::assemble_transposed_pieces(
    const DoFHandler<dim>           &dof_handler,
    const AffineConstraints<double> &constraints)
  {
    if (!transposes_pending)
      return;
    const unsigned int                            n_pairs = dim * (dim + 1) / 2;
    std::vector<TrilinosWrappers::SparseMatrix>   transposed_pieces(n_pairs);
    std::vector<TrilinosWrappers::SparseMatrix>   diffusion_pieces(n_pairs);
    std::vector<TrilinosWrappers::SparseMatrix *> matrices;
    for (auto *set : {&transposed_pieces, &diffusion_pieces})
      for (auto &p : *set)
        {
          // the first matrix carries the pattern for StorageOrderAssembly
          if (through_trilinos || matrices.empty())
            p.reinit(sparsity);
          matrices.push_back(&p);
        }
    std::vector<std::vector<double>> sums = assemble_cells(dof_handler,
                                                           constraints,
                                                           pending_quadrature,
                                                           pending_gradients,
                                                           matrices,
                                                           true,
                                                           through_trilinos);
    auto next = std::make_move_iterator(sums.begin());
    transposed_values.assign(next, next + n_pairs);
    diffusion_piece_values.assign(next + n_pairs,
                                  std::make_move_iterator(sums.end()));
    for (const auto &v : transposed_values)
      AssertThrow(v.size() == values[0].size(),
                  ExcMessage("operator pieces with different patterns"));

    std::vector<std::vector<double> *> zeroed;
    for (auto *set : {&transposed_values, &diffusion_piece_values})
      for (auto &v : *set)
        zeroed.push_back(&v);
    zero_constrained_rows(constraints, zeroed);
    transposes_pending = false;
    pending_gradients.reinit(0, 0);
  }


  template <int dim>
  void
  KalmanWassersteinOperator<dim>::zero_constrained_rows(
    const AffineConstraints<double>          &constraints,
    const std::vector<std::vector<double> *> &arrays)
  {
    // Rows of constrained unknowns (hanging nodes): distribute_local_to_
    // global leaves only a diagonal entry in each matrix, of an arbitrary
    // positive size. Keep that of M and zero those of the operator pieces,
    // so that the step matrix has the row (alpha/dt) M_ii on them, whatever
    // C is; their values come from AffineConstraints::distribute() after
    // each solve.
    if (constraints.n_constraints() == 0)
      return;
    const Epetra_CrsMatrix &e     = mass.trilinos_matrix();
    std::size_t             first = 0;
    for (int row = 0; row < e.NumMyRows(); ++row)
      {
        const std::size_t n = e.NumMyEntries(row);
        if (constraints.is_constrained(e.RowMap().GID(row)))
          for (std::vector<double> *v : arrays)
            std::fill_n(v->begin() + first, n, 0.);
        first += n;
      }
  }


  template <int dim>
  void
  KalmanWassersteinOperator<dim>::compute_column_sums(
    const MPI_Comm communicator)
  {
    // The column sums 1^T P_p of every piece as it is stored (constrained
    // rows included), for local_total_of_product(): summed over the local
    // rows into the column map (the pieces share the mass matrix's graph),
    // then added into the owned entries (what a product with the transpose
    // does, without a matrix to hold the values).
    const Epetra_CrsMatrix &graph_of = mass.trilinos_matrix();
    const Epetra_Export     to_owned(graph_of.ColMap(), graph_of.DomainMap());
    column_sums.resize(values.size());
    for (std::size_t p = 0; p < values.size(); ++p)
      {
        Epetra_Vector local_sums(graph_of.ColMap()); // zeros
        std::size_t   offset = 0;
        for (int row = 0; row < graph_of.NumMyRows(); ++row)
          {
            int     n;
            double *row_values;
            int    *row_columns;
            graph_of.ExtractMyRowView(row, n, row_values, row_columns);
            for (int k = 0; k < n; ++k)
              local_sums[row_columns[k]] += values[p][offset + k];
            offset += n;
          }
        column_sums[p].reinit(mass.locally_owned_domain_indices(),
                              communicator);
        const int error =
          column_sums[p].trilinos_vector().Export(local_sums, to_owned, Add);
        AssertThrow(error == 0,
                    ExcMessage("column sums of the operator: Epetra export "
                               "failed"));
      }
  }


  namespace
  {
    /**
     * out[k] = sum_{a <= b} C_ab pieces[p][k], p counting the pairs (a, b)
     * row by row: one pass over the values (each piece read once, @p out
     * written once).
     */
    void
    combine_pieces(const DenseMatrix                      &C,
                   const std::vector<std::vector<double>> &pieces,
                   std::vector<double>                    &out)
    {
      const unsigned int  dim = C.m();
      std::vector<double> factors;
      for (unsigned int a = 0; a < dim; ++a)
        for (unsigned int b = a; b < dim; ++b)
          factors.push_back(C(a, b));
      std::vector<const double *> p;
      for (unsigned int q = 0; q < factors.size(); ++q)
        p.push_back(pieces[q].data());
      const std::size_t n = pieces[0].size();
      out.resize(n);
      double *o = out.data();
      switch (factors.size())
        {
          case 1:
            for (std::size_t k = 0; k < n; ++k)
              o[k] = factors[0] * p[0][k];
            break;
          case 3:
            for (std::size_t k = 0; k < n; ++k)
              o[k] = factors[0] * p[0][k] + factors[1] * p[1][k] +
                     factors[2] * p[2][k];
            break;
          default:
            for (std::size_t k = 0; k < n; ++k)
              {
                double s = factors[0] * p[0][k];
                for (unsigned int q = 1; q < factors.size(); ++q)
                  s += factors[q] * p[q][k];
                o[k] = s;
              }
        }
    }
  } // namespace


  template <int dim>
  void
  KalmanWassersteinOperator<dim>::operator_values(const DenseMatrix &C,
                                                  const std::size_t  begin,
                                                  const std::size_t  end,
                                                  double *values_of_A,
                                                  double *transposed) const
  {
    AssertDimension(C.m(), dim);
    AssertDimension(C.n(), dim);
    AssertThrow(!transposed_values.empty(),
                ExcMessage("the transpose of A(C) is not assembled: call "
                           "assemble_transposed_pieces() first"));
    Assert(begin <= end && end <= values[0].size(),
           ExcIndexRange(end, begin, values[0].size() + 1));
    const std::array<double, n_pieces> factors = step_factors(0., C);
    for (std::size_t k = begin; k < end; ++k)
      {
        double a = 0, t = 0;
        for (unsigned int p = 1; p < n_pieces; ++p)
          {
            a += factors[p] * values[p][k];
            t += factors[p] * transposed_values[p - 1][k];
          }
        values_of_A[k - begin] = a;
        transposed[k - begin]  = t;
      }
  }


  template <int dim>
  void
  KalmanWassersteinOperator<dim>::diffusion_values(
    const DenseMatrix   &C,
    std::vector<double> &values_of_K) const
  {
    AssertDimension(C.m(), dim);
    AssertDimension(C.n(), dim);
    AssertThrow(!diffusion_piece_values.empty(),
                ExcMessage("the diffusion matrices are not assembled: call "
                           "assemble_transposed_pieces() first"));
    combine_pieces(C, diffusion_piece_values, values_of_K);
  }


  template <int dim>
  void
  KalmanWassersteinOperator<dim>::step_matrix(
    const double                    mass_factor,
    const DenseMatrix              &C,
    TrilinosWrappers::SparseMatrix &matrix) const
  {
    AssertDimension(C.m(), dim);
    AssertDimension(C.n(), dim);
    Assert(mass_factor >= 0,
           ExcMessage("the mass factor alpha/dt is negative"));
    write_combination(step_factors(mass_factor, C), matrix);
  }


  template <int dim>
  auto
  KalmanWassersteinOperator<dim>::step_factors(const double       mass_factor,
                                               const DenseMatrix &C) const
    -> std::array<double, n_pieces>
  {
    std::array<double, n_pieces> factors;
    factors[0] = mass_factor;
    for (unsigned int a = 0, p = 1; a < dim; ++a)
      for (unsigned int b = a; b < dim; ++b, ++p)
        factors[p] = C(a, b);
    return factors;
  }


  template <int dim>
  double
  KalmanWassersteinOperator<dim>::local_total_of_product(
    const double                         mass_factor,
    const DenseMatrix                   &C,
    const TrilinosWrappers::MPI::Vector &x) const
  {
    // a local check only (a map comparison would communicate every step):
    // both come from the locally owned dofs
    AssertThrow(column_sums.size() == n_pieces &&
                  x.locally_owned_size() == column_sums[0].locally_owned_size(),
                ExcMessage("local_total_of_product: x is not laid out as "
                           "the operator's columns"));
    const std::array<double, n_pieces>   factors = step_factors(mass_factor, C);
    std::array<const double *, n_pieces> sums;
    for (unsigned int p = 0; p < n_pieces; ++p)
      sums[p] = column_sums[p].trilinos_vector()[0];
    const std::size_t n = x.locally_owned_size();
    combined_column_sums.resize(n);
    for (std::size_t i = 0; i < n; ++i)
      {
        double s = factors[0] * sums[0][i];
        for (unsigned int p = 1; p < n_pieces; ++p)
          s += factors[p] * sums[p][i];
        combined_column_sums[i] = s;
      }
    // compensated: the total hardly depends on the partition
    return compensated_dot(combined_column_sums.data(),
                           x.trilinos_vector()[0],
                           n);
  }


  template <int dim>
  void
  KalmanWassersteinOperator<dim>::write_combination(
    const std::array<double, n_pieces> &factors,
    TrilinosWrappers::SparseMatrix     &matrix) const
  {
    AssertThrow(values.size() == n_pieces, ExcInternalError());
    std::array<const double *, n_pieces> pieces;
    for (unsigned int p = 0; p < n_pieces; ++p)
      pieces[p] = values[p].data();

    // The matrix shares the sparsity pattern, hence the storage order, of
    // the stored pieces: overwrite its values in place.
    Epetra_CrsMatrix &e =
      const_cast<Epetra_CrsMatrix &>(matrix.trilinos_matrix());
    AssertThrow(static_cast<std::size_t>(e.NumMyNonzeros()) == values[0].size(),
                ExcMessage("step matrix without the operator's pattern"));
    // Contiguous storage (after FillComplete with optimized storage): one
    // flat pass with a fixed number of pieces.
    int    *row_offsets, *columns;
    double *all_values;
    if (e.StorageOptimized() &&
        e.ExtractCrsDataPointers(row_offsets, columns, all_values) == 0)
      {
        const std::size_t n           = values[0].size();
        const auto        combination = [&](const std::size_t k) {
          double s = factors[0] * pieces[0][k];
          for (unsigned int p = 1; p < n_pieces; ++p)
            s += factors[p] * pieces[p][k];
          return s;
        };
        std::size_t k = 0;
#ifdef __SSE2__
        // Streaming stores: the old values are not read into the cache
        // first (a sixth less memory traffic in 2-D; the pass is bound by
        // it, more so when the ranks share the memory).
        if (reinterpret_cast<std::uintptr_t>(all_values) % 16 == 0)
          {
            for (; k + 1 < n; k += 2)
              _mm_stream_pd(all_values + k,
                            _mm_set_pd(combination(k + 1), combination(k)));
            _mm_sfence();
          }
#endif
        for (; k < n; ++k)
          all_values[k] = combination(k);
        return;
      }
    std::size_t offset = 0;
    for (int row = 0; row < e.NumMyRows(); ++row)
      {
        int     n;
        double *row_values;
        e.ExtractMyRowView(row, n, row_values);
        for (int k = 0; k < n; ++k)
          {
            double s = factors[0] * pieces[0][offset + k];
            for (unsigned int p = 1; p < n_pieces; ++p)
              s += factors[p] * pieces[p][offset + k];
            row_values[k] = s;
          }
        offset += n;
      }
  }


  template class KalmanWassersteinOperator<1>;
  template class KalmanWassersteinOperator<2>;
  template class KalmanWassersteinOperator<3>;
} // namespace kwfp
