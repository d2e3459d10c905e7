#include <kwfp/particles/ensemble.h>

#include <algorithm>
#include <array>
#include <numeric>

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


  EnsembleMoments
  Ensemble::moments() const
  {
    // first pass: count and sum of u
    std::vector<double> first(owned.size() * (d + 1), 0.0);
    for (unsigned int b = 0; b < owned.size(); ++b)
      {
        double *s = &first[b * (d + 1)];
        s[0]      = owned[b].size();
        // sum coordinate by coordinate into a register
        for (unsigned int i = 0; i < d; ++i)
          {
            double sum = 0;
            for (unsigned int j = 0; j < owned[b].size(); ++j)
              sum += owned[b].positions(j, i);
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
        // local accumulators: the compiler cannot keep sums that may alias
        // the positions in registers
        std::array<double, max_direct_dimension>                        e, mean;
        std::array<double, max_direct_dimension * max_direct_dimension> sum;
        for (unsigned int i = 0; i < d; ++i)
          mean[i] = moments.mean[i];
        for (unsigned int b = 0; b < owned.size(); ++b)
          {
            sum.fill(0);
            const DenseMatrix &U = owned[b].positions;
            for (unsigned int j = 0; j < owned[b].size(); ++j)
              {
                for (unsigned int i = 0; i < d; ++i)
                  e[i] = U(j, i) - mean[i];
                for (unsigned int i = 0; i < d; ++i)
                  for (unsigned int k = i; k < d; ++k)
                    sum[i * d + k] += e[i] * e[k];
              }
            double *s = &second[b * d * d];
            for (unsigned int i = 0; i < d; ++i)
              for (unsigned int k = 0; k < d; ++k)
                s[i * d + k] = k >= i ? sum[i * d + k] : sum[k * d + i];
          }
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
