#include <kwfp/particles/ensemble.h>

#include <algorithm>
#include <array>
#include <numeric>
#include <type_traits>

namespace kwfp
{
  namespace
  {
    /// Block size: at least 512 particles, at most 256 blocks.
    std::uint64_t
    block_size_for(const std::uint64_t J)
    {
      return std::max<std::uint64_t>(512, (J + 255) / 256);
    }
  } // namespace


  Ensemble::Ensemble(const unsigned int  dimension,
                     const std::uint64_t n_particles,
                     const MPI_Comm      communicator)
    : d(dimension)
    , J(n_particles)
    , mpi_communicator(communicator)
  {
    const std::uint64_t B = block_size_for(J);
    n_blocks              = (J + B - 1) / B;
    const unsigned int P =
      dealii::Utilities::MPI::n_mpi_processes(communicator);
    const unsigned int r =
      dealii::Utilities::MPI::this_mpi_process(communicator);
    rank_first_block.resize(P + 1);
    for (unsigned int q = 0; q <= P; ++q)
      rank_first_block[q] =
        static_cast<unsigned int>((std::uint64_t(n_blocks) * q) / P);
    first_block = rank_first_block[r];
    for (unsigned int b = first_block; b < rank_first_block[r + 1]; ++b)
      {
        ParticleBlock       block;
        const std::uint64_t begin = b * B, end = std::min(J, (b + 1) * B);
        block.index.resize(end - begin);
        std::iota(block.index.begin(), block.index.end(), begin);
        block.positions.reinit(end - begin, d);
        owned.push_back(std::move(block));
      }
  }


  unsigned int
  Ensemble::dimension() const
  {
    return d;
  }


  std::uint64_t
  Ensemble::initial_size() const
  {
    return J;
  }


  std::vector<ParticleBlock> &
  Ensemble::blocks()
  {
    return owned;
  }


  const std::vector<ParticleBlock> &
  Ensemble::blocks() const
  {
    return owned;
  }


  MPI_Comm
  Ensemble::communicator() const
  {
    return mpi_communicator;
  }


  std::vector<double>
  Ensemble::sum_over_blocks(const std::vector<double> &per_block,
                            const unsigned int         m) const
  {
    AssertDimension(per_block.size(), owned.size() * m);
    const unsigned int  P = rank_first_block.size() - 1;
    std::vector<double> all(std::size_t(n_blocks) * m);
    if (P == 1)
      all = per_block;
    else
      {
        std::vector<int> counts(P), offsets(P);
        for (unsigned int q = 0; q < P; ++q)
          {
            counts[q]  = (rank_first_block[q + 1] - rank_first_block[q]) * m;
            offsets[q] = rank_first_block[q] * m;
          }
        const int ierr = MPI_Allgatherv(per_block.data(),
                                        per_block.size(),
                                        MPI_DOUBLE,
                                        all.data(),
                                        counts.data(),
                                        offsets.data(),
                                        MPI_DOUBLE,
                                        mpi_communicator);
        AssertThrowMPI(ierr);
      }
    std::vector<double> sum(m, 0.0);
    for (unsigned int b = 0; b < n_blocks; ++b)
      for (unsigned int i = 0; i < m; ++i)
        sum[i] += all[std::size_t(b) * m + i];
    return sum;
  }


  namespace
  {
    /// Partial sums per particle j mod #ways, added in a fixed order at the
    /// end: independent chains of additions instead of one (the sums of a
    /// block are the same on any number of ranks).
    constexpr unsigned int ways = 4;

    /// Call f(std::integral_constant<int, D>) with D = d for d <= 4, else
    /// D = 0 (the dimension known at run time only).
    template <typename F>
    void
    dispatch_dimension(const unsigned int d, const F &f)
    {
      switch (d)
        {
          case 1:
            f(std::integral_constant<int, 1>());
            break;
          case 2:
            f(std::integral_constant<int, 2>());
            break;
          case 3:
            f(std::integral_constant<int, 3>());
            break;
          case 4:
            f(std::integral_constant<int, 4>());
            break;
          default:
            f(std::integral_constant<int, 0>());
        }
    }

