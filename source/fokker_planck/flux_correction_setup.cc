#include <kwfp/base/epetra_values.h>
#include <kwfp/fokker_planck/flux_corrected_transport.h>

#include <deal.II/base/index_set.h>

#include <Epetra_CrsMatrix.h>

#include <cmath>
#include <cstddef>
#include <type_traits>

// FluxCorrectedTransport's set-up: reinit() on a new mesh (the lumped
// masses a step's positivity test needs) and build(), on the first step
// that is corrected, of the low-order operator, the Bernoulli weights of
// its edges, the flux storage and the limiter's index arrays.

namespace kwfp
{
  using namespace dealii;

  namespace
  {
    /// B(z) = z / (e^z - 1), B(0) = 1; B(z) -> 0 for z -> +inf, ~ -z for
    /// z -> -inf. expm1 keeps it accurate for small |z|.
    double
    bernoulli(const double z)
    {
      if (std::abs(z) < 1e-12)
        return 1 - z / 2;
      const double e = std::expm1(z);
      return std::isinf(e) ? 0. : z / e;
    }
  } // namespace


  template <int dim>
  void
  FluxCorrectedTransport<dim>::reinit(
    const DoFHandler<dim>               &dof_handler,
    KalmanWassersteinOperator<dim>      &o,
    const AffineConstraints<double>     &constraints,
    const TrilinosWrappers::MPI::Vector &nodal_potential,
    const IndexSet                      &owned,
    const IndexSet                      &relevant,
    const MPI_Comm                       comm)
  {
    low_order_ilu.reset(); // before its matrix gets the new pattern
    ilu_mass_factor = -1;
    op              = &o;
    communicator    = comm;
    dofs            = &dof_handler;
    hanging_nodes   = &constraints;
    // a copy with the new mesh's layout (assigning to a vector of the same
    // global size would keep the old layout and import into it)
    potential_at_nodes = TrilinosWrappers::MPI::Vector(nodal_potential);
    relevant_dofs      = relevant;
    built              = false;
    release_built_state();

    // What the test of a Galerkin step needs (relative_undershoot(),
    // cut_off()): the lumped masses m_i = sum_j M_ij and the constrained
    // rows. The rest is built on the first step that is corrected.
    const Epetra_CrsMatrix    &e      = op->mass_matrix().trilinos_matrix();
    const std::vector<double> &m      = op->mass_values();
    const int                  n_rows = e.NumMyRows();
    AssertThrow(static_cast<types::global_dof_index>(n_rows) ==
                  owned.n_elements(),
                ExcMessage("matrix rows and owned unknowns differ"));
    lumped_mass.resize(n_rows);
    constrained.assign(n_rows, false);
    std::size_t first = 0;
    for (int row = 0; row < n_rows; ++row)
      {
        const types::global_dof_index gid = e.RowMap().GID(row);
        AssertThrow(owned.index_within_set(gid) ==
                      static_cast<types::global_dof_index>(row),
                    ExcMessage("matrix rows and vector entries are ordered "
                               "differently"));
        constrained[row]       = constraints.is_constrained(gid);
        const std::size_t n    = e.NumMyEntries(row);
        double            mass = 0;
        for (std::size_t k = 0; k < n; ++k)
          mass += m[first + k];
        AssertThrow(mass > 0,
                    ExcMessage("a lumped mass is not positive; the flux "
                               "correction needs positive lumped masses"));
        lumped_mass[row] = mass;
        first += n;
      }
  }


  template <int dim>
  void
  FluxCorrectedTransport<dim>::release_built_state()
  {
    const auto release = [](auto &v) { std::decay_t<decltype(v)>().swap(v); };
    release(row_start);
    release(column_in_ghosted);
    release(row_in_ghosted);
    release(diagonal_entry);
    release(bernoulli_out);
    release(bernoulli_in);
    release(column_start);
    release(rows_of_column);
    release(last_ratio);
    release(rows_to_check);
    release(listed);
    release(limited_rows);
    release(in_limited_set);
    release(K);
    release(flux);
    release(positive_flux);
    release(positive_column);
    release(positive_end);
    release(negative_flux);
    release(source);
    release(source_factor);
    release(budget);
    release(fluxes_computed);
    release(computed_rows);
    release(row_A);
    release(row_A_transposed);
    for (auto *v :
         {&ghosted_solution, &ghosted_rate, &ghosted_ratio, &rhs, &ratio})
      v->clear();
    low_order.clear();
    edge_diffusion.clear();
  }


