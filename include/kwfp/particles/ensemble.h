#ifndef kwfp_particles_ensemble_h
#define kwfp_particles_ensemble_h

#include <kwfp/base/dense_algebra.h>

#include <deal.II/base/mpi.h>

#include <cstdint>
#include <vector>

namespace kwfp
{
  /**
   * @brief A block of particles: rows of @p positions are the states u_j of
   * the particles whose global indices j are in @p index (increasing).
   */
  struct ParticleBlock
  {
    std::vector<std::uint64_t> index;     ///< global indices of the particles
    DenseMatrix                positions; ///< index.size() x d

    /// Number of particles in the block.
    unsigned int
    size() const
    {
      return index.size();
    }
  };

  /// The ensemble mean ubar and covariance C(U) = 1/J sum (u-ubar)(u-ubar)^T.
  struct EnsembleMoments
  {
    std::uint64_t n_particles = 0; ///< J
    DenseVector   mean;            ///< ubar
    DenseMatrix   covariance;      ///< C(U)
  };

  /**
   * @brief The ensemble U = {u_1..u_J} in R^d, distributed over MPI ranks.
   *
   * The particles are cut into blocks of consecutive global indices whose
   * size depends only on J, and every rank owns whole blocks. All sums over
   * the ensemble (means, covariances, cross-covariances) are formed block by
   * block and added in block order on every rank (sum_over_blocks()), and
   * every per-particle operation is done block by block, so the ensemble is
   * the same, bit for bit, on any number of ranks.
   */
  class Ensemble
  {
  public:
    /// An ensemble of @p n_particles particles in R^@p dimension, all zero.
    Ensemble(const unsigned int  dimension,
             const std::uint64_t n_particles,
             const MPI_Comm      communicator);

    /// d.
    unsigned int
    dimension() const;

    /// J at the start (before any particle was dropped).
    std::uint64_t
    initial_size() const;

    /// The blocks this rank owns.
    std::vector<ParticleBlock> &
    blocks();
    /// The blocks this rank owns (read only).
    const std::vector<ParticleBlock> &
    blocks() const;

    /// The communicator the blocks are distributed over.
    MPI_Comm
    communicator() const;

    /**
     * Given @p m numbers per owned block (block after block in
     * @p per_block), the sums over all blocks of all ranks, added in block
     * order: the same bits on any number of ranks.
     */
    std::vector<double>
    sum_over_blocks(const std::vector<double> &per_block,
                    const unsigned int         m) const;

    /// Up to this dimension moments() sums (u - ubar)(u - ubar)^T particle
    /// by particle; above it by a matrix product (BLAS) per block.
    static constexpr unsigned int max_direct_dimension = 16;

    /// The number of particles, their mean and covariance (1/J).
    EnsembleMoments
    moments() const;

    /// The centered ensemble U - ubar of block @p b (rows).
    DenseMatrix
    centered(const unsigned int b, const DenseVector &mean) const;

    /// Every particle (rows, in global order) on every rank.
    DenseMatrix
    gather() const;

    /// The global indices of every particle, in global order, on every rank.
    std::vector<std::uint64_t>
    gather_indices() const;

    /**
     * Set the ensemble to the particles with global indices @p indices
     * (increasing) at the rows of @p positions, as gather_indices() and
     * gather() return them (e.g. from a checkpoint written with any number
     * of ranks): each rank keeps those of its blocks. Particles not listed
     * are taken as dropped.
     */
    void
    assign(const std::vector<std::uint64_t> &indices,
           const DenseMatrix                &positions);
    /// Remove the local particles (block, row) in @p rows.
    void
    remove(const std::vector<std::pair<unsigned int, unsigned int>> &rows);

  private:
    const unsigned int         d;
    const std::uint64_t        J;
    const MPI_Comm             mpi_communicator;
    unsigned int               n_blocks;
    unsigned int               first_block;
    std::vector<ParticleBlock> owned;
    /// first owned block of every rank, and n_blocks at the end
    std::vector<unsigned int> rank_first_block;
  };
} // namespace kwfp

#endif