    /// sum[i] = sum_j U[j d + i] over the n particles of a block.
    template <int D>
    void
    block_sum(const double      *U,
              const std::size_t  n,
              const unsigned int d_runtime,
              double            *sum)
    {
      const unsigned int d = D > 0 ? D : d_runtime;
      double             partial[ways][Ensemble::max_direct_dimension] = {};
      std::size_t        j                                             = 0;
      for (; j + ways <= n; j += ways)
        for (unsigned int w = 0; w < ways; ++w)
          for (unsigned int i = 0; i < d; ++i)
            partial[w][i] += U[(j + w) * d + i];
      for (; j < n; ++j)
        for (unsigned int i = 0; i < d; ++i)
          partial[0][i] += U[j * d + i];
      for (unsigned int i = 0; i < d; ++i)
        sum[i] =
          (partial[0][i] + partial[1][i]) + (partial[2][i] + partial[3][i]);
    }

    /// S = sum_j (u_j - mean)(u_j - mean)^T (d x d, row-major) over the n
    /// particles of a block.
    template <int D>
    void
    block_scatter(const double      *U,
                  const std::size_t  n,
                  const unsigned int d_runtime,
                  const double      *mean,
                  double            *S)
    {
      constexpr unsigned int m = Ensemble::max_direct_dimension;
      const unsigned int     d = D > 0 ? D : d_runtime;
      double                 partial[ways][D > 0 ? D * D : m * m] = {};
      const auto             add = [&](double *p, const double *u) {
        double e[m];
        for (unsigned int i = 0; i < d; ++i)
          e[i] = u[i] - mean[i];
        for (unsigned int i = 0; i < d; ++i)
          for (unsigned int k = i; k < d; ++k)
            p[i * d + k] += e[i] * e[k];
      };
      std::size_t j = 0;
      for (; j + ways <= n; j += ways)
        for (unsigned int w = 0; w < ways; ++w)
          add(partial[w], U + (j + w) * d);
      for (; j < n; ++j)
        add(partial[0], U + j * d);
      for (unsigned int i = 0; i < d; ++i)
        for (unsigned int k = i; k < d; ++k)
          S[i * d + k] = S[k * d + i] =
            (partial[0][i * d + k] + partial[1][i * d + k]) +
            (partial[2][i * d + k] + partial[3][i * d + k]);
    }
  } // namespace


  EnsembleMoments
  Ensemble::moments() const
  {
    // first pass: count and sum of u
    std::vector<double> first(owned.size() * (d + 1), 0.0);
    for (unsigned int b = 0; b < owned.size(); ++b)
      {
        double *s = &first[b * (d + 1)];
        s[0]      = owned[b].size();
        if (owned[b].size() == 0)
          continue;
        const double *U = &owned[b].positions(0, 0);
        if (d <= max_direct_dimension)
          dispatch_dimension(d, [&](auto D) {
            block_sum<decltype(D)::value>(U, owned[b].size(), d, s + 1);
          });
        else
          for (unsigned int i = 0; i < d; ++i)
            {
              double sum = 0;
              for (unsigned int j = 0; j < owned[b].size(); ++j)
                sum += U[j * d + i];
              s[1 + i] = sum;
            }
      }
    const std::vector<double> sums = sum_over_blocks(first, d + 1);
    EnsembleMoments           moments;
    moments.n_particles = static_cast<std::uint64_t>(sums[0]);
    moments.mean.reinit(d);
    for (unsigned int i = 0; i < d; ++i)
      moments.mean[i] = sums[1 + i] / sums[0];

    // second pass: sum of (u - ubar)(u - ubar)^T, particle by particle in
    // low dimension (no temporary matrix), else by matrix products
    std::vector<double> second(owned.size() * d * d, 0.0);
    if (d <= max_direct_dimension)
      {
        std::array<double, max_direct_dimension> mean;
        for (unsigned int i = 0; i < d; ++i)
          mean[i] = moments.mean[i];
        for (unsigned int b = 0; b < owned.size(); ++b)
          if (owned[b].size() > 0)
            dispatch_dimension(d, [&](auto D) {
              block_scatter<decltype(D)::value>(&owned[b].positions(0, 0),
                                                owned[b].size(),
                                                d,
                                                mean.data(),
                                                &second[b * d * d]);
            });
      }
    else
      {
        DenseMatrix product(d, d);
        for (unsigned int b = 0; b < owned.size(); ++b)
          {
            const DenseMatrix E = centered(b, moments.mean);
            E.Tmmult(product, E);
            std::copy(product.begin(),
                      product.end(),
                      second.begin() + b * d * d);
          }
      }
    const std::vector<double> cov = sum_over_blocks(second, d * d);
    moments.covariance.reinit(d, d);
    for (unsigned int i = 0; i < d; ++i)
      for (unsigned int k = 0; k < d; ++k)
        moments.covariance(i, k) = cov[i * d + k] / sums[0];
    return moments;
  }