  template <int dim>
  void
  FluxCorrectedTransport<dim>::build()
  {
    if (built)
      return;
    op->assemble_transposed_pieces(*dofs, *hanging_nodes);
    op->reinit_matrix(low_order);
    use_edge_diffusion = EdgeDiffusion<dim>::applies_to(*dofs);
    if (use_edge_diffusion)
      edge_diffusion.reinit(*dofs, *hanging_nodes, *op);
    K_for_C.reinit(0, 0);
    // The ghosts: the locally relevant unknowns and every column of the
    // local rows (with hanging nodes, condensation couples a row to parents
    // on cells that are not ghost cells of its owner).
    const IndexSet &owned_dofs = dofs->locally_owned_dofs();
    IndexSet        ghosts(relevant_dofs);
    {
      const Epetra_Map &columns = low_order.trilinos_matrix().ColMap();
      for (int k = 0; k < columns.NumMyElements(); ++k)
        ghosts.add_index(columns.GID(k));
      ghosts.compress();
    }
    ghosted_solution.reinit(owned_dofs, ghosts, communicator);
    ghosted_rate.reinit(owned_dofs, ghosts, communicator);
    ghosted_ratio.reinit(owned_dofs, ghosts, communicator);
    rhs.reinit(owned_dofs, communicator);
    ratio.reinit(owned_dofs, communicator);
    ghost_exchange.reinit(ratio, ghosted_ratio);

    ghost_exchange.update(potential_at_nodes, ghosted_ratio);
    const double *Phi = epetra_values(ghosted_ratio);
    bernoulli_out.clear();
    bernoulli_in.clear();
    const Epetra_CrsMatrix &e        = low_order.trilinos_matrix();
    const Epetra_BlockMap &ghost_map = ghosted_solution.trilinos_vector().Map();
    const Epetra_BlockMap &mine      = rhs.trilinos_vector().Map();
    const int              n_rows    = e.NumMyRows();
    AssertThrow(n_rows == mine.NumMyElements(),
                ExcMessage("matrix rows and vector entries differ"));
    row_start.assign(1, 0);
    column_in_ghosted.clear();
    row_in_ghosted.resize(n_rows);
    diagonal_entry.resize(n_rows);
    for (int row = 0; row < n_rows; ++row)
      {
        const int gid = e.RowMap().GID(row);
        AssertThrow(mine.GID(row) == gid,
                    ExcMessage("matrix rows and vector entries are ordered "
                               "differently"));
        row_in_ghosted[row] = ghost_map.LID(gid);
        int     n;
        double *values;
        int    *columns;
        e.ExtractMyRowView(row, n, values, columns);
        diagonal_entry[row] = static_cast<std::size_t>(-1);
        for (int k = 0; k < n; ++k)
          {
            const int column = e.ColMap().GID(columns[k]);
            const int lid    = ghost_map.LID(column);
            AssertThrow(lid >= 0,
                        ExcMessage("a matrix column is not a relevant "
                                   "degree of freedom"));
            column_in_ghosted.push_back(lid);
            const double delta = Phi[lid] - Phi[ghost_map.LID(gid)];
            bernoulli_out.push_back(bernoulli(delta));
            bernoulli_in.push_back(bernoulli(-delta));
            if (column == gid)
              diagonal_entry[row] = row_start.back() + k;
          }
        AssertThrow(diagonal_entry[row] != static_cast<std::size_t>(-1),
                    ExcMessage("a matrix row without a diagonal entry"));
        row_start.push_back(row_start.back() + n);
      }
    flux.resize(row_start.back());
    positive_flux.resize(row_start.back());
    positive_column.resize(row_start.back());
    positive_end.assign(n_rows, 0);

    // The transpose of the pattern (which rows see a column), for the
    // limiter's passes over the rows next to a change only.
    const std::size_t n_ghosted = ghosted_ratio.trilinos_vector().MyLength();
    column_start.assign(n_ghosted + 1, 0);
    for (const int c : column_in_ghosted)
      ++column_start[c + 1];
    for (std::size_t c = 0; c < n_ghosted; ++c)
      column_start[c + 1] += column_start[c];
    rows_of_column.resize(column_in_ghosted.size());
    {
      std::vector<std::size_t> next(column_start.begin(),
                                    column_start.end() - 1);
      for (int row = 0; row < n_rows; ++row)
        for (std::size_t k = row_start[row]; k < row_start[row + 1]; ++k)
          rows_of_column[next[column_in_ghosted[k]]++] = row;
    }
    last_ratio.resize(n_ghosted);
    listed.assign(n_rows, 0);
    AssertThrow(op->has_transposed_pieces(),
                ExcMessage("the operator was not prepared for the flux "
                           "correction (reinit() with for_flux_correction)"));
    built = true;
  }


#define KWFP_INSTANTIATE(dim)                         \
  template void FluxCorrectedTransport<dim>::reinit(  \
    const DoFHandler<dim> &,                          \
    KalmanWassersteinOperator<dim> &,                 \
    const AffineConstraints<double> &,                \
    const TrilinosWrappers::MPI::Vector &,            \
    const IndexSet &,                                 \
    const IndexSet &,                                 \
    const MPI_Comm);                                  \
  template void FluxCorrectedTransport<dim>::build(); \
  template void FluxCorrectedTransport<dim>::release_built_state();

  KWFP_INSTANTIATE(1)
  KWFP_INSTANTIATE(2)
  KWFP_INSTANTIATE(3)
#undef KWFP_INSTANTIATE
} // namespace kwfp
