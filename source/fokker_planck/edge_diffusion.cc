#include <kwfp/fokker_planck/edge_diffusion.h>

#include <deal.II/base/mpi.h>
#include <deal.II/fe/fe.h>
#include <deal.II/fe/fe_q.h>

#include <Epetra_CrsMatrix.h>

#include <cmath>

namespace kwfp
{
  using namespace dealii;

  template <int dim>
  bool
  EdgeDiffusion<dim>::applies_to(const DoFHandler<dim> &dof_handler)
  {
    const FiniteElement<dim> &fe = dof_handler.get_fe();
    if (fe.degree != 1 || fe.n_components() != 1 ||
        dynamic_cast<const FE_Q<dim> *>(&fe) == nullptr)
      return false;
    // Axis-parallel boxes: vertex v differs from vertex 0 exactly in the
    // coordinates of the set bits of v.
    bool boxes = true;
    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          const Point<dim> &origin = cell->vertex(0);
          const double      size   = cell->diameter();
          for (unsigned int v = 1; v < GeometryInfo<dim>::vertices_per_cell;
               ++v)
            for (unsigned int a = 0; a < dim; ++a)
              if (!((v >> a) & 1) &&
                  std::abs(cell->vertex(v)[a] - origin[a]) > 1e-12 * size)
                boxes = false;
        }
    const MPI_Comm comm = dof_handler.get_communicator();
    return Utilities::MPI::min(boxes ? 1 : 0, comm) == 1;
  }


  template <int dim>
  FullMatrix<double>
  EdgeDiffusion<dim>::cell_matrix(const DenseMatrix &C, const Tensor<1, dim> &h)
  {
    AssertDimension(C.m(), dim);
    AssertDimension(C.n(), dim);
    constexpr unsigned int n_vertices = GeometryInfo<dim>::vertices_per_cell;
    double                 volume     = 1;
    for (unsigned int a = 0; a < dim; ++a)
      volume *= h[a];
    // Copies of each edge direction in a cell.
    const double axis_copies     = 1 << (dim - 1);
    const double diagonal_copies = dim >= 2 ? 1 << (dim - 2) : 1;

    double axis_weight[dim];
    for (unsigned int a = 0; a < dim; ++a)
      {
        double w = volume * C(a, a);
        for (unsigned int b = 0; b < dim; ++b)
          if (b != a)
            w -= volume * std::abs(C(a, b)) * h[a] / h[b];
        axis_weight[a] = std::max(0., w) / (axis_copies * h[a] * h[a]);
      }

    FullMatrix<double> local(n_vertices, n_vertices);
    for (unsigned int u = 0; u < n_vertices; ++u)
      for (unsigned int v = u + 1; v < n_vertices; ++v)
        {
          const unsigned int differ = u ^ v;
          double             gamma  = 0;
          if ((differ & (differ - 1)) == 0) // one bit: along an axis
            {
              unsigned int a = 0;
              while (!((differ >> a) & 1))
                ++a;
              gamma = axis_weight[a];
            }
          else
            {
              unsigned int axes[dim], n = 0;
              for (unsigned int a = 0; a < dim; ++a)
                if ((differ >> a) & 1)
                  axes[n++] = a;
              if (n != 2) // body diagonals carry nothing
                continue;
              const unsigned int a = axes[0], b = axes[1];
              // The edge runs along (s_a h_a, s_b h_b), s = +-1: it carries
              // C_ab when s_a s_b has the sign of C_ab.
              const int s_a = ((v >> a) & 1) ? 1 : -1;
              const int s_b = ((v >> b) & 1) ? 1 : -1;
              if (s_a * s_b * C(a, b) <= 0)
                continue;
              gamma =
                volume * std::abs(C(a, b)) / (diagonal_copies * h[a] * h[b]);
            }
          local(u, u) += gamma;
          local(v, v) += gamma;
          local(u, v) -= gamma;
          local(v, u) -= gamma;
        }
    return local;
  }


  template <int dim>
  void
  EdgeDiffusion<dim>::reinit(const DoFHandler<dim>                &dofs,
                             const AffineConstraints<double>      &c,
                             const KalmanWassersteinOperator<dim> &op)
  {
    dof_handler = &dofs;
    constraints = &c;
    op.reinit_matrix(matrix);

    // The direct path needs no constraints anywhere.
    direct =
      Utilities::MPI::sum(c.n_constraints(), dofs.get_communicator()) == 0;
    storage_index.clear();
    if (!direct)
      return;
    const Epetra_CrsMatrix  &e = matrix.trilinos_matrix();
    std::vector<std::size_t> row_start(e.NumMyRows() + 1, 0);
    for (int row = 0; row < e.NumMyRows(); ++row)
      row_start[row + 1] = row_start[row] + e.NumMyEntries(row);
    n_values                 = row_start.back();
    constexpr unsigned int n = GeometryInfo<dim>::vertices_per_cell;
    std::vector<types::global_dof_index> dof_indices(n);
    for (const auto &cell : dofs.active_cell_iterators())
      if (cell->is_locally_owned() || cell->is_ghost())
        {
          cell->get_dof_indices(dof_indices);
          for (unsigned int u = 0; u < n; ++u)
            {
              const int row =
                e.RowMap().LID(static_cast<long long>(dof_indices[u]));
              for (unsigned int v = 0; v < n; ++v)
                {
                  long long k = -1;
                  if (row >= 0)
                    {
                      int     count;
                      double *values;
                      int    *columns;
                      e.ExtractMyRowView(row, count, values, columns);
                      const int column =
                        e.ColMap().LID(static_cast<long long>(dof_indices[v]));
                      for (int q = 0; q < count; ++q)
                        if (columns[q] == column)
                          k = static_cast<long long>(row_start[row] + q);
                      AssertThrow(k >= 0,
                                  ExcMessage("a cell coupling is not in the "
                                             "operator's sparsity pattern"));
                    }
                  storage_index.push_back(k);
                }
            }
        }
  }


  template <int dim>
  void
  EdgeDiffusion<dim>::values(const DenseMatrix   &C,
                             std::vector<double> &values_of_W)
  {
    // Cells of one size share their matrix; the meshes have few sizes.
    Tensor<1, dim>     last_h;
    FullMatrix<double> local;
    const auto         weights_of = [&](const auto &cell) -> auto &
    {
      Tensor<1, dim> h;
      for (unsigned int a = 0; a < dim; ++a)
        h[a] = cell->extent_in_direction(a);
      if (local.m() == 0 || h != last_h)
        {
          local  = cell_matrix(C, h);
          last_h = h;
        }
      return local;
    };

    if (direct)
      {
        // Owned and ghost cells add into the owned rows: no communication.
        constexpr unsigned int n = GeometryInfo<dim>::vertices_per_cell;
        values_of_W.assign(n_values, 0.);
        std::size_t entry = 0;
        for (const auto &cell : dof_handler->active_cell_iterators())
          if (cell->is_locally_owned() || cell->is_ghost())
            {
              const FullMatrix<double> &w = weights_of(cell);
              for (unsigned int u = 0; u < n; ++u)
                for (unsigned int v = 0; v < n; ++v, ++entry)
                  if (storage_index[entry] >= 0)
                    values_of_W[storage_index[entry]] += w(u, v);
            }
        return;
      }

    matrix = 0;
    std::vector<types::global_dof_index> dof_indices(
      GeometryInfo<dim>::vertices_per_cell);
    for (const auto &cell : dof_handler->active_cell_iterators())
      if (cell->is_locally_owned())
        {
          cell->get_dof_indices(dof_indices);
          constraints->distribute_local_to_global(weights_of(cell),
                                                  dof_indices,
                                                  matrix);
        }
    matrix.compress(VectorOperation::add);
    values_of_W = storage_order_values(matrix);
  }


  template class EdgeDiffusion<1>;
  template class EdgeDiffusion<2>;
  template class EdgeDiffusion<3>;
} // namespace kwfp