  DenseMatrix
  Ensemble::centered(const unsigned int b, const DenseVector &mean) const
  {
    DenseMatrix E(owned[b].positions);
    for (unsigned int j = 0; j < E.m(); ++j)
      for (unsigned int i = 0; i < d; ++i)
        E(j, i) -= mean[i];
    return E;
  }


  DenseMatrix
  Ensemble::gather() const
  {
    std::vector<double> local;
    for (const ParticleBlock &block : owned)
      local.insert(local.end(), block.positions.begin(), block.positions.end());
    const std::vector<std::vector<double>> all =
      dealii::Utilities::MPI::all_gather(mpi_communicator, local);
    std::size_t n = 0;
    for (const auto &part : all)
      n += part.size() / std::max(1u, d);
    DenseMatrix U(n, d);
    auto        destination = U.begin();
    for (const auto &part : all)
      destination = std::copy(part.begin(), part.end(), destination);
    return U;
  }


  void
  Ensemble::assign(const std::vector<std::uint64_t> &indices,
                   const DenseMatrix                &positions)
  {
    AssertThrow(positions.m() == indices.size() && positions.n() == d,
                dealii::ExcMessage("Ensemble::assign: sizes do not match"));
    const std::uint64_t B = block_size_for(J);
    for (unsigned int k = 0; k < owned.size(); ++k)
      {
        const std::uint64_t b = first_block + k;
        const auto          first =
          std::lower_bound(indices.begin(), indices.end(), b * B);
        const auto last =
          std::lower_bound(first, indices.end(), std::min(J, (b + 1) * B));
        ParticleBlock &block = owned[k];
        block.index.assign(first, last);
        block.positions.reinit(block.index.size(), d);
        for (std::size_t r = 0; r < block.index.size(); ++r)
          for (unsigned int i = 0; i < d; ++i)
            block.positions(r, i) = positions(first - indices.begin() + r, i);
      }
  }


  std::vector<std::uint64_t>
  Ensemble::gather_indices() const
  {
    std::vector<std::uint64_t> local;
    for (const ParticleBlock &block : owned)
      local.insert(local.end(), block.index.begin(), block.index.end());
    const auto all =
      dealii::Utilities::MPI::all_gather(mpi_communicator, local);
    std::vector<std::uint64_t> indices;
    for (const auto &part : all)
      indices.insert(indices.end(), part.begin(), part.end());
    return indices;
  }


  void
  Ensemble::remove(
    const std::vector<std::pair<unsigned int, unsigned int>> &rows)
  {
    for (unsigned int b = 0; b < owned.size(); ++b)
      {
        std::vector<unsigned int> keep;
        for (unsigned int j = 0; j < owned[b].size(); ++j)
          if (std::find(rows.begin(), rows.end(), std::make_pair(b, j)) ==
              rows.end())
            keep.push_back(j);
        if (keep.size() == owned[b].size())
          continue;
        ParticleBlock block;
        block.positions.reinit(keep.size(), d);
        for (unsigned int r = 0; r < keep.size(); ++r)
          {
            block.index.push_back(owned[b].index[keep[r]]);
            for (unsigned int i = 0; i < d; ++i)
              block.positions(r, i) = owned[b].positions(keep[r], i);
          }
        owned[b] = std::move(block);
      }
  }
} // namespace kwfp
